"""The imports service's use cases on its own tables: jobs asked for, claimed, finished, and the data log."""

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from imports.jobs import EXPORT
from imports.models import DataLogEntry, Job
from salon_infra.database import UnitOfWork
from salon_infra.errors import NotFound

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 3


def start_import(
    uow: UnitOfWork, company_id: int, kind: str, content: bytes, file_name: str, dry_run: bool, user_id: int
) -> Job:
    """A job for the upload. The same file (by its bytes) is imported once: asking again, by a second
    upload or a second click, gives the first job back. A dry run always runs."""
    file_key = hashlib.sha256(content).hexdigest()
    if not dry_run and (earlier := _same_file(uow, company_id, kind, file_key)):
        return earlier
    now = datetime.now(UTC)
    with uow:
        job = Job(
            company_id=company_id,
            kind=kind,
            status=PENDING,
            dry_run=dry_run,
            file_name=file_name,
            file_key=file_key,
            content=content,
            requested_by_user_id=user_id,
            attempts=0,
            created_at=now,
        )
        uow.session.add(job)
        try:
            uow.session.flush()
        except IntegrityError:  # the same file, asked for at the same moment
            uow.session.rollback()
            return _same_file(uow, company_id, kind, file_key)
        action = "import_dry_run" if dry_run else "import_requested"
        _log(uow, company_id, user_id, action, job.id, {"kind": kind, "file_name": file_name, "file_key": file_key})
        uow.commit()
        return job


def start_export(uow: UnitOfWork, company_id: int, filters: dict, user_id: int, email: str | None) -> Job:
    now = datetime.now(UTC)
    with uow:
        job = Job(company_id=company_id, kind=EXPORT, status=PENDING, dry_run=False, filters=filters,
                  requested_by_user_id=user_id, requested_by_email=email, attempts=0, created_at=now)  # fmt: skip
        uow.session.add(job)
        uow.session.flush()
        _log(uow, company_id, user_id, "export_requested", job.id, {"filters": filters})
        uow.commit()
        return job


def claim_next(uow: UnitOfWork) -> tuple[int, str] | None:
    """Take the oldest job waiting (or one a crashed worker left running); (id, kind) or None."""
    now = datetime.now(UTC)
    query = (
        select(Job)
        .where(
            or_(Job.status == PENDING, (Job.status == RUNNING) & (Job.started_at < now - STALE_AFTER)),
            Job.attempts < MAX_ATTEMPTS,
        )
        .order_by(Job.id)
        .limit(1)
    )
    with uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job = uow.session.scalar(query)
        if job is None:
            return None
        job.status, job.started_at, job.attempts = RUNNING, now, job.attempts + 1
        uow.commit()
        return job.id, job.kind


def job_input(uow: UnitOfWork, job_id: int) -> dict:
    with uow:
        job = uow.session.get(Job, job_id)
        return {
            "company_id": job.company_id,
            "kind": job.kind,
            "dry_run": job.dry_run,
            "content": job.content,
            "filters": job.filters,
            "user_id": job.requested_by_user_id,
            "email": job.requested_by_email,
        }


def finish(uow: UnitOfWork, job_id: int, report: dict | None = None, file_path: str | None = None,
           file_size: int | None = None, error: str | None = None) -> Job:  # fmt: skip
    with uow:
        job = uow.session.get(Job, job_id)
        job.status = FAILED if error else DONE
        job.report, job.file_path, job.file_size, job.error = report, file_path, file_size, error
        job.finished_at = datetime.now(UTC)
        if job.kind != EXPORT and not error:
            job.content = None  # the upload is not kept once imported
        uow.commit()
        return job


def get_job(uow: UnitOfWork, company_id: int, job_id: int) -> Job:
    with uow:
        job = uow.session.scalar(select(Job).where(Job.company_id == company_id, Job.id == job_id))
        if job is None:
            raise NotFound(f"job {job_id} not found")
        return job


def list_jobs(uow: UnitOfWork, company_id: int, kind: str | None, limit: int) -> list[Job]:
    query = select(Job).where(Job.company_id == company_id)
    if kind:
        query = query.where(Job.kind == kind)
    with uow:
        return list(uow.session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def list_data_log(uow: UnitOfWork, company_id: int, limit: int, before_id: int | None) -> list[DataLogEntry]:
    query = select(DataLogEntry).where(DataLogEntry.company_id == company_id)
    if before_id:
        query = query.where(DataLogEntry.id < before_id)
    with uow:
        return list(uow.session.scalars(query.order_by(DataLogEntry.id.desc()).limit(limit)))


def export_file(uow: UnitOfWork, company_id: int, job_id: int, user_id: int, first_chunk: bool) -> Job:
    """The finished export; reading its start is a download, written to the data log."""
    job = get_job(uow, company_id, job_id)
    if job.kind != EXPORT or job.status != DONE:
        raise NotFound(f"export {job_id} has no file yet")
    if first_chunk:
        with uow:
            _log(uow, company_id, user_id, "export_downloaded", job_id, {"file_size": job.file_size})
            uow.commit()
    return job


def _same_file(uow: UnitOfWork, company_id: int, kind: str, file_key: str) -> Job | None:
    query = select(Job).where(
        Job.company_id == company_id,
        Job.kind == kind,
        Job.file_key == file_key,
        Job.dry_run.is_(False),
        Job.status != FAILED,
    )
    with uow:
        return uow.session.scalar(query)


def _log(uow: UnitOfWork, company_id: int, user_id: int, action: str, job_id: int, details: dict) -> None:
    uow.session.add(DataLogEntry(company_id=company_id, user_id=user_id, action=action, job_id=job_id,
                                 details=details, created_at=datetime.now(UTC)))  # fmt: skip
