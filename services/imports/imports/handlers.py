"""The imports service's use cases on its own tables: jobs asked for, claimed and finished, and the data log."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from imports.domain.keys import file_key
from imports.kinds import EXPORT_BOOKINGS
from imports.models import DataLogEntry, Job
from salon_infra.database import UnitOfWork
from salon_infra.errors import NotFound

log = logging.getLogger(__name__)


class ExportExpired(NotFound):
    """The export's file was deleted after its retention."""


PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
EXPIRED = "expired"  # an export whose file was deleted after its retention
STALE_AFTER = timedelta(minutes=10)  # a job "running" this long was left by a worker that died
MAX_ATTEMPTS = 3
GAVE_UP = "The job was interrupted several times; upload the file again."


@dataclass(frozen=True)
class JobInput:
    """What a claimed job works on."""

    id: int
    company_id: int
    kind: str
    dry_run: bool
    content: bytes | None
    filters: dict | None
    user_id: int
    email: str | None


def start_import(
    uow: UnitOfWork, company_id: int, kind: str, content: bytes, file_name: str, dry_run: bool, user_id: int
) -> Job:
    """A job for the upload. The same file (by its bytes) is imported once: asking again, by a second
    upload or a second click, gives the first job back. A dry run always runs."""
    key = file_key(content)
    with uow:
        if not dry_run and (earlier := _same_file(uow, company_id, kind, key)):
            return earlier
        job = _new_job(company_id, kind, user_id, dry_run=dry_run, file_name=file_name, file_key=key, content=content)
        uow.session.add(job)
        try:
            uow.session.flush()
        except IntegrityError:  # the same file, asked for at the same moment: the other request won
            uow.session.rollback()
            return _same_file(uow, company_id, kind, key)
        action = "import_dry_run" if dry_run else "import_requested"
        _log(uow, company_id, user_id, action, job.id, {"kind": kind, "file_name": file_name})
        uow.commit()
        return job


def start_export(uow: UnitOfWork, company_id: int, filters: dict, user_id: int, email: str | None) -> Job:
    with uow:
        job = _new_job(company_id, EXPORT_BOOKINGS, user_id, filters=filters, requested_by_email=email)
        uow.session.add(job)
        uow.session.flush()
        _log(uow, company_id, user_id, "export_requested", job.id, {"filters": filters})
        uow.commit()
        return job


def claim_next(uow: UnitOfWork) -> JobInput | None:
    """Take the oldest job waiting, or one a dead worker left running; None when there is none.
    Replicas share the work: PostgreSQL skips a job another replica is claiming."""
    now = datetime.now(UTC)
    stale = (Job.status == RUNNING) & (Job.started_at < now - STALE_AFTER)
    query = select(Job).where(or_(Job.status == PENDING, stale)).order_by(Job.id).limit(1)
    with uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        while (job := uow.session.scalar(query)) is not None and job.attempts >= MAX_ATTEMPTS:
            _close(job, FAILED, error=GAVE_UP)
            uow.session.flush()
        if job is None:
            uow.commit()
            return None
        job.status, job.started_at, job.attempts = RUNNING, now, job.attempts + 1
        uow.commit()
        return JobInput(job.id, job.company_id, job.kind, job.dry_run, job.content, job.filters,
                        job.requested_by_user_id, job.requested_by_email)  # fmt: skip


def finish(uow: UnitOfWork, job_id: int, report: dict, **export_file) -> Job:
    """The job done, with its report (and, for an export, file_name, file_path and file_size)."""
    with uow:
        job = uow.session.get(Job, job_id)
        _close(job, DONE, report=report, **export_file)
        if job.kind != EXPORT_BOOKINGS:
            _count_rows_in_log(uow, job)
        uow.commit()
        return job


def fail(uow: UnitOfWork, job_id: int, error: str) -> Job:
    with uow:
        job = uow.session.get(Job, job_id)
        _close(job, FAILED, error=error)
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


def open_export(uow: UnitOfWork, company_id: int, job_id: int, user_id: int, downloading: bool) -> Job:
    """The finished export; `downloading` (reading its start) is written to the data log."""
    with uow:
        job = uow.session.scalar(select(Job).where(Job.company_id == company_id, Job.id == job_id))
        if job is None or job.kind != EXPORT_BOOKINGS:
            raise NotFound(f"export {job_id} not found")
        if job.status == EXPIRED:
            raise ExportExpired(f"export {job_id} has expired; ask for a new one")
        if job.status != DONE:
            raise NotFound(f"export {job_id} has no file yet")
        if downloading:
            _log(uow, company_id, user_id, "export_downloaded", job_id, {"file_size": job.file_size})
            uow.commit()
        return job


def delete_old_exports(uow: UnitOfWork, kept_for: timedelta, now: datetime | None = None) -> list[int]:
    """Delete the files of exports finished more than `kept_for` ago (they hold clients' names and
    phones); their jobs stay, marked expired, so the data log still says who asked. Replicas
    share the work: each job is taken by one. The ids of the jobs expired."""
    cutoff = (now or datetime.now(UTC)) - kept_for
    old = (
        select(Job)
        .where(Job.kind == EXPORT_BOOKINGS, Job.status == DONE, Job.finished_at < cutoff)
        .order_by(Job.id)
        .limit(500)
    )
    with uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            old = old.with_for_update(skip_locked=True)
        expired = []
        for job in uow.session.scalars(old):
            if job.file_path:
                Path(job.file_path).unlink(missing_ok=True)
            job.status, job.file_path = EXPIRED, None
            expired.append(job.id)
        uow.commit()
    if expired:
        log.info("deleted the files of %s exports older than %s", len(expired), kept_for)
    return expired


def _new_job(company_id: int, kind: str, user_id: int, **fields) -> Job:
    return Job(company_id=company_id, kind=kind, status=PENDING, dry_run=fields.pop("dry_run", False),
               requested_by_user_id=user_id, attempts=0, created_at=datetime.now(UTC), **fields)  # fmt: skip


def _close(job: Job, status: str, **outcome) -> None:
    job.status, job.finished_at = status, datetime.now(UTC)
    for name, value in outcome.items():
        setattr(job, name, value)
    job.content = None  # the upload is not kept once the job is over


def _count_rows_in_log(uow: UnitOfWork, job: Job) -> None:
    entry = uow.session.scalar(select(DataLogEntry).where(DataLogEntry.job_id == job.id).order_by(DataLogEntry.id))
    if entry is not None:
        counts = {name: job.report[name] for name in ("rows", "created", "existing") if name in job.report}
        entry.details = {**(entry.details or {}), **counts, "problems": len(job.report.get("problems", []))}


def _same_file(uow: UnitOfWork, company_id: int, kind: str, key: str) -> Job | None:
    query = select(Job).where(
        Job.company_id == company_id,
        Job.kind == kind,
        Job.file_key == key,
        Job.dry_run.is_(False),
        Job.status != FAILED,
    )
    return uow.session.scalar(query)


def _log(uow: UnitOfWork, company_id: int, user_id: int, action: str, job_id: int, details: dict) -> None:
    uow.session.add(DataLogEntry(company_id=company_id, user_id=user_id, action=action, job_id=job_id,
                                 details=details, created_at=datetime.now(UTC)))  # fmt: skip
