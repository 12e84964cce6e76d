"""The SMS providers: a real one over HTTP, and one for development that keeps every message
in this service's database (table dev_sms_messages) instead of sending it."""

from datetime import UTC, datetime

import requests
from sqlalchemy.orm import sessionmaker

from notifications.domain.channels import DeliveryFailed, SmsProvider
from notifications.models import DevelopmentSms
from notifications.settings import SmsSettings


class HttpSmsProvider:
    """POSTs {"to", "text", "from"} as JSON; any 2xx answer means the provider took it."""

    def __init__(self, settings: SmsSettings):
        self.url, self.sender, self.timeout = settings.http_url, settings.sender, settings.timeout_seconds
        self.auth = (settings.http_username, settings.http_password or "") if settings.http_username else None
        self.headers = {"Authorization": f"Bearer {settings.http_token}"} if settings.http_token else {}

    def send(self, phone: str, text: str, key: str | None = None) -> str | None:
        headers = {**self.headers, "Idempotency-Key": key} if key else self.headers
        try:
            response = requests.post(
                self.url,
                json={"to": phone, "text": text, "from": self.sender},
                auth=self.auth,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as problem:
            raise DeliveryFailed(f"SMS provider unreachable: {problem}") from None
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(
                f"SMS provider answered {response.status_code}: {response.text[:500]}",
                permanent=_refused_for_good(response.status_code),
            )
        return _message_id(response)


def _refused_for_good(status: int) -> bool:
    """A 4xx refuses the message itself (a bad number, say), except a timeout or a rate limit."""
    return 400 <= status < 500 and status not in (408, 409, 425, 429)


def _message_id(response: requests.Response) -> str | None:
    """The provider's id for the message, where its answer names one."""
    try:
        answer = response.json()
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    for key in ("id", "message_id", "messageId"):
        if answer.get(key) not in (None, ""):
            return str(answer[key])[:255]
    return None


class DevelopmentSmsProvider:
    """Delivers at once, into dev_sms_messages, where developers read what a client would get."""

    def __init__(self, sessions: sessionmaker, sender: str):
        self.sessions, self.sender = sessions, sender

    def send(self, phone: str, text: str, key: str | None = None) -> str:
        with self.sessions() as session:
            sms = DevelopmentSms(phone=phone, sender=self.sender, text=text, created_at=datetime.now(UTC))
            session.add(sms)
            session.commit()
            return f"dev-{sms.id}"


def sms_provider_for(settings: SmsSettings, sessions: sessionmaker | None) -> SmsProvider:
    if settings.provider == "http":
        return HttpSmsProvider(settings)
    return DevelopmentSmsProvider(sessions, settings.sender)
