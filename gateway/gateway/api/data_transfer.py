"""Moving data in and out through Excel: bookings exported by email, imports of bookings,
services and clients, the jobs that run them, and the data log of who did what."""

import base64

from flask import Response, request, stream_with_context
from flask.views import MethodView

from gateway import rights
from gateway.auth import SECURITY, right_required, staff_user
from gateway.errors import InvalidInput
from gateway.parsing import Blueprint
from gateway.remote import remote
from gateway.schemas import (
    DataLogEntrySchema,
    DataLogQuerySchema,
    ExportRequestSchema,
    ImportFormSchema,
    JobQuerySchema,
    JobSchema,
)
from gateway.views import in_local_time

from .overview import bookings_query

blp = Blueprint("data_transfer", __name__, url_prefix="/api/v1", description="Excel export and import, the data log")

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("/exports")
class Exports(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(ExportRequestSchema)
    @blp.response(202, JobSchema)
    @right_required(rights.EXPORT_DATA)
    def post(self, filters):
        """Export the filtered bookings to .xlsx; the file's link is emailed to you when it is ready."""
        user = staff_user()
        company = remote().companies.get(user.company_id)
        email = remote().accounts.get_user(user.company_id, user.user_id)["email"]
        requested_by = {"user_id": user.user_id, "email": email}
        job = remote().imports.start_export(
            user.company_id, {"filters": bookings_query(filters, company["timezone"]), "requested_by": requested_by}
        )
        return in_local_time(job, company["timezone"])


@blp.route("/exports/<id:job_id>/file")
class ExportFile(MethodView):
    @blp.doc(security=SECURITY, responses={"200": {"content": {XLSX: {}}}})
    @right_required(rights.EXPORT_DATA)
    def get(self, job_id):
        """The exported workbook; each download is written to the data log."""
        user = staff_user()
        first = _chunk(user, job_id, 0)
        name = first["file_name"]

        def chunks():
            chunk = first
            while True:
                yield base64.b64decode(chunk["content_b64"])
                offset = chunk["offset"] + CHUNK_BYTES
                if offset >= chunk["total_size"]:
                    return
                chunk = _chunk(user, job_id, offset)

        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(first["total_size"])}
        return Response(stream_with_context(chunks()), mimetype=XLSX, headers=headers)


@blp.route("/imports")
class Imports(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(ImportFormSchema, location="form")
    @blp.response(202, JobSchema)
    @right_required(rights.IMPORT_DATA)
    def post(self, form):
        """Upload an .xlsx of bookings, services or clients (multipart field `file`). With dry_run the report
        shows every problem by row and column and nothing is written; the same file imports once."""
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise InvalidInput("attach the .xlsx file", {"file": ["Choose a file to upload."]})
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(content) > MAX_UPLOAD_BYTES:
            raise InvalidInput("the file is too large", {"file": [f"At most {MAX_UPLOAD_BYTES // 2**20} MB."]})
        user = staff_user()
        job = remote().imports.start_import(
            user.company_id,
            {
                "kind": f"import_{form['kind']}",
                "content_b64": base64.b64encode(content).decode(),
                "file_name": upload.filename[:200],
                "dry_run": form["dry_run"],
                "requested_by": {"user_id": user.user_id},
            },
        )
        return _local_job(user.company_id, job)


@blp.route("/jobs")
class Jobs(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(JobQuerySchema, location="query")
    @blp.response(200, JobSchema(many=True))
    @right_required(rights.EXPORT_DATA, rights.IMPORT_DATA)
    def get(self, query):
        user = staff_user()
        return [_local_job(user.company_id, job) for job in remote().imports.list_jobs(user.company_id, query)]


@blp.route("/jobs/<id:job_id>")
class Job(MethodView):
    @blp.doc(security=SECURITY)
    @blp.response(200, JobSchema)
    @right_required(rights.EXPORT_DATA, rights.IMPORT_DATA)
    def get(self, job_id):
        """An export's or import's state and, when done, its report."""
        user = staff_user()
        return _local_job(user.company_id, remote().imports.get_job(user.company_id, job_id))


@blp.route("/data-log")
class DataLog(MethodView):
    @blp.doc(security=SECURITY)
    @blp.arguments(DataLogQuerySchema, location="query")
    @blp.response(200, DataLogEntrySchema(many=True))
    @right_required(rights.EXPORT_DATA)
    def get(self, query):
        """Who exported or imported what, and when, newest first; each download of an export too."""
        user = staff_user()
        company = remote().companies.get(user.company_id)
        names = {member["id"]: member["name"] for member in remote().accounts.list_users(user.company_id)}
        entries = remote().imports.list_data_log(user.company_id, query)
        return [
            {
                **in_local_time(entry, company["timezone"]),
                "user": {"id": entry["user_id"], "name": names.get(entry["user_id"])},
            }
            for entry in entries
        ]


def _with_user(entry: dict, names: dict[int, str]) -> dict:
    return {**entry, "user": {"id": entry["user_id"], "name": names.get(entry["user_id"])}}


def _chunk(user, job_id: int, offset: int) -> dict:
    return remote().imports.read_export(
        user.company_id, job_id, {"user_id": user.user_id, "offset": offset, "length": CHUNK_BYTES}
    )


def _local_job(company_id: int, job: dict) -> dict:
    return in_local_time(job, remote().companies.get(company_id)["timezone"])
