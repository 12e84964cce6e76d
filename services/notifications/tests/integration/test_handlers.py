"""The use cases on a real PostgreSQL database, with real providers: the development inbox, a
local SMS endpoint and an aiosmtpd server. The clients and scheduling services are plain fakes."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from notifications import handlers
from notifications.domain import delivery
from notifications.domain.channels import DeliveryFailed, Postbox
from notifications.domain.delivery import RetryPolicy, SendingRules
from notifications.models import DevelopmentSms, SentMessage
from notifications.settings import SmsSettings, SmtpSettings
from notifications.sms import DevelopmentSmsProvider, HttpSmsProvider
from notifications.smtp import SmtpMailer
from salon_infra.errors import NotFound
from salon_infra.outbox import processed_events_table

STARTS_AT = datetime(2025, 7, 14, 8, 0, tzinfo=UTC)  # 10:00 in Berlin
CLIENTS = {
    3: {"id": 3, "name": "Anna Schmidt", "phone": "+4915111111111", "email": "anna@example.com"},
    4: {"id": 4, "name": "Ben", "phone": "+4915122222222", "email": None},
}


GONE_COMPANY = 1
RULES = SendingRules(
    RetryPolicy(max_attempts=3, first_wait=timedelta(0), lease=timedelta(seconds=30), give_up_after=timedelta(hours=1)),
    {"sms": 1000, "email": 1000},
)


class Neighbours:
    """The clients and scheduling services as the handler sees them: two lookups."""

    def __init__(self):
        self.calls = 0

    def get_client(self, company_id, client_id):
        self.calls += 1
        if client_id not in CLIENTS:
            raise NotFound(f"client {client_id} not found")
        return CLIENTS[client_id]

    def get_company(self, company_id):
        if company_id == GONE_COMPANY:
            raise NotFound(f"company {company_id} not found")
        return {"id": company_id, "name": "Studio Lumière", "timezone": "Europe/Berlin", "currency": "EUR"}


class Refusing:
    """A mail server that refuses for now (4xx)."""

    def send(self, to, subject, text, key=None):
        raise DeliveryFailed("451 try later")


def send_due(uow, postbox, rules=RULES):
    return handlers.send_due_messages(uow, postbox, rules)


def reload(uow, message):
    with uow:
        return uow.session.get(SentMessage, message.id)


@pytest.fixture
def development_sms(sessions):
    return DevelopmentSmsProvider(sessions, "Lumiere")


@pytest.fixture
def postbox(development_sms, smtp_inbox):
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=smtp_inbox.port, sender="hello@lumiere.example"))
    return Postbox(sms=development_sms, mailer=mailer)


def event(company_id, event_type="appointment_created", client_id=3, source="widget", link_token="7-42-abc"):
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "company_id": company_id,
        "data": {
            "appointment": {"id": 42, "client_id": client_id, "starts_at": STARTS_AT, "source": source},
            "link_token": link_token,
        },
    }


def notify(uow, postbox, the_event, neighbours=None, public_base_url="https://salon.example", rules=RULES):
    neighbours = neighbours or Neighbours()
    return handlers.notify_about_appointment(
        uow,
        postbox,
        rules,
        the_event,
        get_client=neighbours.get_client,
        get_company=neighbours.get_company,
        public_base_url=public_base_url,
    )


def dev_inbox(sessions, phone):
    with sessions() as session:
        return list(session.scalars(select(DevelopmentSms.text).where(DevelopmentSms.phone == phone)))


def test_an_sms_through_the_development_provider_is_recorded_and_lands_in_its_inbox(uow, sessions, postbox, company_id):
    phone = f"+49151{company_id}"[:16]
    message = handlers.send_sms(uow, postbox, RULES, company_id, phone, "Your code is 123456", "phone_code")
    assert (message.status, message.channel, message.recipient, message.purpose) == ("sent", "sms", phone, "phone_code")
    assert message.provider_message_id.startswith("dev-") and message.sent_at is not None and message.error is None
    assert dev_inbox(sessions, phone) == ["Your code is 123456"]  # the development inbox stands for the phone


def test_a_one_time_code_is_never_stored_as_sent(uow, sessions, sms_gateway, company_id):
    provider = HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url))
    phone = f"+49151{company_id}"[:16]  # this test's own: other tests fill the development inbox
    code = handlers.send_sms(uow, Postbox(sms=provider), RULES, company_id, phone,
                             "482913 is your code to book at Lumière 2024.", "phone_code")  # fmt: skip
    token = "k3Jd9sLq0xPzR7vBn2Mw5YtA"
    refusing = Postbox(sms=provider, mailer=Refusing())
    reset = handlers.send_email(uow, refusing, RULES, company_id, "a@example.com", "Sign in",
                                f"Use https://salon.example/in/{token}", "sign_in", sensitive=True)  # fmt: skip
    assert [request.body["text"] for request in sms_gateway.requests] == [
        "482913 is your code to book at Lumière 2024."
    ]  # the phone gets the code
    with sessions() as session:
        stored = [row for row in session.execute(select(SentMessage.__table__).where(SentMessage.company_id ==
                                                                                      company_id))]  # fmt: skip
    assert "482913" not in str(stored) and token not in str(stored)
    assert code.body == "•••••• is your code to book at Lumière ••••••." and code.sensitive
    assert reset.body == "Use https://salon.example/in/••••••"
    assert dev_inbox(sessions, phone) == []  # a real provider: no development inbox either
    # and one that failed is not tried again: its text is not kept
    assert (reset.status, reset.error) == ("failed", delivery.ONE_TIME)


def test_with_the_development_provider_the_log_shows_the_code_sent_and_else_it_does_not(uow, postbox, company_id):
    sent = handlers.send_sms(uow, postbox, RULES, company_id, "+4915133333333", "902114 is your code.", "phone_code")
    [shown] = handlers.list_messages(uow, company_id, channel="sms", development_inbox=True)
    assert (shown.id, shown.body) == (sent.id, "902114 is your code.")
    [kept] = handlers.list_messages(uow, company_id, channel="sms")
    assert kept.body == "•••••• is your code."
    assert handlers.list_messages(uow, company_id, channel="sms")[0].body == kept.body  # nothing was written back


def test_a_provider_failure_is_tried_again_until_it_goes_out_once(uow, sms_gateway, company_id):
    sms_gateway.status = 503
    provider = HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url))
    postbox = Postbox(sms=provider)
    message = handlers.send_sms(uow, postbox, RULES, company_id, "+4915111111111", "Hello", "reminder")
    assert (message.status, message.attempts, message.sent_at, message.provider_message_id) == ("pending", 1, None,
                                                                                                 None)  # fmt: skip
    assert (
        message.error == delivery.RETRYING and "503" in message.provider_error
    )  # staff never read the provider's text
    send_due(uow, postbox)
    assert (reload(uow, message).status, reload(uow, message).attempts) == ("pending", 2)
    sms_gateway.status = 200
    send_due(uow, postbox)
    sent = reload(uow, message)
    assert (sent.status, sent.attempts, sent.error, sent.provider_message_id) == ("sent", 3, None, "msg-3")
    send_due(uow, postbox)
    requests = sms_gateway.requests
    assert [request.body["text"] for request in requests] == ["Hello"] * 3
    assert len({request.headers["Idempotency-Key"] for request in requests}) == 1  # one message, one key


def test_after_the_last_attempt_a_message_is_kept_as_failed_with_a_plain_reason(uow, sms_gateway, company_id):
    sms_gateway.status = 502
    postbox = Postbox(sms=HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url)))
    message = handlers.send_sms(uow, postbox, RULES, company_id, "+4915111111111", "Hello", "reminder")
    for _ in range(5):
        send_due(uow, postbox)
    [failed] = handlers.list_messages(uow, company_id)
    assert (failed.id, failed.status, failed.attempts, failed.next_attempt_at) == (message.id, "failed", 3, None)
    assert failed.error == "Not delivered after 3 attempts." and "502" in failed.provider_error
    assert len(sms_gateway.requests) == 3


def test_a_message_the_provider_refuses_for_good_is_not_tried_again(uow, sms_gateway, company_id):
    sms_gateway.status = 400
    postbox = Postbox(sms=HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url)))
    message = handlers.send_sms(uow, postbox, RULES, company_id, "+4915111111111", "Hello", "reminder")
    send_due(uow, postbox)
    assert (message.status, message.error, len(sms_gateway.requests)) == ("failed", delivery.REFUSED, 1)


def test_an_email_arrives_and_is_recorded(uow, postbox, smtp_inbox, company_id):
    message = handlers.send_email(
        uow, postbox, RULES, company_id, "owner@example.com", "Your export is ready", "Download it here.",
        "export_ready",
    )  # fmt: skip
    assert (message.status, message.channel, message.subject) == ("sent", "email", "Your export is ready")
    [received] = smtp_inbox.to("owner@example.com")
    assert received["Subject"] == "Your export is ready" and received["Message-ID"] == message.provider_message_id


def test_without_smtp_an_email_is_recorded_as_failed(uow, development_sms, company_id):
    postbox = Postbox(sms=development_sms)
    message = handlers.send_email(uow, postbox, RULES, company_id, "a@example.com", "Hi", "x", "test")
    assert (message.status, message.error) == ("failed", delivery.NOT_CONFIGURED)
    assert "SMTP_HOST" in message.provider_error


def test_a_message_is_committed_as_pending_before_it_is_sent(uow, sessions, company_id):
    class Inspecting:
        def send(self, phone, text, key=None):
            with sessions() as session:
                self.seen = session.scalar(select(SentMessage.status).where(SentMessage.company_id == company_id))
            raise DeliveryFailed("the network is down")

    provider = Inspecting()
    message = handlers.send_sms(uow, Postbox(sms=provider), RULES, company_id, "+4915111111111", "Hello", "reminder")
    assert provider.seen == "pending"
    assert (message.status, message.error, message.provider_error) == (
        "pending", delivery.RETRYING, "the network is down"
    )  # fmt: skip


def test_messages_are_listed_newest_first_filtered_and_only_the_companys(uow, postbox, company_id):
    handlers.send_sms(uow, postbox, RULES, company_id, "+4915111111111", "first", "phone_code")
    handlers.send_sms(uow, postbox, RULES, company_id, "+4915122222222", "second", "phone_code")
    handlers.send_email(uow, postbox, RULES, company_id, "anna@example.com", "Export", "third", "export_ready")
    handlers.send_sms(uow, postbox, RULES, company_id + 1, "+4915111111111", "another salon's", "phone_code")

    assert [m.body for m in handlers.list_messages(uow, company_id)] == ["third", "second", "first"]
    assert [m.body for m in handlers.list_messages(uow, company_id, channel="sms")] == ["second", "first"]
    assert [m.body for m in handlers.list_messages(uow, company_id, recipient="+4915111111111")] == ["first"]
    assert [m.body for m in handlers.list_messages(uow, company_id, purpose="export_ready")] == ["third"]
    assert [m.body for m in handlers.list_messages(uow, company_id, limit=1)] == ["third"]


def test_a_booking_is_confirmed_by_sms_and_email_with_the_manage_link(uow, sessions, postbox, smtp_inbox, company_id):
    the_event = event(company_id)
    sms, email = notify(uow, postbox, the_event)
    link = f"https://salon.example/widget/{company_id}/bookings/7-42-abc"
    assert (sms.status, sms.purpose, sms.event_id, sms.recipient) == (
        "sent",
        "appointment_created",
        the_event["event_id"],
        "+4915111111111",
    )
    assert (
        sms.body
        == f"Studio Lumière: your appointment on Mon 14 Jul 2025, 10:00 is booked. Reschedule or cancel: {link}"
    )
    assert sms.body in dev_inbox(sessions, "+4915111111111")
    assert (email.status, email.recipient) == ("sent", "anna@example.com")
    [received] = smtp_inbox.to("anna@example.com")
    assert received["Subject"] == "Your appointment at Studio Lumière: Mon 14 Jul 2025, 10:00"
    assert link in received.get_content()


def test_a_redelivered_event_sends_nothing(uow, postbox, smtp_inbox, company_id):
    the_event = event(company_id, "appointment_rescheduled")
    assert len(notify(uow, postbox, the_event)) == 2
    assert notify(uow, postbox, the_event) == []
    assert len(handlers.list_messages(uow, company_id)) == 2 and len(smtp_inbox.received) == 1


def test_events_arriving_together_are_handled_in_one_go_each_once(uow, postbox, smtp_inbox, company_id):
    booked, moved, imported = (event(company_id), event(company_id, "appointment_rescheduled", client_id=4),
                               event(company_id, source="import"))  # fmt: skip
    neighbours = Neighbours()
    sent = handlers.notify_about_appointments(
        uow, postbox, RULES, [booked, moved, booked, imported],  # the first one redelivered within the batch
        get_client=neighbours.get_client, get_company=neighbours.get_company, public_base_url=None,
    )  # fmt: skip
    assert [(m.channel, m.recipient, m.status) for m in sent] == [
        ("sms", "+4915111111111", "sent"), ("email", "anna@example.com", "sent"), ("sms", "+4915122222222", "sent")
    ]  # fmt: skip
    assert len(smtp_inbox.to("anna@example.com")) == 1
    again = handlers.notify_about_appointments(
        uow, postbox, RULES, [booked, moved], get_client=neighbours.get_client, get_company=neighbours.get_company
    )
    assert again == [] and len(handlers.list_messages(uow, company_id)) == 3


def test_an_imported_appointment_notifies_nobody(uow, sessions, postbox, smtp_inbox, company_id):
    neighbours = Neighbours()
    assert notify(uow, postbox, event(company_id, source="import"), neighbours) == []
    assert neighbours.calls == 0 and handlers.list_messages(uow, company_id) == [] and smtp_inbox.received == []


def test_a_client_without_email_gets_the_sms_only(uow, postbox, smtp_inbox, company_id):
    [sms] = notify(uow, postbox, event(company_id, "appointment_cancelled", client_id=4))
    assert sms.body == "Studio Lumière: your appointment on Mon 14 Jul 2025, 10:00 is cancelled."
    assert smtp_inbox.received == []


def test_without_smtp_the_client_gets_the_sms_only(uow, development_sms, company_id):
    [sms] = notify(uow, Postbox(sms=development_sms), event(company_id))
    assert sms.channel == "sms" and sms.status == "sent"


def test_without_a_public_address_there_is_no_link(uow, postbox, company_id):
    sms, email = notify(uow, postbox, event(company_id), public_base_url=None)
    assert "http" not in sms.body and "http" not in email.body


def test_an_unknown_client_is_skipped_and_the_event_stays_unclaimed(uow, sessions, postbox, company_id):
    the_event = event(company_id, client_id=999)
    assert notify(uow, postbox, the_event) == []
    with sessions() as session:
        claims = select(func.count()).where(processed_events_table.c.event_id == the_event["event_id"])
        assert session.scalar(claims) == 0
    assert handlers.list_messages(uow, company_id) == []


def test_an_unknown_company_is_skipped(uow, postbox):
    assert notify(uow, postbox, event(GONE_COMPANY)) == []
    assert handlers.list_messages(uow, GONE_COMPANY) == []


def test_the_contact_the_event_carries_is_used_without_asking_the_clients_service(uow, sessions, postbox, smtp_inbox,
                                                                                  company_id):  # fmt: skip
    carried = event(company_id, client_id=999)  # no such card: it must not be looked up
    carried["data"]["client"] = {"name": "Web Client", "phone": "+4915100000777", "email": "web@example.com"}
    neighbours = Neighbours()
    sent = notify(uow, postbox, carried, neighbours)
    assert neighbours.calls == 0
    assert sorted(message.recipient for message in sent) == ["+4915100000777", "web@example.com"]
    assert len(dev_inbox(sessions, "+4915100000777")) == 1


def test_a_salons_profile_is_kept_a_while():
    from types import SimpleNamespace

    from notifications.dependencies import CompanyProfiles

    profiles = CompanyProfiles()
    profiles.container = SimpleNamespace(config={"COMPANY_CACHE_SECONDS": 60})
    profiles.setup()
    asked = []
    load = lambda company_id: asked.append(company_id) or {"id": company_id, "name": "Salon"}  # noqa: E731
    assert profiles.get(5, load) == profiles.get(5, load) == {"id": 5, "name": "Salon"}
    profiles.get(6, load)
    assert asked == [5, 6]
    profiles.kept[5] = (0.0, profiles.kept[5][1])  # its time is up
    profiles.get(5, load)
    assert asked == [5, 6, 5]
