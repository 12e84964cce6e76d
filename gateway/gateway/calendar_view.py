"""The calendar composed from two services, asked at once: scheduling's working hours and weekly
breaks, and bookings' appointments, group events and breaks. Each day is a column per staff member;
times are in the salon's UTC offset of that instant, so a DST change day is 23 or 25 hours long.

An appointment's block shows the client as bookings keeps them with the appointment (name and
phone as booked); the visit window (GET /appointments/{id}) reads the client's card itself."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from gateway.access import CalendarScope
from gateway.localtime import day_bounds
from gateway.remote import remote


def calendar_days(company_id: int, scope: CalendarScope, first: date, last: date, staff_member_ids=None) -> dict:
    """{timezone, currency, days: [{date, staff: [column]}]}; a column is {staff_member, working,
    breaks, appointments, group_events}. Only the columns the scope covers."""
    company = remote().companies.get(company_id)
    staff, zone = scope.staff_filter(staff_member_ids), company["timezone"]
    start, end = day_bounds(first, zone)[0], day_bounds(last, zone)[1]
    period = {"period_start": start.isoformat(), "period_end": end.isoformat(), "staff_member_ids": staff,
              "timezone": zone}  # fmt: skip
    sheet, booked = remote().rpc.call_all(
        ("scheduling", "calendar_days", company_id,
         {"date_from": first.isoformat(), "date_to": last.isoformat(), "staff_member_ids": staff}),
        ("bookings", "calendar", company_id, period),
    )  # fmt: skip
    appointments = booked["appointments"]
    for appointment in appointments:
        appointment["client"] = {"id": appointment["client_id"], "name": appointment.pop("client_name"),
                                 "phone": appointment.pop("client_phone")}  # fmt: skip
    events = booked["group_events"]
    breaks = [_break(found) for found in booked["breaks"]]
    days = []
    for day in sheet["days"]:
        bounds = [moment.isoformat() for moment in day_bounds(date.fromisoformat(day["date"]), zone)]
        by_staff = _by_staff_within(bounds, appointments, events, breaks)
        columns = []
        for column in day["staff"]:
            if not scope.covers(column["staff_member"]["id"]):
                continue
            mine = by_staff[column["staff_member"]["id"]]
            columns.append(
                {
                    **column,
                    "breaks": sorted(
                        [{"id": None, "note": None, **span} for span in column["breaks"]] + mine["breaks"],
                        key=lambda span: _instant(span["start"]),
                    ),
                    "appointments": mine["appointments"],
                    "group_events": mine["group_events"],
                }
            )
        days.append({"date": day["date"], "staff": columns})
    return {"timezone": zone, "currency": company["currency"], "slot_step_minutes": company["slot_step_minutes"],
            "days": days}  # fmt: skip


def week_of(first: date) -> tuple[date, date]:
    return first, first + timedelta(days=6)


def _break(found: dict) -> dict:
    return {
        "id": found["id"],
        "start": found["starts_at"],
        "end": found["ends_at"],
        "note": found.get("note"),
        "staff_member_id": found["staff_member_id"],
    }


def _by_staff_within(bounds: list[str], appointments, events, breaks) -> dict:
    """What of each staff member overlaps the local day [start, end)."""
    start, end = (_instant(moment) for moment in bounds)
    found = defaultdict(lambda: {"appointments": [], "group_events": [], "breaks": []})
    for kind, records, first, last in (
        ("appointments", appointments, "starts_at", "ends_at"),
        ("group_events", events, "starts_at", "ends_at"),
        ("breaks", breaks, "start", "end"),
    ):
        for record in records:
            if _instant(record[first]) < end and _instant(record[last]) > start:
                found[record["staff_member_id"]][kind].append(record)
    return found


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
