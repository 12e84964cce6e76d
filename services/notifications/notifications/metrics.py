"""The notifications service's own metrics (its workers' timings come from salon_infra.nameko)."""

from prometheus_client import Counter

from notifications.domain.channels import CHANNELS, DeliveryFailed
from salon_infra.metrics import Children

REJECTED = "rejected"  # the provider refused it for good (a bad number, an address refused)
TEMPORARY = "temporary"  # unreachable, timed out, or refused for now: tried again with backoff
NOT_CONFIGURED = "not_configured"  # no SMTP_HOST, say
DAILY_CAP = "daily_cap"  # the company has sent its messages of the channel for today
INTERRUPTED = "interrupted"  # an unexpected error mid hand-over: tried again when its lease ends
REASONS = (REJECTED, TEMPORARY, NOT_CONFIGURED, DAILY_CAP, INTERRUPTED)

FAILURES = Counter(
    "salon_notification_failures",
    "Messages not handed over, by channel (sms, email) and reason class (rejected, temporary, not_configured, "
    "daily_cap, interrupted); one count per attempt",
    ["channel", "reason"],
)
_failures = Children(FAILURES)
for _channel in CHANNELS:  # every series from zero
    for _reason in REASONS:
        _failures(_channel, _reason)


def reason_of(problem: DeliveryFailed) -> str:
    if problem.not_configured:
        return NOT_CONFIGURED
    return REJECTED if problem.permanent else TEMPORARY


def count_failure(channel: str, reason: str | DeliveryFailed) -> None:
    _failures(channel, reason if isinstance(reason, str) else reason_of(reason)).inc()
