"""Nameko dependencies of the notifications service: its channels, the rules its sends follow
(retries and daily caps), its public address, and the salons' profiles it writes messages in."""

import time
from collections.abc import Callable

from nameko.extensions import DependencyProvider

from notifications import settings
from notifications.domain.channels import Postbox
from notifications.domain.delivery import SendingRules
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
        return Postbox(
            sms=sms_provider_for(self.sms_settings, self._database_sessions()),
            mailer=self.mailer,
            development_inbox=self.sms_settings.provider == settings.DEVELOPMENT,
        )

    def _database_sessions(self):
        for extension in self.container.dependencies:
            if isinstance(extension, Database):
                return extension.sessions
        return None


class Sending(DependencyProvider):
    """The SendingRules: how messages are tried again (NOTIFICATION_*), and each company's daily
    caps (SMS_DAILY_CAP, EMAIL_DAILY_CAP). A hand-over's lease must outlast the channels' timeouts."""

    def setup(self):
        config = self.container.config
        self.rules = settings.sending_rules(config)
        settings.check_lease(self.rules, settings.sms_settings(config), settings.smtp_settings(config))

    def get_dependency(self, worker_ctx) -> SendingRules:
        return self.rules


class PublicBaseUrl(DependencyProvider):
    """Where clients reach the widget (PUBLIC_BASE_URL); None when not configured."""

    def setup(self):
        self.url = settings.public_base_url(self.container.config)

    def get_dependency(self, worker_ctx) -> str | None:
        return self.url


class CompanyProfiles(DependencyProvider):
    """Each salon's profile (name, time zone), kept a short while (COMPANY_CACHE_SECONDS, 60): every
    booking's confirmation needs it, and a salon renames itself rarely, so most messages ask nobody."""

    def setup(self):
        self.ttl = float(self.container.config.get("COMPANY_CACHE_SECONDS") or 60)
        self.kept: dict[int, tuple[float, dict]] = {}

    def get_dependency(self, worker_ctx) -> Callable[[int, Callable[[int], dict]], dict]:
        return self.get

    def get(self, company_id: int, load: Callable[[int], dict]) -> dict:
        kept = self.kept.get(company_id)
        if kept and kept[0] > time.monotonic():
            return kept[1]
        profile = load(company_id)
        self.kept[company_id] = (time.monotonic() + self.ttl, profile)
        return profile
