"""The calendar composed from three services: scheduling's working hours and weekly breaks,
bookings' appointments, group events and breaks, and the clients' cards of the appointments shown.
Each day is a column per staff member; times are in the salon's UTC offset of that instant, so a
DST change day is 23 or 25 hours long."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from gateway.access import CalendarScope
from gateway.localtime import day_bounds
from gateway.remote import remote
from gateway.views import in_local_time


def calendar_days(company_id: int, scope: CalendarScope, first: date, last: date, staff_member_ids=None) -> dict:
    """{timezone, currency, days: [{date, staff: [column]}]}; a column is {staff_member, working,
    breaks, appointments, group_events}. Only the columns the scope covers."""
    company = remote().companies.get(company_id)
    staff = scope.staff_filter(staff_member_ids)
    sheet = remote().scheduling.calendar_days(
        company_id, {"date_from": first.isoformat(), "date_to": last.isoformat(), "staff_member_ids": staff}
    )
    start, end = day_bounds(first, company["timezone"])[0], day_bounds(last, company["timezone"])[1]
    booked = remote().bookings.calendar(
        company_id, {"period_start": start.isoformat(), "period_end": end.isoformat(), "staff_member_ids": staff}
    )
    cards = _client_cards(company_id, booked["appointments"])
    zone = company["timezone"]
    appointments = [
        {**in_local_time(appointment, zone), "client": cards.get(appointment["client_id"])}
        for appointment in booked["appointments"]
    ]
    events = [in_local_time(event, zone) for event in booked["group_events"]]
    breaks = [_break(found, zone) for found in booked["breaks"]]
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
                    "breaks": sorted(column["breaks"] + mine["breaks"], key=lambda span: _instant(span["start"])),
                    "appointments": mine["appointments"],
                    "group_events": mine["group_events"],
                }
            )
        days.append({"date": day["date"], "staff": columns})
    return {"timezone": zone, "currency": company["currency"], "days": days}


def week_of(first: date) -> tuple[date, date]:
    return first, first + timedelta(days=6)


def _client_cards(company_id: int, appointments: list[dict]) -> dict[int, dict]:
    client_ids = sorted({appointment["client_id"] for appointment in appointments})
    if not client_ids:
        return {}
    return {card["id"]: card for card in remote().clients.get_clients(company_id, client_ids)}


def _break(found: dict, zone: str) -> dict:
    local = in_local_time(found, zone)
    return {
        "id": found["id"],
        "start": local["starts_at"],
        "end": local["ends_at"],
        "note": found.get("note"),
        "staff_member_id": found["staff_member_id"],
    }  # fmt: skip  (the schema leaves staff_member_id out)


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
                shown = {
                    key: value for key, value in record.items() if not (kind == "breaks" and key == "staff_member_id")
                }
                found[record["staff_member_id"]][kind].append(shown)
    return found


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)
