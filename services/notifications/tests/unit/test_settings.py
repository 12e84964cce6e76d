"""Settings as nameko reads them from config.yml: strings, or None where a variable is empty."""

import pytest

from notifications.settings import BadSetting, public_base_url, sms_settings, smtp_settings
from notifications.sms import DevelopmentSmsProvider, HttpSmsProvider, sms_provider_for
from notifications.smtp import SmtpMailer, mailer_for

HTTP = {"SMS_PROVIDER": "http", "SMS_HTTP_URL": "https://sms.example/v1/messages", "SMS_SENDER": "Lumiere"}


def test_by_default_sms_stay_in_the_development_inbox_and_no_email_is_sent():
    settings = sms_settings({"SMS_PROVIDER": "", "SMS_HTTP_URL": ""})
    assert (settings.provider, settings.sender) == ("development", "Salon")
    provider = sms_provider_for(settings, sessions=None)
    assert isinstance(provider, DevelopmentSmsProvider) and provider.sender == "Salon"
    assert mailer_for(smtp_settings({"SMTP_HOST": ""})) is None


def test_the_http_provider_with_basic_auth():
    settings = sms_settings({**HTTP, "SMS_HTTP_USERNAME": "salon", "SMS_HTTP_PASSWORD": "0123"})
    provider = sms_provider_for(settings, sessions=None)
    assert isinstance(provider, HttpSmsProvider)
    assert (provider.url, provider.sender, provider.auth, provider.headers) == (
        HTTP["SMS_HTTP_URL"],
        "Lumiere",
        ("salon", "0123"),
        {},
    )


def test_the_http_provider_with_a_bearer_token_and_its_own_timeout():
    provider = sms_provider_for(
        sms_settings({**HTTP, "SMS_HTTP_TOKEN": "t0ken", "SMS_HTTP_TIMEOUT_SECONDS": "2.5"}), sessions=None
    )
    assert provider.auth is None and provider.headers == {"Authorization": "Bearer t0ken"}
    assert provider.timeout == 2.5


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"SMS_PROVIDER": "pigeon"}, "SMS_PROVIDER"),
        ({"SMS_PROVIDER": "http"}, "SMS_HTTP_URL"),
        ({**HTTP, "SMS_HTTP_URL": "ftp://sms.example"}, "SMS_HTTP_URL"),
        ({**HTTP, "SMS_HTTP_USERNAME": "salon", "SMS_HTTP_PASSWORD": "x", "SMS_HTTP_TOKEN": "t"}, "SMS_HTTP_TOKEN"),
        ({**HTTP, "SMS_HTTP_USERNAME": "salon"}, "SMS_HTTP_PASSWORD"),
        ({**HTTP, "SMS_HTTP_TIMEOUT_SECONDS": "soon"}, "SMS_HTTP_TIMEOUT_SECONDS"),
    ],
)
def test_a_bad_sms_setting_is_named(config, named):
    with pytest.raises(BadSetting, match=named):
        sms_settings(config)


def test_smtp_settings():
    settings = smtp_settings(
        {
            "SMTP_HOST": "mail.example",
            "SMTP_PORT": "587",
            "SMTP_FROM": "Studio Lumière <hello@lumiere.example>",
            "SMTP_USERNAME": "hello",
            "SMTP_PASSWORD": "yes",
            "SMTP_STARTTLS": "true",
        }
    )
    assert (settings.host, settings.port, settings.username, settings.password) == ("mail.example", 587, "hello", "yes")
    assert settings.starttls is True and settings.timeout_seconds == 10
    mailer = mailer_for(settings)
    assert isinstance(mailer, SmtpMailer) and mailer.domain == "lumiere.example"


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"SMTP_HOST": "mail.example", "SMTP_PORT": "70000"}, "SMTP_PORT"),
        ({"SMTP_HOST": "mail.example", "SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
        ({"SMTP_HOST": "mail.example", "SMTP_USERNAME": "hello"}, "SMTP_PASSWORD"),
    ],
)
def test_a_bad_smtp_setting_is_named(config, named):
    with pytest.raises(BadSetting, match=named):
        smtp_settings(config)


def test_the_public_base_url():
    assert public_base_url({"PUBLIC_BASE_URL": "https://salon.example/"}) == "https://salon.example"
    assert public_base_url({"PUBLIC_BASE_URL": None}) is None
    with pytest.raises(BadSetting, match="PUBLIC_BASE_URL"):
        public_base_url({"PUBLIC_BASE_URL": "salon.example"})
