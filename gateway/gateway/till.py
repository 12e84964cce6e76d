"""The payments service as the gateway's views call it (`payments().get_bill(...)`), and its
answers with their times in the salon's offset."""

from datetime import datetime
from zoneinfo import ZoneInfo

from gateway.errors import InvalidInput
from gateway.remote import RemoteService, remote

TIME_FIELDS = frozenset({"taken_at", "deleted_at", "created_at", "removed_at", "sold_at", "paid_at", "expires_at"})


def payments() -> RemoteService:
    return RemoteService(remote().rpc, "payments")


def salon_timezone(company_id: int) -> str:
    return remote().companies.get(company_id)["timezone"]


def in_salon_time(answer, timezone: str):
    """The answer with every time field (however deep) in the salon's offset."""
    zone = ZoneInfo(timezone)

    def local(value):
        if isinstance(value, dict):
            return {key: _at(item, zone) if key in TIME_FIELDS else local(item) for key, item in value.items()}
        if isinstance(value, list):
            return [local(item) for item in value]
        return value

    return local(answer)


def _at(value, zone: ZoneInfo):
    return value if value is None else datetime.fromisoformat(value).astimezone(zone).isoformat()


def with_header_name(problem: InvalidInput, field: str, header: str) -> InvalidInput:
    """A service's error on `field` (e.g. idempotency_key) named as the request header it came from."""
    if problem.field_errors and field in problem.field_errors:
        problem.field_errors = {header if name == field else name: errors
                                for name, errors in problem.field_errors.items()}  # fmt: skip
    return problem
