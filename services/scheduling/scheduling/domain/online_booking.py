"""A salon's online booking settings and the rules they impose on every widget or API booking.

Plain dataclasses and functions: the slot search, the quote and the contact-details check
call these, so each setting is enforced in one place.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta

OPTIONAL, REQUIRED, HIDDEN = "optional", "required", "hidden"
FIELD_MODES = (OPTIONAL, REQUIRED, HIDDEN)
DEFAULT_COMMENT_LABEL = "Appointment comment"
COMMENT_LABEL_MAX = 60
CUTOFF_STEP_MINUTES = 15
CUTOFF_MAX_MINUTES = 48 * 60
NO_PREPAYMENT, PREPAYMENT_REQUIRED = "none", "required"
PREPAYMENT_RULES = (NO_PREPAYMENT, PREPAYMENT_REQUIRED)
LAST_MINUTE = 23 * 60 + 59


@dataclass(frozen=True)
class SlotTiming:
    """Which start times the slot search tries (every `search_interval` minutes from local
    midnight, starting between `search_from` and `search_until`, minutes of the day,
    inclusive) and how densely it offers them (at most one per `display_interval`)."""

    search_interval: int
    display_interval: int
    search_from: int = 0
    search_until: int = LAST_MINUTE

    def allows_start(self, minute_of_day: int) -> bool:
        return minute_of_day % self.search_interval == 0 and self.search_from <= minute_of_day <= self.search_until


@dataclass(frozen=True)
class TimingOverride:
    """A staff member's or a service's own slot timing; None inherits."""

    search_interval: int | None = None
    display_interval: int | None = None
    search_from: int | None = None
    search_until: int | None = None


NO_OVERRIDE = TimingOverride()


def effective_timing(company: SlotTiming, staff: TimingOverride, services: Sequence[TimingOverride]) -> SlotTiming:
    """Per setting: the first service that sets it, else the staff member's, else the company's."""
    chosen = {}
    for setting in fields(TimingOverride):
        name = setting.name
        values = [getattr(service, name) for service in services] + [getattr(staff, name)]
        chosen[name] = next((value for value in values if value is not None), getattr(company, name))
    return replace(company, **chosen)


def timing_problems(timing: Mapping) -> dict[str, list[str]]:
    """A from/until pair in the wrong order; other limits are checked field by field."""
    start, end = timing.get("search_from"), timing.get("search_until")
    if start is not None and end is not None and start > end:
        return {"search_until": ["Must not be before search_from."]}
    return {}


@dataclass(frozen=True)
class OnlineBookingRules:
    """The company's online booking settings, with defaults for a company that set none."""

    buffer_minutes: int = 0
    change_cutoff_minutes: int = 0
    comment_field: str = OPTIONAL
    comment_label: str = DEFAULT_COMMENT_LABEL
    email_field: str = OPTIONAL
    last_name_field: str = HIDDEN
    middle_name_field: str = HIDDEN
    contact_step_message: str = ""
    any_specialist: bool = True
    online_staff_member_id: int | None = None
    sms_confirmation: bool = False
    push_confirmation: bool = False
    push_requires_login: bool = False
    online_payment: bool = False

    def earliest_start(self, now: datetime) -> datetime:
        """No online booking starts sooner than the buffer time after now."""
        return now + timedelta(minutes=self.buffer_minutes)

    def remembers_device(self) -> bool:
        """Push confirmation: the device is remembered (pushes even when signed out) unless
        the salon asks for phone confirmation through a signed-in app."""
        return self.push_confirmation and not self.push_requires_login


RULE_FIELDS = tuple(rule.name for rule in fields(OnlineBookingRules))


def settings_problems(
    rules: OnlineBookingRules, last_name_enabled: bool, middle_name_enabled: bool
) -> dict[str, list[str]]:
    """Settings that contradict the company's other settings."""
    problems = {}
    if rules.last_name_field != HIDDEN and not last_name_enabled:
        problems["last_name_field"] = ["Enable the Last name field in the appointment calendar settings first."]
    if rules.middle_name_field != HIDDEN and not middle_name_enabled:
        problems["middle_name_field"] = ["Enable the Middle name field in the appointment calendar settings first."]
    return problems


_CONTACT_FIELDS = (
    ("comment", "comment_field", "comment"),
    ("email", "email_field", "email"),
    ("last_name", "last_name_field", "last name"),
    ("middle_name", "middle_name_field", "middle name"),
)


def contact_problems(rules: OnlineBookingRules, contact: Mapping[str, str | None]) -> dict[str, list[str]]:
    """Required fields left empty, and hidden ones filled in, by field name."""
    problems = {}
    for key, setting, label in _CONTACT_FIELDS:
        mode = getattr(rules, setting)
        given = (contact.get(key) or "").strip()
        if mode == REQUIRED and not given:
            name = rules.comment_label if key == "comment" else label
            problems[key] = [f"{name} is required."]
        elif mode == HIDDEN and given:
            problems[key] = [f"This salon does not ask for a {label}."]
    return problems


def online_pool(rules: OnlineBookingRules, chosen: int | None) -> tuple[list[int] | None, str | None]:
    """Who an online booking may go to: ([staff ids] or None for the "any specialist" pool, problem).

    The salon's "employee for online booking" takes every online booking. Otherwise a
    client who chose nobody gets "any specialist", if the salon offers it.
    """
    if rules.online_staff_member_id is not None:
        return [rules.online_staff_member_id], None
    if chosen is not None:
        return [chosen], None
    if not rules.any_specialist:
        return [], "Choose a staff member: this salon does not offer any specialist."
    return None, None


def prepayment_required(
    rules: OnlineBookingRules, service_rules: Sequence[str], staff_rule: str, any_specialist: bool
) -> bool:
    """With online payment on, a service's rule always counts; the staff member's only when
    the client chose them (an "any specialist" booking applies the services' rules alone)."""
    if not rules.online_payment:
        return False
    if PREPAYMENT_REQUIRED in service_rules:
        return True
    return not any_specialist and staff_rule == PREPAYMENT_REQUIRED
