"""The ways a message leaves the salon, as the domain sees them."""

from dataclasses import dataclass
from typing import Protocol

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)

SUBJECT_MAX_LENGTH = 200

PENDING = "pending"
SENT = "sent"
FAILED = "failed"


class DeliveryFailed(Exception):
    """The provider did not take the message; the reason is recorded with it."""


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> str | None:
        """Hand the SMS to the provider; its id for the message, if it gives one."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str) -> str | None:
        """Hand the email to the mail server; its Message-ID."""


@dataclass(frozen=True)
class Outgoing:
    """A message to send: to a phone (SMS) or an email address."""

    channel: str
    recipient: str
    body: str
    purpose: str
    subject: str | None = None


@dataclass(frozen=True)
class Postbox:
    """The channels at hand: always an SMS provider; a mailer only where SMTP is configured."""

    sms: SmsProvider
    mailer: Mailer | None = None

    def channels(self) -> tuple[str, ...]:
        return CHANNELS if self.mailer else (SMS,)
