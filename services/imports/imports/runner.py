"""The job runner: takes each waiting job in turn and runs it to done (with its report) or failed.

A job whose worker died is taken again after handlers.STALE_AFTER; imports are idempotent (bookings
and clients recognise rows and phones already imported, services are matched by name), so running
one twice writes nothing twice.
"""

import logging
import time

from imports import handlers
from imports.dependencies import ExportSettings
from imports.export_bookings import export_bookings, export_ready_email
from imports.handlers import JobInput
from imports.import_bookings import import_bookings
from imports.import_clients import import_clients
from imports.import_services import import_services
from imports.kinds import EXPORT_BOOKINGS, IMPORT_BOOKINGS, IMPORT_SERVICES
from imports.neighbours import Neighbours
from salon_infra.database import UnitOfWork
from salon_infra.errors import ServiceError

log = logging.getLogger(__name__)

UNEXPECTED = "The job failed unexpectedly; try again."


def run_waiting_jobs(uow: UnitOfWork, n: Neighbours, settings: ExportSettings) -> int:
    """Run jobs until none is waiting; how many ran."""
    count = 0
    while (job := handlers.claim_next(uow)) is not None:
        run_job(uow, job, n, settings)
        count += 1
    return count


def run_job(uow: UnitOfWork, job: JobInput, n: Neighbours, settings: ExportSettings) -> None:
    started = time.perf_counter()
    try:
        company = n.scheduling.get_company(job.company_id)
        if job.kind == EXPORT_BOOKINGS:
            _export(uow, job, company, n, settings)
        else:
            handlers.finish(uow, job.id, _import(job, company, n))
    except ServiceError as problem:  # a neighbour refused or did not answer: the user may try again
        log.warning("job %s failed: %s", job.id, problem)
        handlers.fail(uow, job.id, str(problem))
    except Exception:
        log.exception("job %s failed", job.id)
        handlers.fail(uow, job.id, UNEXPECTED)
    else:
        log.info("job %s (%s) done in %.1f s", job.id, job.kind, time.perf_counter() - started)


def _import(job: JobInput, company: dict, n: Neighbours) -> dict:
    if job.kind == IMPORT_BOOKINGS:
        return import_bookings(company, job.content, job.dry_run, job.user_id, n)
    if job.kind == IMPORT_SERVICES:
        return import_services(company, job.content, job.dry_run, n)
    return import_clients(company, job.content, job.dry_run, n)


def _export(uow: UnitOfWork, job: JobInput, company: dict, n: Neighbours, settings: ExportSettings) -> None:
    target = settings.export_dir / str(job.company_id) / f"{job.id}.xlsx"
    rows = export_bookings(company, job.filters or {}, target, n)
    size = target.stat().st_size
    handlers.finish(uow, job.id, {"rows": rows}, file_name=f"bookings-{job.id}.xlsx", file_path=str(target),
                    file_size=size)  # fmt: skip
    if job.email:
        try:
            email = export_ready_email(job.email, settings.link_to(job.company_id, job.id))
            n.notifications.send_email(job.company_id, email)
        except Exception:  # the file is ready all the same, listed among the jobs
            log.exception("export %s: no email sent", job.id)
