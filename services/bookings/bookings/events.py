"""Every event bookings sends, and the one place each payload is built.

Events go on exchange `bookings.events` through the outbox. Each carries the whole current state
of its record with its `version`, so a consumer keeps the newest and ignores repeats and
late arrivals. An appointment's events also carry the client's contact as the booking has it
(`data.client`: id, name, phone, email) for the notifications service; no notes travel.

- `appointment_created`, `appointment_rescheduled`, `appointment_cancelled`, `appointment_deleted`:
  `{appointment, client, link_token?}`;
- `appointment_changed`: `{appointment, client, changes}`, where `changes` lists what staff changed
  (`services`, `length`, `visit_status`, `details`);
- `group_event_created`, `group_event_changed`, `group_event_cancelled`: `{group_event}`;
- `break_added`, `break_removed`: `{break}`.
"""

from bookings.domain.model import Appointment, Break, GroupEvent

APPOINTMENT_CREATED = "appointment_created"
APPOINTMENT_RESCHEDULED = "appointment_rescheduled"
APPOINTMENT_CANCELLED = "appointment_cancelled"
APPOINTMENT_DELETED = "appointment_deleted"
APPOINTMENT_CHANGED = "appointment_changed"
GROUP_EVENT_CREATED = "group_event_created"
GROUP_EVENT_CHANGED = "group_event_changed"
GROUP_EVENT_CANCELLED = "group_event_cancelled"
BREAK_ADDED = "break_added"
BREAK_REMOVED = "break_removed"

APPOINTMENT_EVENTS = (APPOINTMENT_CREATED, APPOINTMENT_RESCHEDULED, APPOINTMENT_CANCELLED, APPOINTMENT_DELETED,
                      APPOINTMENT_CHANGED)  # fmt: skip


def appointment_data(appointment: Appointment) -> dict:
    """data.appointment: the appointment with its lines and money, without the client's details or notes."""
    return {
        "id": appointment.id,
        "company_id": appointment.company_id,
        "client_id": appointment.client_id,
        "staff_member_id": appointment.staff_member_id,
        "starts_at": appointment.starts_at.isoformat(),
        "ends_at": appointment.ends_at.isoformat(),
        "service_ids": appointment.service_ids,
        "services": [
            {
                "id": line.id,
                "service_id": line.service_id,
                "title": line.title,
                "duration_minutes": line.duration_minutes,
                "category_id": line.category_id,
                "price": line.price,
                "quantity": line.quantity,
                "discount": line.discount,
                "discount_percent": line.discount_percent,
                "total": line.total,
            }
            for line in appointment.services
        ],
        "total_price": appointment.total_price,
        "paid_amount": appointment.paid_amount,
        "source": appointment.source,
        "created_by": appointment.created_by,
        "visit_status": appointment.visit_status,
        "category_id": appointment.category_id,
        "group_event_id": appointment.group_event_id,
        "state": appointment.state,
        "version": appointment.version,
    }


def client_data(appointment: Appointment) -> dict:
    return {"id": appointment.client_id, "name": appointment.client_name, "phone": appointment.client_phone,
            "email": appointment.client_email}  # fmt: skip


def group_event_data(event: GroupEvent) -> dict:
    return {
        "id": event.id,
        "company_id": event.company_id,
        "staff_member_id": event.staff_member_id,
        "service_id": event.service_id,
        "title": event.name,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "capacity": event.capacity,
        "state": event.state,
        "version": event.version,
    }


def break_data(break_: Break) -> dict:
    return {
        "id": break_.id,
        "company_id": break_.company_id,
        "staff_member_id": break_.staff_member_id,
        "starts_at": break_.starts_at.isoformat(),
        "ends_at": break_.ends_at.isoformat(),
        "state": break_.state,
        "version": break_.version,
    }


def appointment_event(event_type: str, appointment: Appointment, *, link_token=None, changes=None) -> tuple:
    """(event_type, company_id, data) for the outbox. `data.client` is the client's contact as the
    booking carries it, so the notifications service can write to them without asking anyone."""
    data = {"appointment": appointment_data(appointment), "client": client_data(appointment)}
    if link_token:
        data["link_token"] = link_token
    if changes:
        data["changes"] = list(changes)
    return event_type, appointment.company_id, data


def group_event_event(event_type: str, event: GroupEvent) -> tuple:
    return event_type, event.company_id, {"group_event": group_event_data(event)}


def break_event(event_type: str, break_: Break) -> tuple:
    return event_type, break_.company_id, {"break": break_data(break_)}
