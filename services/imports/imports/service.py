"""The imports service's entrypoints: validate, call a handler, dump the result; and the job runner."""

import logging
import os
import tempfile
from pathlib import Path

from eventlet import tpool
from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import timer

from imports import handlers, jobs
from imports.schemas import (
    DataLogEntrySchema,
    JobIdSchema,
    JobSchema,
    ListDataLogSchema,
    ListJobsSchema,
    ReadExportSchema,
    StartExportSchema,
    StartImportSchema,
)
from salon_infra.dependencies import Database, HealthChecks, TimedRpcProxy
from salon_infra.errors import ServiceError
from salon_infra.validation import load

log = logging.getLogger(__name__)

JOB = JobSchema()
JOBS = JobSchema(many=True)
DATA_LOG = DataLogEntrySchema(many=True)


class ImportsService(HealthChecks):
    name = "imports"
    uow = Database("imports")
    scheduling = TimedRpcProxy("scheduling")
    clients = TimedRpcProxy("clients", timeout=60, timeout_setting="IMPORT_RPC_TIMEOUT_SECONDS")
    bookings = TimedRpcProxy("bookings", timeout=120, timeout_setting="IMPORT_RPC_TIMEOUT_SECONDS")
    notifications = TimedRpcProxy("notifications")
    config = Config()

    @rpc
    def start_import(self, company_id, command):
        """An import job for an .xlsx of bookings, services or clients; the same file is imported once."""
        command = load(StartImportSchema(), {**command, "company_id": company_id})
        job = handlers.start_import(
            self.uow, command["company_id"], command["kind"], command["content"], command["file_name"],
            command["dry_run"], command["requested_by"]["user_id"],
        )  # fmt: skip
        return JOB.dump(job)

    @rpc
    def start_export(self, company_id, command):
        command = load(StartExportSchema(), {**command, "company_id": company_id})
        requested_by = command["requested_by"]
        job = handlers.start_export(
            self.uow, command["company_id"], command["filters"], requested_by["user_id"], requested_by["email"]
        )
        return JOB.dump(job)

    @rpc
    def get_job(self, company_id, job_id):
        ids = load(JobIdSchema(), {"company_id": company_id, "job_id": job_id})
        return JOB.dump(handlers.get_job(self.uow, **ids))

    @rpc
    def list_jobs(self, company_id, query):
        return JOBS.dump(handlers.list_jobs(self.uow, **load(ListJobsSchema(), {**query, "company_id": company_id})))

    @rpc
    def list_data_log(self, company_id, query):
        query = load(ListDataLogSchema(), {**query, "company_id": company_id})
        return DATA_LOG.dump(handlers.list_data_log(self.uow, **query))

    @rpc
    def read_export(self, company_id, job_id, query):
        """A piece of a finished export (base64); reading its start is a download in the data log."""
        query = load(ReadExportSchema(), {**query, "company_id": company_id, "job_id": job_id})
        job = handlers.export_file(self.uow, company_id, job_id, query["user_id"], first_chunk=query["offset"] == 0)
        return {
            "content_b64": jobs.chunk_of(Path(job.file_path), query["offset"], query["length"]),
            "offset": query["offset"],
            "total_size": job.file_size,
            "file_name": f"bookings-{job.id}.xlsx",
        }

    @timer(interval=1)
    def run_jobs(self):
        """Run every job waiting, one after another; replicas share the work."""
        while (claimed := handlers.claim_next(self.uow)) is not None:
            self._run(*claimed)

    def _run(self, job_id: int, kind: str) -> None:
        job = handlers.job_input(self.uow, job_id)
        neighbours = jobs.Neighbours(self.scheduling, self.clients, self.bookings, self.notifications, tpool.execute)
        try:
            if kind == jobs.EXPORT:
                self._export(job_id, job, neighbours)
            else:
                report = jobs.run_import(
                    kind, job["company_id"], job["content"], job["dry_run"], job["user_id"], neighbours
                )
                handlers.finish(self.uow, job_id, report=report)
        except ServiceError as problem:
            log.warning("job %s failed: %s", job_id, problem)
            handlers.finish(self.uow, job_id, error=str(problem))
        except Exception:
            log.exception("job %s failed", job_id)
            handlers.finish(self.uow, job_id, error="The job failed unexpectedly; try again.")

    def _export(self, job_id: int, job: dict, neighbours: jobs.Neighbours) -> None:
        company_id = job["company_id"]
        target = Path(self._setting("EXPORT_DIR") or Path(tempfile.gettempdir()) / "salon-exports")
        target = target / str(company_id) / f"{job_id}.xlsx"
        rows = jobs.run_export(company_id, job["filters"] or {}, target, neighbours)
        handlers.finish(self.uow, job_id, report={"rows": rows}, file_path=str(target), file_size=target.stat().st_size)
        if job["email"]:
            company = self.scheduling.get_company(company_id)
            link = f"{self._setting('PUBLIC_BASE_URL') or ''}/admin/{company_id}#exports/{job_id}"
            self.notifications.send_email(company_id, jobs.export_ready_email(job["email"], company, link))

    def _setting(self, name: str) -> str | None:
        return self.config.get(name) or os.environ.get(name)
