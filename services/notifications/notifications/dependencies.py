"""Nameko dependencies of the notifications service: its channels, and its public address."""

from nameko.extensions import DependencyProvider

from notifications import settings
from notifications.domain.channels import Postbox
from notifications.sms import sms_provider_for
from notifications.smtp import mailer_for
from salon_infra.dependencies import Database


class Channels(DependencyProvider):
    """The Postbox: the SMS provider chosen by SMS_PROVIDER, and a mailer where SMTP_HOST is set.

    The development SMS provider writes to the service's own database, through the sessions of
    the service's Database dependency."""

    def setup(self):
        self.sms_settings = settings.sms_settings(self.container.config)
        self.mailer = mailer_for(settings.smtp_settings(self.container.config))

    def get_dependency(self, worker_ctx) -> Postbox:
        return Postbox(sms=sms_provider_for(self.sms_settings, self._database_sessions()), mailer=self.mailer)

    def _database_sessions(self):
        for extension in self.container.dependencies:
            if isinstance(extension, Database):
                return extension.sessions
        return None


class PublicBaseUrl(DependencyProvider):
    """Where clients reach the widget (PUBLIC_BASE_URL); None when not configured."""

    def setup(self):
        self.url = settings.public_base_url(self.container.config)

    def get_dependency(self, worker_ctx) -> str | None:
        return self.url
