"""The notifications service's use cases. Each takes a unit of work and commits explicitly.

Every message is committed as pending before it is sent, then marked sent or failed: a crash
in between leaves it pending, and it is never sent twice.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from notifications.domain import messages
from notifications.domain.channels import EMAIL, FAILED, PENDING, SENT, SMS, DeliveryFailed, Outgoing, Postbox
from notifications.models import SentMessage
from salon_infra.database import UnitOfWork
from salon_infra.errors import NotFound

log = logging.getLogger(__name__)

CONSUMER = "notifications.appointment_messages"
IMPORTED = "import"

GetClient = Callable[[int, int], dict]
GetCompany = Callable[[int], dict]


def send_sms(uow: UnitOfWork, postbox: Postbox, company_id: int, phone: str, text: str, purpose: str) -> SentMessage:
    return _send_now(uow, postbox, company_id, Outgoing(SMS, phone, text, purpose))


def send_email(
    uow: UnitOfWork, postbox: Postbox, company_id: int, to: str, subject: str, text: str, purpose: str
) -> SentMessage:
    return _send_now(uow, postbox, company_id, Outgoing(EMAIL, to, text, purpose, subject=subject))


def list_messages(
    uow: UnitOfWork,
    company_id: int,
    channel: str | None = None,
    recipient: str | None = None,
    purpose: str | None = None,
    limit: int = 50,
) -> list[SentMessage]:
    """The company's messages, newest first."""
    query = select(SentMessage).where(SentMessage.company_id == company_id)
    for column, value in (
        (SentMessage.channel, channel),
        (SentMessage.recipient, recipient),
        (SentMessage.purpose, purpose),
    ):
        if value is not None:
            query = query.where(column == value)
    with uow:
        return list(uow.session.scalars(query.order_by(SentMessage.id.desc()).limit(limit)))


def notify_about_appointment(
    uow: UnitOfWork,
    postbox: Postbox,
    event: dict,
    *,
    get_client: GetClient,
    get_company: GetCompany,
    public_base_url: str | None = None,
) -> list[SentMessage]:
    """Tell the client about their booked, moved or cancelled appointment, once per event.

    Imported appointments notify nobody. The client and the salon are looked up first, outside
    the transaction; if either service does not answer, the error requeues the event."""
    appointment = event["data"]["appointment"]
    if appointment["source"] == IMPORTED:
        log.info("no messages for imported appointment %s (event %s)", appointment["id"], event["event_id"])
        return []
    outgoing = _appointment_messages(event, get_client, get_company, public_base_url)
    outgoing = [message for message in outgoing if message.channel in postbox.channels()]
    if not outgoing:
        return []
    with uow:
        try:
            first_time = uow.claim_event(event["event_id"], CONSUMER)
        except IntegrityError:  # a concurrent delivery of the same event claimed it first
            first_time = False
        if not first_time:
            log.info("event %s already handled", event["event_id"])
            return []
        pending = _add_pending(uow, event["company_id"], outgoing, event["event_id"])
        uow.commit()
    return [_deliver(uow, postbox, message) for message in pending]


def _appointment_messages(event: dict, get_client: GetClient, get_company: GetCompany, public_base_url) -> list:
    company_id, appointment = event["company_id"], event["data"]["appointment"]
    try:
        client = get_client(company_id, appointment["client_id"])
        company = get_company(company_id)
    except NotFound as problem:  # asking again would not find it either
        log.warning("no messages for appointment %s of company %s: %s", appointment["id"], company_id, problem)
        return []
    return messages.appointment_messages(
        event["event_type"],
        messages.Salon(name=company["name"], timezone=company["timezone"]),
        messages.Client(name=client["name"], phone=client["phone"], email=client.get("email")),
        appointment["starts_at"],
        messages.manage_link(public_base_url, company_id, event["data"].get("link_token")),
    )


def _send_now(uow: UnitOfWork, postbox: Postbox, company_id: int, outgoing: Outgoing) -> SentMessage:
    with uow:
        [message] = _add_pending(uow, company_id, [outgoing])
        uow.commit()  # not after the caller's deadline: a caller told it failed gets nothing sent
    return _deliver(uow, postbox, message)


def _add_pending(uow: UnitOfWork, company_id: int, outgoing: list[Outgoing], event_id: str | None = None) -> list:
    now = datetime.now(UTC)
    pending = [
        SentMessage(
            company_id=company_id,
            channel=message.channel,
            recipient=message.recipient,
            subject=message.subject,
            body=message.body,
            purpose=message.purpose,
            event_id=event_id,
            status=PENDING,
            created_at=now,
        )
        for message in outgoing
    ]
    uow.session.add_all(pending)
    uow.session.flush()
    return pending


def _deliver(uow: UnitOfWork, postbox: Postbox, message: SentMessage) -> SentMessage:
    try:
        provider_message_id = _hand_over(postbox, message)
    except DeliveryFailed as problem:
        log.warning("%s message %s to %s failed: %s", message.channel, message.id, message.recipient, problem)
        outcome = {"status": FAILED, "error": str(problem)}
    else:
        outcome = {"status": SENT, "provider_message_id": provider_message_id, "sent_at": datetime.now(UTC)}
    with uow:
        recorded = uow.session.get(SentMessage, message.id)
        for field, value in outcome.items():
            setattr(recorded, field, value)
        # Past the caller's deadline too: the message has gone, and the record must say so.
        uow.session.commit()
    return recorded


def _hand_over(postbox: Postbox, message: SentMessage) -> str | None:
    if message.channel == SMS:
        return postbox.sms.send(message.recipient, message.body)
    if postbox.mailer is None:
        raise DeliveryFailed("email is not configured (SMTP_HOST is not set)")
    return postbox.mailer.send(message.recipient, message.subject, message.body)
