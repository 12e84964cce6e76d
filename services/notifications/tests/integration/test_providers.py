"""The SMS providers and the mailer against real servers: a local HTTP endpoint, aiosmtpd, PostgreSQL."""

import base64

import pytest
from local_servers import SmtpInbox
from sqlalchemy import select

from notifications.domain.channels import DeliveryFailed
from notifications.models import DevelopmentSms
from notifications.settings import SmsSettings, SmtpSettings
from notifications.sms import DevelopmentSmsProvider, HttpSmsProvider
from notifications.smtp import SmtpMailer
from salon_infra.testing import free_port


def http_provider(url, **settings):
    return HttpSmsProvider(SmsSettings(provider="http", http_url=url, sender="Lumiere", **settings))


def test_the_http_provider_posts_json_with_basic_auth(sms_gateway):
    provider = http_provider(sms_gateway.url, http_username="salon", http_password="s3cret")
    assert provider.send("+4915111111111", "Your code is 123456") == "msg-1"
    [request] = sms_gateway.requests
    assert request.path == "/v1/sms"
    assert request.body == {"to": "+4915111111111", "text": "Your code is 123456", "from": "Lumiere"}
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"salon:s3cret").decode()


def test_the_http_provider_with_a_bearer_token(sms_gateway):
    http_provider(sms_gateway.url, http_token="t0ken").send("+4915111111111", "Hello")
    assert sms_gateway.requests[0].headers["Authorization"] == "Bearer t0ken"


def test_a_refusal_by_the_provider_is_a_failed_delivery(sms_gateway):
    sms_gateway.status = 401
    with pytest.raises(DeliveryFailed, match="answered 401"):
        http_provider(sms_gateway.url).send("+4915111111111", "Hello")


def test_a_provider_too_slow_to_answer_is_a_failed_delivery(sms_gateway):
    sms_gateway.delay_seconds = 1.0
    with pytest.raises(DeliveryFailed, match="unreachable"):
        http_provider(sms_gateway.url, timeout_seconds=0.2).send("+4915111111111", "Hello")


def test_a_provider_nobody_listens_for_is_a_failed_delivery():
    with pytest.raises(DeliveryFailed, match="unreachable"):
        http_provider(f"http://127.0.0.1:{free_port()}/sms").send("+4915111111111", "Hello")


def test_the_development_provider_keeps_each_sms_in_its_table(sessions):
    provider = DevelopmentSmsProvider(sessions, "Lumiere")
    provider_message_id = provider.send("+4915199999999", "Your code is 654321")
    with sessions() as session:
        stored = session.scalar(select(DevelopmentSms).where(DevelopmentSms.id == int(provider_message_id[4:])))
    assert provider_message_id.startswith("dev-")
    assert (stored.phone, stored.sender, stored.text) == ("+4915199999999", "Lumiere", "Your code is 654321")


def smtp_mailer(port, **settings):
    return SmtpMailer(
        SmtpSettings(host="127.0.0.1", port=port, sender="Studio Lumière <hello@lumiere.example>", **settings)
    )


def test_an_email_arrives_at_the_smtp_server(smtp_inbox):
    message_id = smtp_mailer(smtp_inbox.port).send("anna@example.com", "Your export is ready", "Grüße,\nLumière")
    [received] = smtp_inbox.received
    assert received.envelope_from == "hello@lumiere.example" and received.envelope_to == ["anna@example.com"]
    message = received.message
    assert message["Subject"] == "Your export is ready" and message["To"] == "anna@example.com"
    assert message["From"] == "Studio Lumière <hello@lumiere.example>"
    assert message["Message-ID"] == message_id and message_id.endswith("@lumiere.example>")
    assert message.get_content().replace("\r\n", "\n") == "Grüße,\nLumière\n"


def test_the_mailer_logs_in_where_the_server_asks():
    with SmtpInbox(credentials=("hello", "s3cret")) as inbox:
        smtp_mailer(inbox.port, username="hello", password="s3cret").send("anna@example.com", "Hi", "Hello")
        with pytest.raises(DeliveryFailed, match="SMTP"):
            smtp_mailer(inbox.port, username="hello", password="wrong").send("anna@example.com", "Hi", "Hello")
        with pytest.raises(DeliveryFailed):
            smtp_mailer(inbox.port).send("anna@example.com", "Hi", "Hello")  # no login, no mail
    assert len(inbox.received) == 1


def test_no_smtp_server_is_a_failed_delivery():
    with pytest.raises(DeliveryFailed, match=r"SMTP 127\.0\.0\.1"):
        smtp_mailer(free_port(), timeout_seconds=2).send("anna@example.com", "Hi", "Hello")
