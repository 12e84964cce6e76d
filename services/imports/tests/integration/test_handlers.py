"""The imports service's jobs and data log on a real PostgreSQL database."""

import pytest

from imports import handlers
from imports.jobs import BOOKINGS, EXPORT
from imports.models import Base
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.errors import NotFound
from salon_infra.migrations import upgrade
from salon_infra.testing import schema_drift, temporary_database

COMPANY, USER = 7, 3


@pytest.fixture(scope="module")
def database_url():
    with temporary_database("imports_handlers") as url:
        upgrade("imports", url)
        yield url


@pytest.fixture
def uow(database_url):
    return UnitOfWork(session_factory(create_engine_for(database_url)))


def test_the_models_match_the_migrations(database_url):
    assert schema_drift(database_url, Base.metadata) == []


def test_the_same_file_is_imported_once_and_a_dry_run_always_runs(uow):
    first = handlers.start_import(uow, COMPANY, BOOKINGS, b"same bytes", "a.xlsx", False, USER)
    again = handlers.start_import(uow, COMPANY, BOOKINGS, b"same bytes", "b.xlsx", False, USER)
    assert again.id == first.id
    checks = [handlers.start_import(uow, COMPANY, BOOKINGS, b"same bytes", "a.xlsx", True, USER) for _ in range(2)]
    assert len({job.id for job in checks} | {first.id}) == 3
    other_company = handlers.start_import(uow, COMPANY + 1, BOOKINGS, b"same bytes", "a.xlsx", False, USER)
    assert other_company.id != first.id
    handlers.finish(uow, first.id, error="broken")
    retried = handlers.start_import(uow, COMPANY, BOOKINGS, b"same bytes", "a.xlsx", False, USER)
    assert retried.id != first.id  # a failed import may be tried again


def test_jobs_are_claimed_once_in_order(uow):
    while handlers.claim_next(uow):  # what other tests left waiting
        pass
    one = handlers.start_export(uow, COMPANY, {"source": "online"}, USER, "owner@example.com")
    two = handlers.start_import(uow, COMPANY, BOOKINGS, b"other bytes", "c.xlsx", False, USER)
    assert handlers.claim_next(uow) == (one.id, EXPORT)
    assert handlers.claim_next(uow) == (two.id, BOOKINGS)
    assert handlers.claim_next(uow) is None
    done = handlers.finish(uow, two.id, report={"rows": 0, "created": 0, "existing": 0, "problems": []})
    assert done.status == "done" and done.finished_at is not None


def test_the_data_log_and_downloads(uow, tmp_path):
    job = handlers.start_export(uow, COMPANY, {"paid": "paid_in_full"}, USER, None)
    with pytest.raises(NotFound):
        handlers.export_file(uow, COMPANY, job.id, USER, first_chunk=True)  # not finished yet
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"file")
    handlers.finish(uow, job.id, report={"rows": 0}, file_path=str(path), file_size=4)
    handlers.export_file(uow, COMPANY, job.id, USER + 1, first_chunk=True)
    handlers.export_file(uow, COMPANY, job.id, USER + 1, first_chunk=False)
    with pytest.raises(NotFound):
        handlers.export_file(uow, COMPANY + 1, job.id, USER, first_chunk=True)
    entries = [(e.action, e.user_id) for e in handlers.list_data_log(uow, COMPANY, 50, None) if e.job_id == job.id]
    assert entries == [("export_downloaded", USER + 1), ("export_requested", USER)]
    assert all(entry.company_id == COMPANY + 1 for entry in handlers.list_data_log(uow, COMPANY + 1, 50, None))
