"""salon_notification_failures_total{channel, reason}: each message not handed over is counted
once per attempt, by the class of its reason, on a real database with real providers."""

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update
from test_handlers import RULES

from notifications import handlers, metrics
from notifications.domain.channels import DeliveryFailed, Postbox
from notifications.domain.delivery import SendingRules
from notifications.exceptions import DailyLimitReached
from notifications.models import SentMessage
from notifications.settings import SmsSettings
from notifications.sms import DevelopmentSmsProvider, HttpSmsProvider


@pytest.fixture(autouse=True)
def nothing_left_to_retry(sessions, company_id):
    """Messages these tests leave pending would be due for every other test's retry loop."""
    yield
    with sessions() as session:
        mine = SentMessage.company_id == company_id
        session.execute(update(SentMessage).where(mine).values(status="failed", next_attempt_at=None))
        session.commit()


def failures(channel: str, reason: str) -> float:
    return REGISTRY.get_sample_value("salon_notification_failures_total", {"channel": channel, "reason": reason})


class Counted:
    def __init__(self, channel: str, reason: str):
        self.channel, self.reason = channel, reason

    def __enter__(self):
        self.before = failures(self.channel, self.reason)
        return self

    @property
    def added(self) -> float:
        return failures(self.channel, self.reason) - self.before

    def __exit__(self, *exc_info):
        return False


def test_every_channel_and_reason_is_there_from_zero():
    for channel in ("sms", "email"):
        for reason in metrics.REASONS:
            assert failures(channel, reason) is not None


def test_a_provider_that_fails_for_now_counts_as_temporary(uow, sms_gateway, company_id):
    sms_gateway.status = 503
    postbox = Postbox(sms=HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url)))
    with Counted("sms", metrics.TEMPORARY) as temporary, Counted("sms", metrics.REJECTED) as rejected:
        handlers.send_sms(uow, postbox, RULES, company_id, "+4915111111111", "Hello", "reminder")
    assert (temporary.added, rejected.added) == (1, 0)


def test_a_provider_that_refuses_for_good_counts_as_rejected(uow, sms_gateway, company_id):
    sms_gateway.status = 400
    postbox = Postbox(sms=HttpSmsProvider(SmsSettings(provider="http", http_url=sms_gateway.url)))
    with Counted("sms", metrics.REJECTED) as rejected, Counted("sms", metrics.TEMPORARY) as temporary:
        handlers.send_sms(uow, postbox, RULES, company_id, "+4915111111111", "Hello", "reminder")
    assert (rejected.added, temporary.added) == (1, 0)


@pytest.fixture
def development_sms(sessions):
    return DevelopmentSmsProvider(sessions, "Lumiere")


def test_email_without_smtp_counts_as_not_configured(uow, development_sms, company_id):
    with Counted("email", metrics.NOT_CONFIGURED) as not_configured:
        handlers.send_email(uow, Postbox(sms=development_sms), RULES, company_id, "a@example.com", "Hi", "x", "test")
    assert not_configured.added == 1


def test_a_send_over_the_daily_cap_counts(uow, development_sms, company_id):
    capped = SendingRules(RULES.policy, {"sms": 1, "email": 1})
    postbox = Postbox(sms=development_sms)
    handlers.send_sms(uow, postbox, capped, company_id, "+4915111111111", "one", "reminder")
    with Counted("sms", metrics.DAILY_CAP) as capped_sends, pytest.raises(DailyLimitReached):
        handlers.send_sms(uow, postbox, capped, company_id, "+4915111111111", "two", "reminder")
    assert capped_sends.added == 1


def test_an_error_mid_hand_over_counts_as_interrupted(uow, company_id):
    class Broken:
        def send(self, phone, text, key=None):
            raise RuntimeError("a bug")

    with Counted("sms", metrics.INTERRUPTED) as interrupted:
        message = handlers.send_sms(uow, Postbox(sms=Broken()), RULES, company_id, "+4915111111111", "x", "reminder")
    assert (message.status, interrupted.added) == ("pending", 1)


@pytest.mark.parametrize(
    ("problem", "reason"),
    [
        (DeliveryFailed("timed out"), metrics.TEMPORARY),
        (DeliveryFailed("no such number", permanent=True), metrics.REJECTED),
        (DeliveryFailed("no SMTP_HOST", not_configured=True), metrics.NOT_CONFIGURED),
    ],
)
def test_reason_classes(problem, reason):
    assert metrics.reason_of(problem) == reason
