"""What the staff calendar shows of a period: appointments (seats inside their group events),
group events with their seats, and breaks; built as JSON by bookings.calendar_json."""

from bookings.calendar_json import calendar_json
from salon_infra.database import UnitOfWork


def calendar(uow: UnitOfWork, company_id: int, query: dict) -> dict:
    with uow:
        return calendar_json(
            uow.session, company_id, query["period_start"], query["period_end"], query["staff_member_ids"],
            query["timezone"],
        )  # fmt: skip
