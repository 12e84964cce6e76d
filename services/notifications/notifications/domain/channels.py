"""The ways a message leaves the salon, as the domain sees them."""

from dataclasses import dataclass
from typing import Protocol

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)

SUBJECT_MAX_LENGTH = 200
SENSITIVE_PURPOSES = ("phone_code",)  # sensitive whatever the caller says

PENDING = "pending"
SENT = "sent"
FAILED = "failed"


class DeliveryFailed(Exception):
    """The provider did not take the message. Its text is the provider's reason, for the logs and
    the internal column only. `permanent`: trying again would be refused the same way (a bad
    number, a rejected address); otherwise the message is tried again later."""

    def __init__(self, reason: str, *, permanent: bool = False, not_configured: bool = False):
        super().__init__(reason)
        self.permanent, self.not_configured = permanent or not_configured, not_configured


class SmsProvider(Protocol):
    def send(self, phone: str, text: str, key: str | None = None) -> str | None:
        """Hand the SMS to the provider; its id for the message, if it gives one. `key` is the
        same for every attempt at one message, for providers that drop a repeated one."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, text: str, key: str | None = None) -> str | None:
        """Hand the email to the mail server; its Message-ID (from `key`, the same for every attempt)."""


@dataclass(frozen=True)
class Outgoing:
    """A message to send: to a phone (SMS) or an email address."""

    channel: str
    recipient: str
    body: str
    purpose: str
    subject: str | None = None
    sensitive: bool = False  # it carries a one-time code: its text is sent, never stored


@dataclass(frozen=True)
class Postbox:
    """The channels at hand: always an SMS provider; a mailer only where SMTP is configured."""

    sms: SmsProvider
    mailer: Mailer | None = None
    development_inbox: bool = False  # SMS go to the development provider's inbox, not to phones

    def channels(self) -> tuple[str, ...]:
        return CHANNELS if self.mailer else (SMS,)
