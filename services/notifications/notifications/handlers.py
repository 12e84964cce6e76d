"""The notifications service's use cases. Each takes a unit of work and commits explicitly.

At least once, never twice: every message is committed as pending (and counted against its
company's daily cap) before it is handed over, with a lease (domain/delivery.py). It is then
marked sent, or failed, or left pending to be tried again with backoff. One that was interrupted
(a crash, an error between) stays pending until its lease ends, and the retry loop
(send_due_messages, every replica, each message taken by one) hands it over again. An event is
claimed with its messages, in one transaction, so a redelivery adds none.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from notifications import metrics
from notifications.domain import messages
from notifications.domain.channels import (
    EMAIL,
    FAILED,
    PENDING,
    SENSITIVE_PURPOSES,
    SENT,
    SMS,
    DeliveryFailed,
    Outgoing,
    Postbox,
)
from notifications.domain.delivery import SendingRules, after_failure, limit_reached, redacted, why_not_again
from notifications.exceptions import DailyLimitReached
from notifications.models import DailySends, DevelopmentSms, SentMessage
from salon_infra.database import UnitOfWork
from salon_infra.errors import NotFound

log = logging.getLogger(__name__)

CONSUMER = "notifications.appointment_messages"
IMPORTED = "import"
DEVELOPMENT_ID = "dev-"  # the development provider's message ids: dev-<dev_sms_messages.id>
RECORD_TRIES = (0.1, 0.5)  # waits between tries to record an outcome: a message that went out must say so

GetClient = Callable[[int, int], dict]
GetCompany = Callable[[int], dict]


def send_sms(
    uow: UnitOfWork, postbox: Postbox, rules: SendingRules, company_id: int, phone: str, text: str, purpose: str,
    sensitive: bool = False,
) -> SentMessage:  # fmt: skip
    return _send_now(uow, postbox, rules, company_id, Outgoing(SMS, phone, text, purpose, sensitive=sensitive))


def send_email(
    uow: UnitOfWork, postbox: Postbox, rules: SendingRules, company_id: int, to: str, subject: str, text: str,
    purpose: str, sensitive: bool = False,
) -> SentMessage:  # fmt: skip
    outgoing = Outgoing(EMAIL, to, text, purpose, subject=subject, sensitive=sensitive)
    return _send_now(uow, postbox, rules, company_id, outgoing)


def list_messages(
    uow: UnitOfWork,
    company_id: int,
    channel: str | None = None,
    recipient: str | None = None,
    purpose: str | None = None,
    limit: int = 50,
    development_inbox: bool = False,
) -> list[SentMessage]:
    """The company's messages, newest first. With the development SMS provider, an SMS whose
    text was masked (a one-time code) shows the text the development inbox received: that inbox
    is the developer's phone. With a real provider no such text exists anywhere."""
    query = select(SentMessage).where(SentMessage.company_id == company_id)
    for column, value in (
        (SentMessage.channel, channel),
        (SentMessage.recipient, recipient),
        (SentMessage.purpose, purpose),
    ):
        if value is not None:
            query = query.where(column == value)
    with uow:
        found = list(uow.session.scalars(query.order_by(SentMessage.id.desc()).limit(limit)))
        if development_inbox:
            _show_development_texts(uow, found)
        return found


def daily_usage(uow: UnitOfWork, rules: SendingRules, company_id: int, now: datetime | None = None) -> dict:
    """The day's (UTC) count of messages per channel against the company's caps."""
    now = now or datetime.now(UTC)
    query = select(DailySends.channel, DailySends.sent).where(
        DailySends.company_id == company_id, DailySends.day == now.date()
    )
    with uow:
        sent = dict(uow.session.execute(query).all())
    channels = {
        channel: {"sent": sent.get(channel, 0), "cap": cap, "remaining": max(cap - sent.get(channel, 0), 0)}
        for channel, cap in rules.daily_caps.items()
    }
    return {"day": now.date(), "resets_at": _next_day(now), **channels}


def notify_about_appointment(
    uow: UnitOfWork,
    postbox: Postbox,
    rules: SendingRules,
    event: dict,
    *,
    get_client: GetClient,
    get_company: GetCompany,
    public_base_url: str | None = None,
) -> list[SentMessage]:
    """notify_about_appointments for one event."""
    return notify_about_appointments(
        uow, postbox, rules, [event], get_client=get_client, get_company=get_company, public_base_url=public_base_url
    )


def notify_about_appointments(
    uow: UnitOfWork,
    postbox: Postbox,
    rules: SendingRules,
    events: list[dict],
    *,
    get_client: GetClient,
    get_company: GetCompany,
    public_base_url: str | None = None,
) -> list[SentMessage]:
    """Tell each client about their booked, moved or cancelled appointment, once per event.

    Imported appointments notify nobody. The client's contact comes with the event (as the booking
    carries it); the salon's profile is looked up (and kept a while), outside the transaction; if
    a service does not answer, the error requeues the events. The events are claimed and their
    messages committed together, in one transaction; then each message is handed over, and the
    outcomes recorded together. One message failing leaves the others to go out, and itself to be
    tried again."""
    wanted = []
    for event in events:
        appointment = event["data"]["appointment"]
        if appointment["source"] == IMPORTED:
            log.info("no messages for imported appointment %s (event %s)", appointment["id"], event["event_id"])
            continue
        outgoing = _appointment_messages(event, get_client, get_company, public_base_url)
        outgoing = [message for message in outgoing if message.channel in postbox.channels()]
        if outgoing:
            wanted.append((event, outgoing))
    if not wanted:
        return []
    now = datetime.now(UTC)
    added = []
    with uow:
        for event, outgoing in wanted:
            # One statement: a concurrent delivery of the same event waits for the first to commit,
            # and a redelivery in the same batch finds it claimed.
            if not uow.claim_event(event["event_id"], CONSUMER):
                log.info("event %s already handled", event["event_id"])
                continue
            added += [
                (_add(uow, rules, event["company_id"], message, now, event["event_id"], refuse_over_cap=False),
                 message.body)
                for message in outgoing
            ]  # fmt: skip
        uow.commit()
    return _deliver_all(uow, postbox, rules, added)


def send_due_messages(uow: UnitOfWork, postbox: Postbox, rules: SendingRules, batch: int = 50) -> int:
    """Hand over every pending message whose time has come (tried again after a failure, or
    interrupted); how many were handed over. Safe with many replicas: each is taken by one."""
    handed_over = 0
    while taken := _take_due(uow, rules, datetime.now(UTC), batch):
        _deliver_all(uow, postbox, rules, [(message, message.body) for message in taken])
        handed_over += len(taken)
        if len(taken) < batch:
            break
    return handed_over


def _appointment_messages(event: dict, get_client: GetClient, get_company: GetCompany, public_base_url) -> list:
    company_id, appointment = event["company_id"], event["data"]["appointment"]
    client = event["data"].get("client")
    try:
        if not client or not client.get("phone"):  # an event from before bookings carried the contact
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


def _send_now(uow: UnitOfWork, postbox: Postbox, rules: SendingRules, company_id: int, outgoing: Outgoing):
    if outgoing.purpose in SENSITIVE_PURPOSES:
        outgoing = Outgoing(outgoing.channel, outgoing.recipient, outgoing.body, outgoing.purpose,
                            outgoing.subject, sensitive=True)  # fmt: skip
    with uow:
        message = _add(uow, rules, company_id, outgoing, datetime.now(UTC))
        uow.commit()  # not after the caller's deadline: a caller told it failed gets nothing sent
    return _deliver_or_leave(uow, postbox, rules, message, outgoing.body)


def _add(
    uow: UnitOfWork, rules: SendingRules, company_id: int, outgoing: Outgoing, now: datetime,
    event_id: str | None = None, refuse_over_cap: bool = True,
) -> SentMessage:  # fmt: skip
    """The message, pending and counted against the day's cap, its first hand-over leased; over
    the cap it is refused (DailyLimitReached), or recorded as failed for an event's message."""
    within_cap = _count_against_cap(uow, rules, company_id, outgoing.channel, now)
    if not within_cap and refuse_over_cap:
        metrics.count_failure(outgoing.channel, metrics.DAILY_CAP)
        cap = rules.daily_caps[outgoing.channel]
        raise DailyLimitReached(
            f"this salon has sent its {cap} {outgoing.channel} messages for today",
            {"channel": outgoing.channel, "cap": cap, "retry_after": _seconds_until_next_day(now)},
        )
    message = SentMessage(
        company_id=company_id,
        channel=outgoing.channel,
        recipient=outgoing.recipient,
        subject=outgoing.subject,
        body=redacted(outgoing.body) if outgoing.sensitive else outgoing.body,
        purpose=outgoing.purpose,
        event_id=event_id,
        sensitive=outgoing.sensitive,
        created_at=now,
        **(
            {"status": PENDING, "attempts": 1, "next_attempt_at": now + rules.policy.lease}
            if within_cap
            else {"status": FAILED, "attempts": 0, "error": limit_reached(outgoing.channel)}
        ),
    )
    if not within_cap:
        metrics.count_failure(outgoing.channel, metrics.DAILY_CAP)
        log.warning("company %s is over its daily %s cap: %s message not sent", company_id, outgoing.channel,
                    outgoing.purpose)  # fmt: skip
    uow.session.add(message)
    uow.session.flush()
    return message


def _count_against_cap(uow: UnitOfWork, rules: SendingRules, company_id: int, channel: str, now: datetime) -> bool:
    """One more message of the channel today, if the cap allows it; False if it does not. Atomic:
    concurrent sends wait on the counter's row, and the cap is checked against its latest value."""
    insert = postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(DailySends).values(company_id=company_id, day=now.date(), channel=channel, sent=1)
    statement = statement.on_conflict_do_update(
        index_elements=[DailySends.company_id, DailySends.day, DailySends.channel],
        set_={"sent": DailySends.sent + 1},
        where=DailySends.sent < rules.daily_caps[channel],
    ).returning(DailySends.sent)
    return uow.session.execute(statement).first() is not None


def _take_due(uow: UnitOfWork, rules: SendingRules, now: datetime, batch: int) -> list[SentMessage]:
    """Pending messages whose time has come, each leased to this worker (a guarded update: of two
    replicas, one takes it); those not to be tried again are failed with the reason."""
    due = (SentMessage.status == PENDING) & (SentMessage.next_attempt_at <= now)
    query = select(SentMessage).where(due).order_by(SentMessage.next_attempt_at).limit(batch)
    taken = []
    with uow:
        if uow.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # replicas take different rows
        for message in uow.session.scalars(query).all():
            reason = why_not_again(rules.policy, message.attempts, message.created_at, now, message.sensitive)
            changes = (
                {"status": FAILED, "next_attempt_at": None, "error": reason}
                if reason
                else {"attempts": SentMessage.attempts + 1, "next_attempt_at": now + rules.policy.lease}
            )
            guarded = update(SentMessage).where(SentMessage.id == message.id, due).values(**changes)
            if uow.session.execute(guarded.execution_options(synchronize_session=False)).rowcount != 1:
                continue  # another replica took it first
            if reason:
                log.warning("%s message %s not tried again: %s", message.channel, message.id, reason)
            else:
                taken.append(message.id)
        uow.commit()
        if not taken:
            return []
        query = select(SentMessage).where(SentMessage.id.in_(taken)).order_by(SentMessage.id)
        return list(uow.session.scalars(query.execution_options(populate_existing=True)))


def _deliver_or_leave(uow: UnitOfWork, postbox: Postbox, rules: SendingRules, message: SentMessage, text: str):
    """Hand the message over and record how it went (see _deliver_all)."""
    return _deliver_all(uow, postbox, rules, [(message, text)])[0]


def _deliver_all(
    uow: UnitOfWork, postbox: Postbox, rules: SendingRules, messages: list[tuple[SentMessage, str]]
) -> list[SentMessage]:
    """Hand each pending message over, then record every outcome in one transaction; the
    messages as recorded, in order. An unexpected error leaves its message pending: its lease
    runs out and the retry loop takes it again."""
    outcomes = {}
    for message, text in messages:
        if message.status != PENDING:
            continue
        try:
            outcomes[message.id] = _outcome(postbox, rules, message, text)
        except Exception:
            metrics.count_failure(message.channel, metrics.INTERRUPTED)
            log.exception("%s message %s interrupted; it is tried again when its lease ends", message.channel,
                          message.id)  # fmt: skip
    recorded = _record_all(uow, outcomes)
    return [recorded.get(message.id, message) for message, _ in messages]


def _outcome(postbox: Postbox, rules: SendingRules, message: SentMessage, text: str) -> dict:
    """Hand the message over: the changes that record how it went."""
    try:
        provider_message_id = _hand_over(postbox, message, text)
    except DeliveryFailed as problem:
        metrics.count_failure(message.channel, problem)
        log.warning("%s message %s to %s failed (attempt %s): %s", message.channel, message.id, message.recipient,
                    message.attempts, problem)  # fmt: skip
        outcome = after_failure(
            rules.policy, message.attempts, message.created_at, datetime.now(UTC), permanent=problem.permanent,
            sensitive=message.sensitive, not_configured=problem.not_configured,
        )  # fmt: skip
        return {"status": outcome.status, "next_attempt_at": outcome.next_attempt_at, "error": outcome.error,
                "provider_error": str(problem)[:2000]}  # fmt: skip
    return {"status": SENT, "provider_message_id": provider_message_id, "sent_at": datetime.now(UTC),
            "next_attempt_at": None, "error": None}  # fmt: skip


def _record_all(uow: UnitOfWork, outcomes: dict[int, dict]) -> dict[int, SentMessage]:
    """Write hand-overs' outcomes (message id: changes) together; tried again briefly, since a
    message that went out but is still pending would be handed over again when its lease ends."""
    if not outcomes:
        return {}
    for wait in (*RECORD_TRIES, None):
        try:
            with uow:
                query = select(SentMessage).where(SentMessage.id.in_(outcomes))
                recorded = {message.id: message for message in uow.session.scalars(query)}
                for message_id, changes in outcomes.items():
                    for field, value in changes.items():
                        setattr(recorded[message_id], field, value)
                # Past the caller's deadline too: the messages have gone, and the records must say so.
                uow.session.commit()
                return recorded
        except Exception:
            if wait is None:
                raise
            log.warning("recording messages %s failed; trying again", sorted(outcomes), exc_info=True)
            time.sleep(wait)
    raise AssertionError("unreachable")


def _hand_over(postbox: Postbox, message: SentMessage, text: str) -> str | None:
    key = f"salon-message-{message.id}-{int(message.created_at.timestamp())}"
    if message.channel == SMS:
        return postbox.sms.send(message.recipient, text, key)
    if postbox.mailer is None:
        raise DeliveryFailed("email is not configured (SMTP_HOST is not set)", not_configured=True)
    return postbox.mailer.send(message.recipient, message.subject, text, key)


def _show_development_texts(uow: UnitOfWork, found: list[SentMessage]) -> None:
    masked = {}  # dev_sms_messages.id: the message whose text was masked
    for message in found:
        inbox_id = (message.provider_message_id or "").removeprefix(DEVELOPMENT_ID)
        if message.sensitive and message.channel == SMS and inbox_id.isdigit():
            masked[int(inbox_id)] = message
    if not masked:
        return
    query = select(DevelopmentSms.id, DevelopmentSms.text).where(DevelopmentSms.id.in_(masked))
    texts = dict(uow.session.execute(query).all())
    uow.session.expunge_all()  # what the developer reads is shown, never written back
    for inbox_id, message in masked.items():
        if inbox_id in texts:
            message.body = texts[inbox_id]


def _next_day(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)


def _seconds_until_next_day(now: datetime) -> int:
    return max(int((_next_day(now) - now).total_seconds()) + 1, 1)
