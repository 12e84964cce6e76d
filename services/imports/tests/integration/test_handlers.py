"""The imports service's jobs and data log on a real PostgreSQL database."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from imports import handlers
from imports.kinds import EXPORT_BOOKINGS, IMPORT_BOOKINGS
from imports.models import Base, Job
from salon_infra.database import UnitOfWork, create_engine_for, session_factory
from salon_infra.errors import NotFound
from salon_infra.migrations import upgrade
from salon_infra.testing import schema_drift, temporary_database

COMPANY, USER = 7, 3
REPORT = {"rows": 2, "created": 2, "existing": 0, "problems": []}


@pytest.fixture(scope="module")
def database_url():
    with temporary_database("imports_handlers") as url:
        upgrade("imports", url)
        yield url


@pytest.fixture(scope="module")
def sessions(database_url):
    engine = create_engine_for(database_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(sessions):
    return UnitOfWork(sessions)


@pytest.fixture
def nothing_waiting(uow):
    while job := handlers.claim_next(uow):  # what other tests left waiting
        handlers.fail(uow, job.id, "cleared by the test")


def test_the_models_match_the_migrations(database_url):
    assert schema_drift(database_url, Base.metadata) == []


def test_the_same_file_is_imported_once_and_a_dry_run_always_runs(uow):
    first = handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"same bytes", "a.xlsx", False, USER)
    again = handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"same bytes", "b.xlsx", False, USER)
    assert again.id == first.id
    checks = [handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"same bytes", "a.xlsx", True, USER) for _ in "ab"]
    assert len({job.id for job in checks} | {first.id}) == 3
    other_company = handlers.start_import(uow, COMPANY + 1, IMPORT_BOOKINGS, b"same bytes", "a.xlsx", False, USER)
    assert other_company.id != first.id
    handlers.fail(uow, first.id, "broken")
    retried = handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"same bytes", "a.xlsx", False, USER)
    assert retried.id != first.id  # a failed import may be tried again


def test_the_database_refuses_a_second_import_of_a_file(uow):
    handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"unique bytes", "a.xlsx", False, USER)
    with uow:
        uow.session.add(handlers._new_job(COMPANY, IMPORT_BOOKINGS, USER, file_key=handlers.file_key(b"unique bytes")))
        with pytest.raises(Exception, match="uq_jobs_file_once"):
            uow.session.flush()


def test_jobs_are_claimed_once_in_order(uow, nothing_waiting):
    one = handlers.start_export(uow, COMPANY, {"source": "online"}, USER, "owner@example.com")
    two = handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"other bytes", "c.xlsx", False, USER)
    claimed = handlers.claim_next(uow)
    assert (claimed.id, claimed.kind, claimed.filters, claimed.email) == (
        one.id, EXPORT_BOOKINGS, {"source": "online"}, "owner@example.com"
    )  # fmt: skip
    claimed = handlers.claim_next(uow)
    assert (claimed.id, claimed.kind, claimed.content, claimed.user_id) == (
        two.id, IMPORT_BOOKINGS, b"other bytes", USER
    )  # fmt: skip
    assert handlers.claim_next(uow) is None
    done = handlers.finish(uow, two.id, REPORT)
    assert done.status == "done" and done.finished_at is not None
    with uow:
        assert uow.session.get(Job, two.id).content is None  # the upload is not kept
    requested = next(e for e in handlers.list_data_log(uow, COMPANY, 50, None) if e.job_id == two.id)
    assert requested.details == {"kind": IMPORT_BOOKINGS, "file_name": "c.xlsx", "rows": 2, "created": 2,
                                 "existing": 0, "problems": 0}  # fmt: skip


def test_a_job_left_running_by_a_dead_worker_is_taken_again_then_given_up(uow, nothing_waiting):
    job = handlers.start_import(uow, COMPANY, IMPORT_BOOKINGS, b"crashing bytes", "d.xlsx", False, USER)
    assert handlers.claim_next(uow).id == job.id
    assert handlers.claim_next(uow) is None  # running, and not for long yet
    for _attempt in (2, 3):
        _started(uow, job.id, datetime.now(UTC) - handlers.STALE_AFTER - timedelta(seconds=1))
        assert handlers.claim_next(uow).id == job.id
    _started(uow, job.id, datetime.now(UTC) - handlers.STALE_AFTER - timedelta(seconds=1))
    assert handlers.claim_next(uow) is None
    given_up = handlers.get_job(uow, COMPANY, job.id)
    assert (given_up.status, given_up.error, given_up.attempts) == ("failed", handlers.GAVE_UP, 3)


def test_the_data_log_and_downloads(uow, tmp_path):
    job = handlers.start_export(uow, COMPANY, {"paid": "paid_in_full"}, USER, None)
    with pytest.raises(NotFound):
        handlers.open_export(uow, COMPANY, job.id, USER, downloading=True)  # not finished yet
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"file")
    handlers.finish(uow, job.id, {"rows": 0}, file_name="bookings.xlsx", file_path=str(path), file_size=4)
    handlers.open_export(uow, COMPANY, job.id, USER + 1, downloading=True)
    handlers.open_export(uow, COMPANY, job.id, USER + 1, downloading=False)
    with pytest.raises(NotFound):
        handlers.open_export(uow, COMPANY + 1, job.id, USER, downloading=True)
    entries = [(e.action, e.user_id) for e in handlers.list_data_log(uow, COMPANY, 50, None) if e.job_id == job.id]
    assert entries == [("export_downloaded", USER + 1), ("export_requested", USER)]
    assert all(entry.company_id == COMPANY + 1 for entry in handlers.list_data_log(uow, COMPANY + 1, 50, None))
    newest = handlers.list_data_log(uow, COMPANY, 1, None)[0]
    assert all(e.id < newest.id for e in handlers.list_data_log(uow, COMPANY, 50, newest.id))


def test_an_export_file_is_deleted_after_its_retention_and_its_job_says_it_expired(uow, tmp_path):
    files, jobs = {}, {}
    for age in (8, 6):
        jobs[age] = handlers.start_export(uow, COMPANY, {}, USER, None)
        files[age] = tmp_path / f"{age}.xlsx"
        files[age].write_bytes(b"clients' names and phones")
        handlers.finish(uow, jobs[age].id, {"rows": 1}, file_name="b.xlsx", file_path=str(files[age]), file_size=25)
    now = datetime.now(UTC)
    with uow:
        for age, job in jobs.items():
            uow.session.execute(update(Job).where(Job.id == job.id).values(finished_at=now - timedelta(days=age)))
        uow.commit()

    expired = handlers.delete_old_exports(uow, timedelta(days=7), now)
    assert jobs[8].id in expired and jobs[6].id not in expired
    assert not files[8].exists() and files[6].exists()
    with pytest.raises(handlers.ExportExpired, match="expired"):
        handlers.open_export(uow, COMPANY, jobs[8].id, USER, downloading=True)
    assert handlers.open_export(uow, COMPANY, jobs[6].id, USER, downloading=True).file_path == str(files[6])
    assert handlers.get_job(uow, COMPANY, jobs[8].id).status == "expired"
    assert jobs[8].id not in handlers.delete_old_exports(uow, timedelta(days=7), now)  # once


def _started(uow, job_id: int, at: datetime) -> None:
    with uow:
        uow.session.execute(update(Job).where(Job.id == job_id).values(started_at=at))
        uow.commit()
