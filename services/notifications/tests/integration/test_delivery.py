"""At least once, never twice, and within the daily caps: the use cases on a real PostgreSQL
database, with the development SMS inbox and an aiosmtpd server."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from test_handlers import RULES, Neighbours, dev_inbox, event, notify

from notifications import handlers
from notifications.domain import delivery
from notifications.domain.channels import DeliveryFailed, Postbox
from notifications.domain.delivery import RetryPolicy, SendingRules
from notifications.exceptions import DailyLimitReached
from notifications.models import SentMessage
from notifications.settings import SmtpSettings
from notifications.sms import DevelopmentSmsProvider
from notifications.smtp import SmtpMailer
from salon_infra.database import UnitOfWork

LEASE = timedelta(seconds=0.3)
SHORT_LEASE = SendingRules(RetryPolicy(3, timedelta(0), LEASE, timedelta(hours=1)), RULES.daily_caps)


class Crash(BaseException):
    """The process dying mid-send: nothing in the service catches it."""


class Failing:
    """An SMS provider that fails with `error` while `failing`, then hands over to the inbox."""

    def __init__(self, inbox, error):
        self.inbox, self.error, self.failing, self.texts = inbox, error, True, []

    def send(self, phone, text, key=None):
        if self.failing:
            raise self.error
        self.texts.append(text)
        return self.inbox.send(phone, text, key)


@pytest.fixture
def inbox(sessions):
    return DevelopmentSmsProvider(sessions, "Lumiere")


@pytest.fixture
def mailer(smtp_inbox):
    return SmtpMailer(SmtpSettings(host="127.0.0.1", port=smtp_inbox.port, sender="hello@lumiere.example"))


def messages_of(uow, the_event):
    with uow:
        query = select(SentMessage).where(SentMessage.event_id == the_event["event_id"]).order_by(SentMessage.id)
        return list(uow.session.scalars(query))


def test_an_error_after_the_event_is_claimed_leaves_the_rest_to_go_out_and_the_message_to_be_tried_again(
    uow, sessions, inbox, mailer, smtp_inbox, company_id
):
    sms = Failing(inbox, RuntimeError("the provider's client broke"))
    postbox = Postbox(sms=sms, mailer=mailer)
    the_event = event(company_id)
    notify(uow, postbox, the_event, rules=SHORT_LEASE)
    pending_sms, email = messages_of(uow, the_event)
    assert (pending_sms.channel, pending_sms.status, email.channel, email.status) == ("sms", "pending", "email", "sent")
    assert len(smtp_inbox.to("anna@example.com")) == 1

    assert notify(uow, postbox, the_event, rules=SHORT_LEASE) == []  # redelivered: nothing more
    assert handlers.send_due_messages(uow, postbox, SHORT_LEASE) == 0  # its hand-over's lease is not over yet
    sms.failing = False
    time.sleep(LEASE.total_seconds())
    assert handlers.send_due_messages(uow, postbox, SHORT_LEASE) == 1
    sent_sms, email = messages_of(uow, the_event)
    assert (sent_sms.status, sent_sms.attempts, email.status) == ("sent", 2, "sent")
    assert dev_inbox(sessions, "+4915111111111").count(sent_sms.body) == 1
    assert handlers.send_due_messages(uow, postbox, SHORT_LEASE) == 0
    assert len(smtp_inbox.to("anna@example.com")) == 1 and len(sms.texts) == 1


def test_messages_left_pending_by_a_crash_go_out_once_their_lease_is_over(
    uow, sessions, inbox, mailer, smtp_inbox, company_id
):
    sms = Failing(inbox, Crash())
    the_event = event(company_id, "appointment_rescheduled")
    with pytest.raises(Crash):
        notify(uow, Postbox(sms=sms, mailer=mailer), the_event, rules=SHORT_LEASE)
    assert [m.status for m in messages_of(uow, the_event)] == ["pending", "pending"]
    assert smtp_inbox.to("anna@example.com") == []

    restarted = Postbox(sms=inbox, mailer=mailer)  # the service as it starts again
    assert notify(uow, restarted, the_event, rules=SHORT_LEASE) == []  # the event comes back: already claimed
    time.sleep(LEASE.total_seconds())
    assert handlers.send_due_messages(uow, restarted, SHORT_LEASE) == 2
    assert [(m.status, m.attempts) for m in messages_of(uow, the_event)] == [("sent", 2), ("sent", 2)]
    assert len(smtp_inbox.to("anna@example.com")) == 1
    assert handlers.send_due_messages(uow, restarted, SHORT_LEASE) == 0


def test_replicas_taking_due_messages_at_once_hand_each_over_once(uow, sessions, company_id):
    class Slow:
        def __init__(self):
            self.texts, self.lock = [], threading.Lock()

        def send(self, phone, text, key=None):
            time.sleep(0.02)
            with self.lock:
                self.texts.append(text)
            return "ok"

    refusing = Postbox(sms=Failing(None, DeliveryFailed("503")))
    texts = [f"message {n}" for n in range(40)]
    for text in texts:  # each failed once, due again at once
        handlers.send_sms(uow, refusing, RULES, company_id, "+4915111111111", text, "reminder")
    slow = Slow()
    replicas = [  # each replica its own unit of work, in batches of 7
        threading.Thread(target=handlers.send_due_messages, args=(UnitOfWork(sessions), Postbox(sms=slow), RULES, 7))
        for _ in range(4)
    ]
    for replica in replicas:
        replica.start()
    for replica in replicas:
        replica.join()
    assert sorted(slow.texts) == sorted(texts)
    assert {m.status for m in handlers.list_messages(uow, company_id, limit=200)} == {"sent"}


def test_a_one_time_code_left_pending_is_failed_not_sent_again(uow, inbox, company_id):
    with pytest.raises(Crash):
        handlers.send_sms(uow, Postbox(sms=Failing(inbox, Crash())), SHORT_LEASE, company_id, "+4915111111111",
                          "123456 is your code", "phone_code")  # fmt: skip
    time.sleep(LEASE.total_seconds())
    sms = Failing(inbox, None)
    sms.failing = False
    assert handlers.send_due_messages(uow, Postbox(sms=sms), SHORT_LEASE) == 0
    [message] = handlers.list_messages(uow, company_id)
    assert (message.status, message.error, message.body, sms.texts) == (
        "failed", delivery.ONE_TIME, "•••••• is your code", []
    )  # fmt: skip


def test_a_message_too_old_is_not_sent_late(uow, inbox, company_id):
    refusing = Postbox(sms=Failing(inbox, DeliveryFailed("503")))
    message = handlers.send_sms(uow, refusing, RULES, company_id, "+4915111111111", "Hello", "reminder")
    with uow:
        uow.session.execute(update(SentMessage).where(SentMessage.id == message.id)
                            .values(created_at=datetime.now(UTC) - timedelta(hours=2)))  # fmt: skip
        uow.commit()
    sms = Failing(inbox, None)
    sms.failing = False
    assert handlers.send_due_messages(uow, Postbox(sms=sms), RULES) == 0
    [failed] = handlers.list_messages(uow, company_id)
    assert (failed.status, failed.error, sms.texts) == ("failed", delivery.TOO_LATE, [])


# ---------------------------------------------------------------- the daily caps

CAPPED = SendingRules(RULES.policy, {"sms": 3, "email": 1})


def test_a_company_sends_no_more_than_its_daily_caps_and_sees_its_count(uow, inbox, mailer, company_id):
    postbox = Postbox(sms=inbox, mailer=mailer)
    for n in range(3):
        handlers.send_sms(uow, postbox, CAPPED, company_id, "+4915111111111", f"code {n}", "phone_code")
    with pytest.raises(DailyLimitReached) as refused:
        handlers.send_sms(uow, postbox, CAPPED, company_id, "+4915111111111", "one more", "phone_code")
    assert refused.value.details["channel"] == "sms" and refused.value.details["cap"] == 3
    assert 0 < refused.value.details["retry_after"] <= 86_401
    handlers.send_email(uow, postbox, CAPPED, company_id, "owner@example.com", "Export", "ready", "export_ready")
    with pytest.raises(DailyLimitReached):
        handlers.send_email(uow, postbox, CAPPED, company_id, "owner@example.com", "Export", "ready", "export_ready")
    assert len(handlers.list_messages(uow, company_id)) == 4  # a refused send is not a message

    usage = handlers.daily_usage(uow, CAPPED, company_id)
    assert (usage["sms"], usage["email"]) == ({"sent": 3, "cap": 3, "remaining": 0},
                                              {"sent": 1, "cap": 1, "remaining": 0})  # fmt: skip
    assert usage["day"] == datetime.now(UTC).date() and usage["resets_at"] > datetime.now(UTC)
    other = handlers.send_sms(uow, postbox, CAPPED, company_id + 1, "+4915111111111", "hi", "reminder")
    assert other.status == "sent"  # another salon has a cap of its own
    tomorrow = handlers.daily_usage(uow, CAPPED, company_id, datetime.now(UTC) + timedelta(days=1))
    assert tomorrow["sms"]["sent"] == 0


def test_the_cap_holds_when_many_send_at_once(uow, sessions, inbox, company_id):
    outcomes = []

    def send(n):
        try:
            handlers.send_sms(UnitOfWork(sessions), Postbox(sms=inbox), CAPPED, company_id,
                              "+4915111111111", f"race {n}", "reminder")  # fmt: skip
            outcomes.append("sent")
        except DailyLimitReached:
            outcomes.append("refused")

    senders = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert sorted(outcomes) == ["refused"] * 9 + ["sent"] * 3
    assert handlers.daily_usage(uow, CAPPED, company_id)["sms"]["sent"] == 3


def test_a_retry_is_not_counted_again(uow, inbox, company_id):
    sms = Failing(inbox, DeliveryFailed("503"))
    handlers.send_sms(uow, Postbox(sms=sms), CAPPED, company_id, "+4915111111111", "Hello", "reminder")
    handlers.send_due_messages(uow, Postbox(sms=sms), CAPPED)
    sms.failing = False
    handlers.send_due_messages(uow, Postbox(sms=sms), CAPPED)
    assert handlers.list_messages(uow, company_id)[0].status == "sent"
    assert handlers.daily_usage(uow, CAPPED, company_id)["sms"]["sent"] == 1


def test_a_booking_over_the_cap_is_recorded_as_not_sent(uow, inbox, mailer, smtp_inbox, company_id):
    postbox = Postbox(sms=inbox, mailer=mailer)
    for n in range(3):
        handlers.send_sms(uow, postbox, CAPPED, company_id, "+4915111111111", f"code {n}", "phone_code")
    sms, email = notify(uow, postbox, event(company_id), Neighbours(), rules=CAPPED)
    assert (sms.status, sms.error, sms.attempts) == ("failed", "Not sent: the salon's daily SMS limit is reached.", 0)
    assert email.status == "sent" and len(smtp_inbox.to("anna@example.com")) == 1
