"""The use cases on a real PostgreSQL database, with real providers: the development inbox, a
local SMS endpoint and an aiosmtpd server. The clients and scheduling services are plain fakes."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from notifications import handlers
from notifications.domain.channels import DeliveryFailed, Postbox
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


def notify(uow, postbox, the_event, neighbours=None, public_base_url="https://salon.example"):
    neighbours = neighbours or Neighbours()
    return handlers.notify_about_appointment(
        uow,
        postbox,
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
    message = handlers.send_sms(uow, postbox, company_id, phone, "Your code is 123456", "phone_code")
    assert (message.status, message.channel, message.recipient, message.purpose) == ("sent", "sms", phone, "phone_code")
    assert message.provider_message_id.startswith("dev-") and message.sent_at is not None and message.error is None
    assert dev_inbox(sessions, phone) == ["Your code is 123456"]


def test_an_sms_the_http_provider_refuses_is_recorded_as_failed(uow, sms_gateway, company_id):
    sms_gateway.status = 503
    provider = HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url))
    message = handlers.send_sms(uow, Postbox(sms=provider), company_id, "+4915111111111", "Hello", "phone_code")
    assert (message.status, message.sent_at, message.provider_message_id) == ("failed", None, None)
    assert "503" in message.error
    sms_gateway.status = 200
    message = handlers.send_sms(uow, Postbox(sms=provider), company_id, "+4915111111111", "Hello", "phone_code")
    assert (message.status, message.provider_message_id) == ("sent", "msg-2")
    assert [request.body["text"] for request in sms_gateway.requests] == ["Hello", "Hello"]


def test_an_email_arrives_and_is_recorded(uow, postbox, smtp_inbox, company_id):
    message = handlers.send_email(
        uow, postbox, company_id, "owner@example.com", "Your export is ready", "Download it here.", "export_ready"
    )
    assert (message.status, message.channel, message.subject) == ("sent", "email", "Your export is ready")
    [received] = smtp_inbox.to("owner@example.com")
    assert received["Subject"] == "Your export is ready" and received["Message-ID"] == message.provider_message_id


def test_without_smtp_an_email_is_recorded_as_failed(uow, development_sms, company_id):
    message = handlers.send_email(uow, Postbox(sms=development_sms), company_id, "a@example.com", "Hi", "x", "test")
    assert message.status == "failed" and "SMTP_HOST" in message.error


def test_a_message_is_committed_as_pending_before_it_is_sent(uow, sessions, company_id):
    class Inspecting:
        def send(self, phone, text):
            with sessions() as session:
                self.seen = session.scalar(select(SentMessage.status).where(SentMessage.company_id == company_id))
            raise DeliveryFailed("the network is down")

    provider = Inspecting()
    message = handlers.send_sms(uow, Postbox(sms=provider), company_id, "+4915111111111", "Hello", "phone_code")
    assert provider.seen == "pending"
    assert (message.status, message.error) == ("failed", "the network is down")


def test_messages_are_listed_newest_first_filtered_and_only_the_companys(uow, postbox, company_id):
    handlers.send_sms(uow, postbox, company_id, "+4915111111111", "first", "phone_code")
    handlers.send_sms(uow, postbox, company_id, "+4915122222222", "second", "phone_code")
    handlers.send_email(uow, postbox, company_id, "anna@example.com", "Export", "third", "export_ready")
    handlers.send_sms(uow, postbox, company_id + 1, "+4915111111111", "another salon's", "phone_code")

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
