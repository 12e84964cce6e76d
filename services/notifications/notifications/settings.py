"""The service's settings: its channels, how messages are tried again, and the daily caps, read from
its nameko config (config.yml and the environment).

A bad setting stops the service at start with a message naming it, not at the first send.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from notifications.domain.channels import EMAIL, SMS
from notifications.domain.delivery import RetryPolicy, SendingRules

SMS_PROVIDERS = ("development", "http")
DEVELOPMENT = "development"


class BadSetting(ValueError):
    pass


@dataclass(frozen=True)
class SmsSettings:
    provider: str = "development"
    sender: str = "Salon"
    http_url: str | None = None
    http_username: str | None = None
    http_password: str | None = None
    http_token: str | None = None
    timeout_seconds: float = 5.0


@dataclass(frozen=True)
class SmtpSettings:
    """host None: email is not configured, and no email is sent."""

    host: str | None = None
    port: int = 25
    sender: str = "salon@localhost"
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout_seconds: float = 10.0


def sms_settings(config: Mapping) -> SmsSettings:
    provider = (_text(config, "SMS_PROVIDER") or "development").lower()
    if provider not in SMS_PROVIDERS:
        raise BadSetting(f"SMS_PROVIDER must be one of {', '.join(SMS_PROVIDERS)}, not {provider!r}")
    settings = SmsSettings(
        provider=provider,
        sender=_text(config, "SMS_SENDER") or SmsSettings.sender,
        http_url=_text(config, "SMS_HTTP_URL"),
        http_username=_text(config, "SMS_HTTP_USERNAME"),
        http_password=_text(config, "SMS_HTTP_PASSWORD"),
        http_token=_text(config, "SMS_HTTP_TOKEN"),
        timeout_seconds=_seconds(config, "SMS_HTTP_TIMEOUT_SECONDS", SmsSettings.timeout_seconds),
    )
    if provider == "http":
        _check_http(settings)
    return settings


def _check_http(settings: SmsSettings) -> None:
    if not settings.http_url or not settings.http_url.startswith(("http://", "https://")):
        raise BadSetting("SMS_HTTP_URL must be an http:// or https:// URL when SMS_PROVIDER is http")
    if settings.http_username and settings.http_token:
        raise BadSetting("set SMS_HTTP_USERNAME/SMS_HTTP_PASSWORD or SMS_HTTP_TOKEN, not both")
    if settings.http_username and settings.http_password is None:
        raise BadSetting("SMS_HTTP_PASSWORD is required with SMS_HTTP_USERNAME")


def smtp_settings(config: Mapping) -> SmtpSettings:
    username = _text(config, "SMTP_USERNAME")
    password = _text(config, "SMTP_PASSWORD")
    if username and password is None:
        raise BadSetting("SMTP_PASSWORD is required with SMTP_USERNAME")
    return SmtpSettings(
        host=_text(config, "SMTP_HOST"),
        port=_port(config, "SMTP_PORT", SmtpSettings.port),
        sender=_text(config, "SMTP_FROM") or SmtpSettings.sender,
        username=username,
        password=password,
        starttls=_flag(config, "SMTP_STARTTLS"),
        timeout_seconds=_seconds(config, "SMTP_TIMEOUT_SECONDS", SmtpSettings.timeout_seconds),
    )


def sending_rules(config: Mapping) -> SendingRules:
    """The retry policy and the daily caps; every value is checked at start."""
    number = partial(_number, config)
    policy = RetryPolicy(
        max_attempts=int(number("NOTIFICATION_MAX_ATTEMPTS", 6, 1, 20, whole=True)),
        first_wait=timedelta(seconds=number("NOTIFICATION_RETRY_SECONDS", 60, 0.01, 3600)),
        lease=timedelta(seconds=number("NOTIFICATION_SEND_LEASE_SECONDS", 120, 1, 3600)),
        give_up_after=timedelta(hours=number("NOTIFICATION_GIVE_UP_HOURS", 24, 0.001, 720)),
    )
    caps = {
        SMS: int(number("SMS_DAILY_CAP", 300, 1, 10_000_000, whole=True)),
        EMAIL: int(number("EMAIL_DAILY_CAP", 1000, 1, 10_000_000, whole=True)),
    }
    return SendingRules(policy, caps)


def check_lease(rules: SendingRules, sms: SmsSettings, smtp: SmtpSettings) -> None:
    """A hand-over still running when its lease ends would be started again: the lease must outlast both."""
    longest = max(sms.timeout_seconds, smtp.timeout_seconds)
    if rules.policy.lease.total_seconds() <= longest:
        raise BadSetting(
            f"NOTIFICATION_SEND_LEASE_SECONDS must be longer than the SMS and SMTP timeouts ({longest:g} s)"
        )


def public_base_url(config: Mapping) -> str | None:
    url = _text(config, "PUBLIC_BASE_URL")
    if url and not url.startswith(("http://", "https://")):
        raise BadSetting("PUBLIC_BASE_URL must be an http:// or https:// URL")
    return url.rstrip("/") if url else None


def _text(config: Mapping, name: str) -> str | None:
    value = config.get(name)
    return None if value is None or value == "" else str(value)


def _flag(config: Mapping, name: str) -> bool:
    value = config.get(name)
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise BadSetting(f"{name} must be true or false, not {value!r}")


def _port(config: Mapping, name: str, default: int) -> int:
    text = _text(config, name)
    if text is None:
        return default
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise BadSetting(f"{name} must be a port number, not {text!r}")
    return int(text)


def _number(config: Mapping, name: str, default: float, low: float, high: float, whole: bool = False) -> float:
    text = _text(config, name)
    if text is None:
        return default
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not low <= number <= high or (whole and not number.is_integer()):
        kind = "a whole number" if whole else "a number"
        raise BadSetting(f"{name} must be {kind} from {low:g} to {high:g}, not {text!r}")
    return number


def _seconds(config: Mapping, name: str, default: float) -> float:
    text = _text(config, name)
    if text is None:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 300:
        raise BadSetting(f"{name} must be a number of seconds from 0 to 300, not {text!r}")
    return seconds
