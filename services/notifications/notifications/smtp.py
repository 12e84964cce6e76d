"""Email over SMTP, with smtplib (green under nameko's eventlet)."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from notifications.domain.channels import DeliveryFailed
from notifications.settings import SmtpSettings


class SmtpMailer:
    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        # Naming the domain spares make_msgid a DNS lookup of this host's name on every send.
        self.domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"

    def send(self, to: str, subject: str, text: str, key: str | None = None) -> str:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        # One Message-ID for every attempt at a message, so a mail system can tell a repeat.
        message["Message-ID"] = f"<{key}@{self.domain}>" if key else make_msgid(domain=self.domain)
        message.set_content(text)
        try:
            self._deliver(message)
        except (smtplib.SMTPException, OSError, UnicodeError) as problem:
            raise DeliveryFailed(
                f"SMTP {self.settings.host}:{self.settings.port}: {problem}", permanent=_refused_for_good(problem)
            ) from None
        return message["Message-ID"]

    def _deliver(self, message: EmailMessage) -> None:
        settings = self.settings
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)


def _refused_for_good(problem: Exception) -> bool:
    """A 5xx answer to the sender, the recipient or the message: it would be refused again."""
    if isinstance(problem, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in problem.recipients.values())
    if isinstance(problem, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return problem.smtp_code >= 500
    return isinstance(problem, UnicodeError)


def mailer_for(settings: SmtpSettings) -> SmtpMailer | None:
    return SmtpMailer(settings) if settings.host else None
