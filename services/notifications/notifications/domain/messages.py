"""What clients read about their appointments. Times are shown in the salon's time zone."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.domain.channels import EMAIL, SMS, SUBJECT_MAX_LENGTH, Outgoing

APPOINTMENT_CREATED = "appointment_created"
APPOINTMENT_RESCHEDULED = "appointment_rescheduled"
APPOINTMENT_CANCELLED = "appointment_cancelled"
APPOINTMENT_EVENTS = (APPOINTMENT_CREATED, APPOINTMENT_RESCHEDULED, APPOINTMENT_CANCELLED)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Salon:
    name: str
    timezone: str


@dataclass(frozen=True)
class Client:
    name: str
    phone: str
    email: str | None = None


def local_time(instant: datetime, timezone: str) -> str:
    """'Fri 14 Mar 2025, 10:30': the instant on the salon's wall clock."""
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def manage_link(public_base_url: str | None, company_id: int, link_token: str | None) -> str | None:
    """The client's own page for the booking, where they reschedule or cancel it."""
    if not public_base_url or not link_token:
        return None
    return f"{public_base_url.rstrip('/')}/widget/{company_id}/bookings/{link_token}"


def appointment_messages(
    event_type: str, salon: Salon, client: Client, starts_at: datetime, link: str | None = None
) -> list[Outgoing]:
    """An SMS to the client's phone, and an email too when the client has an address."""
    salon_name, client_name = _one_line(salon.name), _one_line(client.name)
    when = local_time(starts_at, salon.timezone)
    sms_text, subject, news = _wording(event_type, salon_name, when)
    if link and event_type != APPOINTMENT_CANCELLED:
        sms_text += f" Reschedule or cancel: {link}"
        news += f"\n\nTo reschedule or cancel it: {link}"
    messages = [Outgoing(SMS, client.phone, sms_text, event_type)]
    if client.email:
        body = f"Hello {client_name},\n\n{news}\n\n{salon_name}\n"
        messages.append(Outgoing(EMAIL, client.email, body, event_type, subject=subject[:SUBJECT_MAX_LENGTH]))
    return messages


def _wording(event_type: str, salon_name: str, when: str) -> tuple[str, str, str]:
    """(SMS text, email subject, the news in the email's words)."""
    if event_type == APPOINTMENT_CREATED:
        return (
            f"{salon_name}: your appointment on {when} is booked.",
            f"Your appointment at {salon_name}: {when}",
            f"your appointment at {salon_name} is booked for {when}.",
        )
    if event_type == APPOINTMENT_RESCHEDULED:
        return (
            f"{salon_name}: your appointment has moved to {when}.",
            f"Your appointment at {salon_name} has moved to {when}",
            f"your appointment at {salon_name} has moved to {when}.",
        )
    if event_type == APPOINTMENT_CANCELLED:
        return (
            f"{salon_name}: your appointment on {when} is cancelled.",
            f"Your appointment at {salon_name} on {when} is cancelled",
            f"your appointment at {salon_name} on {when} is cancelled.",
        )
    raise ValueError(f"no message for {event_type!r}")


def _one_line(text: str) -> str:
    """Names go into subjects and single lines: line breaks would break the email's headers."""
    return " ".join(text.split())
