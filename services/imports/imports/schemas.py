"""What crosses the imports service's RPC boundary."""

import base64
import binascii

from marshmallow import Schema, ValidationError, validate

from imports.kinds import IMPORT_KINDS, JOB_KINDS
from salon_infra import fields
from salon_infra.validation import MAX_ID

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

company_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))
record_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class Upload(fields.Field):
    """Base64 of the file's bytes, at most MAX_UPLOAD_BYTES once decoded."""

    def _deserialize(self, value, attr, data, **kwargs):
        too_large = ValidationError(f"Must be base64 of at most {MAX_UPLOAD_BYTES // 2**20} MB.")
        if not isinstance(value, str) or len(value) > (MAX_UPLOAD_BYTES + 2) // 3 * 4:
            raise too_large
        try:
            content = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError("Not base64.") from None
        if len(content) > MAX_UPLOAD_BYTES:
            raise too_large
        return content


class RequestedBySchema(Schema):
    user_id = record_id
    email = fields.Email(load_default=None, allow_none=True)


class StartImportSchema(Schema):
    company_id = company_id
    kind = fields.String(required=True, validate=validate.OneOf(IMPORT_KINDS))
    content = Upload(required=True, data_key="content_b64")
    file_name = fields.String(load_default="upload.xlsx", validate=validate.Length(min=1, max=200))
    dry_run = fields.Boolean(load_default=False)
    requested_by = fields.Nested(RequestedBySchema, required=True)


class StartExportSchema(Schema):
    company_id = company_id
    filters = fields.Dict(keys=fields.String(), load_default=dict)
    requested_by = fields.Nested(RequestedBySchema, required=True)


class JobIdSchema(Schema):
    company_id = company_id
    job_id = record_id


class ListJobsSchema(Schema):
    company_id = company_id
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(JOB_KINDS))
    limit = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=100))


class ListDataLogSchema(Schema):
    company_id = company_id
    limit = fields.Integer(load_default=50, strict=True, validate=validate.Range(min=1, max=200))
    before_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1))


class ReadExportSchema(JobIdSchema):
    user_id = record_id
    offset = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    length = fields.Integer(load_default=2**20, strict=True, validate=validate.Range(min=1, max=2**20))


class JobSchema(Schema):
    id = fields.Integer()
    company_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    dry_run = fields.Boolean()
    file_name = fields.String(allow_none=True)
    report = fields.Dict(allow_none=True)
    error = fields.String(allow_none=True)
    file_size = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)


class DataLogEntrySchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    action = fields.String()
    job_id = fields.Integer(allow_none=True)
    details = fields.Dict(allow_none=True)
    created_at = fields.AwareDateTime()
