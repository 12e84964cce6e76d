"""Reading and changing a company's online booking settings, and checking a client's contact details."""

from dataclasses import asdict

from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from scheduling.domain.online_booking import (
    HIDDEN,
    LAST_MINUTE,
    OnlineBookingRules,
    contact_problems,
    settings_problems,
    timing_problems,
)
from scheduling.handlers import lookups
from scheduling.handlers.schedules import SCHEDULES
from scheduling.models import Company, OnlineBookingSettings

_TIMING = ("display_interval_minutes", "search_from_minute", "search_until_minute")


def get_settings(uow: UnitOfWork, company_id: int) -> dict:
    with uow:
        company = lookups.company(uow.session, company_id)
        return _as_dict(company, uow.session.get(OnlineBookingSettings, company_id))


def online_rules(uow: UnitOfWork, company_id: int) -> OnlineBookingRules:
    with uow:
        return SCHEDULES.get(uow.session, company_id).rules


def update_settings(uow: UnitOfWork, company_id: int, changes: dict) -> dict:
    """Apply a partial change; InvalidInput names each setting that contradicts another."""
    with uow:
        session = uow.session
        company = lookups.company(session, company_id)
        settings = session.get(OnlineBookingSettings, company_id) or _defaults(company_id)
        if changes.get("online_staff_member_id") is not None:  # checked before the settings change (autoflush)
            try:
                lookups.require_staff_member(session, company_id, changes["online_staff_member_id"])
            except NotFound:
                raise InvalidInput.field("online_staff_member_id", "No such staff member.") from None
        if "search_interval_minutes" in changes:
            company.slot_step_minutes = changes.pop("search_interval_minutes")
        for name, value in changes.items():
            setattr(settings, name, value)
        problems = settings_problems(
            _rules(settings), company.last_name_field_enabled, company.middle_name_field_enabled
        )
        problems.update(
            timing_problems({"search_from": settings.search_from_minute, "search_until": settings.search_until_minute})
        )
        if problems:
            raise InvalidInput("invalid online booking settings", problems)
        session.add(settings)
        uow.commit()
        return _as_dict(company, settings)


def hide_disabled_name_fields(uow: UnitOfWork, company: Company) -> None:
    """A name field the calendar stops showing can no longer be asked for online."""
    settings = uow.session.get(OnlineBookingSettings, company.id)
    if settings is None:
        return
    if not company.last_name_field_enabled:
        settings.last_name_field = HIDDEN
    if not company.middle_name_field_enabled:
        settings.middle_name_field = HIDDEN


def check_contact(uow: UnitOfWork, company_id: int, contact: dict) -> OnlineBookingRules:
    """The rules, if the contact details meet the required and hidden fields; else InvalidInput."""
    rules = online_rules(uow, company_id)
    problems = contact_problems(rules, contact)
    if problems:
        raise InvalidInput("missing or unexpected contact details", problems)
    return rules


def _defaults(company_id: int) -> OnlineBookingSettings:
    return OnlineBookingSettings(
        company_id=company_id,
        display_interval_minutes=None,
        search_from_minute=0,
        search_until_minute=LAST_MINUTE,
        **asdict(OnlineBookingRules()),
    )


def _rules(settings: OnlineBookingSettings) -> OnlineBookingRules:
    return OnlineBookingRules(**{name: getattr(settings, name) for name in asdict(OnlineBookingRules())})


def _as_dict(company: Company, settings: OnlineBookingSettings | None) -> dict:
    settings = settings or _defaults(company.id)
    return {
        "search_interval_minutes": company.slot_step_minutes,
        **{name: getattr(settings, name) for name in _TIMING},
        **asdict(_rules(settings)),
        "last_name_field_enabled": company.last_name_field_enabled,
        "middle_name_field_enabled": company.middle_name_field_enabled,
    }
