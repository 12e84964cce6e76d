"""The imports service's entrypoints: validate, call a handler, dump the result; and the job runner."""

from pathlib import Path

import eventlet
from eventlet import tpool
from nameko.timer import timer

from imports import handlers, runner
from imports.dependencies import Exports
from imports.export_bookings import piece_of
from imports.neighbours import Neighbours
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
from salon_infra.errors import InvalidInput
from salon_infra.nameko import rpc
from salon_infra.validation import load

JOB = JobSchema()
JOBS = JobSchema(many=True)
DATA_LOG = DataLogEntrySchema(many=True)


class ImportsService(HealthChecks):
    name = "imports"
    uow = Database("imports")
    exports = Exports()
    scheduling = TimedRpcProxy("scheduling")
    accounts = TimedRpcProxy("accounts")  # users' names for an export
    # One call carries a whole file's rows, all or nothing: IMPORT_RPC_TIMEOUT_SECONDS.
    clients = TimedRpcProxy("clients", timeout=120, timeout_setting="IMPORT_RPC_TIMEOUT_SECONDS")
    bookings = TimedRpcProxy("bookings", timeout=120, timeout_setting="IMPORT_RPC_TIMEOUT_SECONDS")
    notifications = TimedRpcProxy("notifications")

    @rpc
    def start_import(self, company_id, command):
        """An import job for an .xlsx of bookings, services or clients; the same file is imported once."""
        command = load(StartImportSchema(), {**_object("command", command), "company_id": company_id})
        job = handlers.start_import(
            self.uow, command["company_id"], command["kind"], command["content"], command["file_name"],
            command["dry_run"], command["requested_by"]["user_id"],
        )  # fmt: skip
        return JOB.dump(job)

    @rpc
    def start_export(self, company_id, command):
        """An export job for the bookings the filters select; its link is emailed to the requester."""
        command = load(StartExportSchema(), {**_object("command", command), "company_id": company_id})
        user = command["requested_by"]
        job = handlers.start_export(self.uow, command["company_id"], command["filters"], user["user_id"], user["email"])
        return JOB.dump(job)

    @rpc
    def get_job(self, company_id, job_id):
        return JOB.dump(handlers.get_job(self.uow, **load(JobIdSchema(), {"company_id": company_id, "job_id": job_id})))

    @rpc
    def list_jobs(self, company_id, query=None):
        query = load(ListJobsSchema(), {**_object("query", query or {}), "company_id": company_id})
        return JOBS.dump(handlers.list_jobs(self.uow, **query))

    @rpc
    def list_data_log(self, company_id, query=None):
        query = load(ListDataLogSchema(), {**_object("query", query or {}), "company_id": company_id})
        return DATA_LOG.dump(handlers.list_data_log(self.uow, **query))

    @rpc
    def read_export(self, company_id, job_id, query):
        """A piece of a finished export, base64; reading from offset 0 is a download, in the data log."""
        query = load(ReadExportSchema(), {**_object("query", query), "company_id": company_id, "job_id": job_id})
        job = handlers.open_export(
            self.uow, query["company_id"], query["job_id"], query["user_id"], downloading=query["offset"] == 0
        )
        piece = piece_of(Path(job.file_path), query["offset"], query["length"])
        return {"content_b64": piece, "offset": query["offset"], "total_size": job.file_size,
                "file_name": job.file_name}  # fmt: skip

    @timer(interval=600)
    def delete_old_exports(self):
        """Exports hold clients' names and phones: their files go after EXPORT_RETENTION_DAYS."""
        handlers.delete_old_exports(self.uow, self.exports.kept_for)

    @timer(interval=1)
    def run_jobs(self):
        """Run every job waiting; replicas share them. Parsing runs in a real thread (tpool), so that
        this process keeps answering its probes and RPCs."""
        neighbours = Neighbours(
            self.scheduling,
            self.accounts,
            self.clients,
            self.bookings,
            self.notifications,
            tpool.execute,
            _in_background,
        ).timed()
        runner.run_waiting_jobs(self.uow, neighbours, self.exports)


def _in_background(function, *args):
    thread = eventlet.spawn(function, *args)
    eventlet.sleep(0)  # let it send its request before the caller goes on
    return thread.wait


def _object(name: str, value) -> dict:
    """A dict argument; anything else is InvalidInput on `name`."""
    if not isinstance(value, dict):
        raise InvalidInput.field(name, "Must be an object.")
    return value
