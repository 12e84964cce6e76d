"""The scheduling service's entrypoints: validate, call a handler, dump the result."""

import logging
import os

from marshmallow import ValidationError
from nameko.timer import timer

from salon_infra.dependencies import Database, HealthChecks, TimedRpcProxy
from salon_infra.errors import InvalidInput
from salon_infra.nameko import batch_event_handler, rpc
from salon_infra.validation import load
from scheduling.domain import busy
from scheduling.handlers import busy_times, calendar, hours, online_booking, services, slots, staff
from scheduling.handlers import company as company_handlers
from scheduling.schemas import calendar as calendar_schemas
from scheduling.schemas import common, events
from scheduling.schemas import company as company_schemas
from scheduling.schemas import hours as hours_schemas
from scheduling.schemas import online_booking as online_schemas
from scheduling.schemas import services as service_schemas
from scheduling.schemas import slots as slot_schemas
from scheduling.schemas import staff as staff_schemas

log = logging.getLogger(__name__)

COMPANY_ID = common.CompanyIdSchema()
CREATE_COMPANY = company_schemas.CreateCompanySchema()
SIGNUP_KEY = company_schemas.SignupKeySchema()
COMPANY_CHANGES = company_schemas.CompanyChangesSchema()
COMPANY = company_schemas.CompanySchema()

LIST_STAFF = staff_schemas.ListStaffSchema()
STAFF_MEMBER_ID = staff_schemas.StaffMemberIdSchema()
NEW_STAFF_MEMBER = staff_schemas.NewStaffMemberSchema()
STAFF_MEMBER_CHANGES = staff_schemas.StaffMemberChangesSchema()
STAFF_MEMBER = staff_schemas.StaffMemberSchema()
STAFF = staff_schemas.StaffMemberSchema(many=True)

CATEGORY_ID = service_schemas.CategoryIdSchema()
CATEGORY_CHANGES = service_schemas.CategoryChangesSchema()
CATEGORY = service_schemas.CategorySchema()
CATEGORIES = service_schemas.CategorySchema(many=True)
LIST_SERVICES = service_schemas.ListServicesSchema()
SERVICE_ID = service_schemas.ServiceIdSchema()
NEW_SERVICE = service_schemas.NewServiceSchema()
SERVICE_CHANGES = service_schemas.ServiceChangesSchema()
SERVICE = service_schemas.ServiceSchema()
SERVICES = service_schemas.ServiceSchema(many=True)

WEEKLY_HOURS = hours_schemas.WeeklyHoursSchema()
DATE_OVERRIDE_KEY = hours_schemas.DateOverrideKeySchema()
DATE_OVERRIDE = hours_schemas.DateOverrideSchema()
WORKING_HOURS = hours_schemas.WorkingHoursSchema()

FIND_SLOTS = slot_schemas.FindSlotsSchema()
QUOTE_QUERY = slot_schemas.QuoteQuerySchema()
QUOTES = slot_schemas.QuotesSchema()
CALENDAR_DAY_QUERY = calendar_schemas.CalendarDayQuerySchema()
CALENDAR_DAYS_QUERY = calendar_schemas.CalendarDaysQuerySchema()

ONLINE_SETTINGS = online_schemas.SettingsSchema()
ONLINE_SETTINGS_CHANGES = online_schemas.SettingsSchema()
PUBLIC_SETTINGS = online_schemas.PublicSettingsSchema()
CONTACT = online_schemas.ContactSchema()

BUSY_CHECK_SECONDS = float(os.environ.get("BUSY_CHECK_SECONDS") or 3600)

BUSY_EVENTS = {  # kind: the envelope's schema, where the record is in its data, the record's busy copy
    busy.APPOINTMENT: (events.AppointmentEventSchema(), "appointment", busy.appointment_copy),
    busy.GROUP_EVENT: (events.GroupEventEventSchema(), "group_event", busy.group_event_copy),
    busy.BREAK: (events.BreakEventSchema(), "break_", busy.break_copy),
}


def _fields(name: str, value) -> dict:
    """A dict argument; anything else is InvalidInput on `name`."""
    if not isinstance(value, dict):
        raise InvalidInput.field(name, "Must be an object.")
    return value


class SchedulingService(HealthChecks):
    name = "scheduling"
    uow = Database("scheduling")
    bookings = TimedRpcProxy("bookings")  # its records, for the busy-time copy's resync

    # ---------------------------------------------------------------- the company
    # Its users, roles and rights are the accounts service's, which signs a salon up through
    # create_company (under its signup's key) and undoes a signup it could not finish with discard_company.

    @rpc
    def create_company(self, company, signup_key=None):
        """A new company; the same `signup_key` again gives the company made under it."""
        command = load(CREATE_COMPANY, {"company": company, "signup_key": signup_key})
        return COMPANY.dump(company_handlers.create_company(self.uow, command["company"], command["signup_key"]))

    @rpc
    def discard_company(self, signup_key):
        """Undo a signup: the company made under `signup_key`, which nobody can have used, goes."""
        command = load(SIGNUP_KEY, {"signup_key": signup_key})
        return {"discarded": company_handlers.discard_company(self.uow, command["signup_key"])}

    @rpc
    def identity_high_water(self):
        """{"roles": n, "users": m}: the highest ids scheduling gave users and roles before they moved
        to the accounts service (migration 0007), which keeps its own ids above them; 0 if it had none."""
        return company_handlers.identity_high_water(self.uow)

    @rpc
    def get_company(self, company_id):
        query = load(COMPANY_ID, {"company_id": company_id})
        return COMPANY.dump(company_handlers.get_company(self.uow, **query))

    @rpc
    def update_company(self, company_id, changes):
        query = load(COMPANY_ID, {"company_id": company_id})
        changes = load(COMPANY_CHANGES, _fields("changes", changes))
        return COMPANY.dump(company_handlers.update_company(self.uow, query["company_id"], changes))

    # ---------------------------------------------------------------- staff

    @rpc
    def list_staff(self, company_id, service_id=None, bookable_online=None, include_inactive=False):
        query = load(
            LIST_STAFF,
            {
                "company_id": company_id,
                "service_id": service_id,
                "bookable_online": bookable_online,
                "include_inactive": include_inactive,
            },
        )
        return STAFF.dump(staff.list_staff(self.uow, **query))

    @rpc
    def get_staff_member(self, company_id, staff_member_id):
        query = load(STAFF_MEMBER_ID, {"company_id": company_id, "staff_member_id": staff_member_id})
        return STAFF_MEMBER.dump(staff.get_staff_member(self.uow, **query))

    @rpc
    def create_staff_member(self, company_id, staff_member):
        query = load(COMPANY_ID, {"company_id": company_id})
        new = load(NEW_STAFF_MEMBER, _fields("staff_member", staff_member))
        return STAFF_MEMBER.dump(staff.create_staff_member(self.uow, query["company_id"], new))

    @rpc
    def update_staff_member(self, company_id, staff_member_id, changes):
        query = load(STAFF_MEMBER_ID, {"company_id": company_id, "staff_member_id": staff_member_id})
        changes = load(STAFF_MEMBER_CHANGES, _fields("changes", changes))
        return STAFF_MEMBER.dump(staff.update_staff_member(self.uow, **query, changes=changes))

    # ---------------------------------------------------------------- services

    @rpc
    def list_service_categories(self, company_id):
        query = load(COMPANY_ID, {"company_id": company_id})
        return CATEGORIES.dump(services.list_service_categories(self.uow, **query))

    @rpc
    def create_service_category(self, company_id, category):
        query = load(COMPANY_ID, {"company_id": company_id})
        new = load(CATEGORY_CHANGES, _fields("category", category))
        return CATEGORY.dump(services.create_service_category(self.uow, query["company_id"], new))

    @rpc
    def update_service_category(self, company_id, category_id, changes):
        query = load(CATEGORY_ID, {"company_id": company_id, "category_id": category_id})
        changes = load(CATEGORY_CHANGES, _fields("changes", changes))
        return CATEGORY.dump(services.update_service_category(self.uow, **query, changes=changes))

    @rpc
    def list_services(self, company_id, bookable_online=None, include_inactive=False):
        query = load(
            LIST_SERVICES,
            {"company_id": company_id, "bookable_online": bookable_online, "include_inactive": include_inactive},
        )
        return SERVICES.dump(services.list_services(self.uow, **query))

    @rpc
    def get_service(self, company_id, service_id):
        query = load(SERVICE_ID, {"company_id": company_id, "service_id": service_id})
        return SERVICE.dump(services.get_service(self.uow, **query))

    @rpc
    def create_service(self, company_id, service):
        query = load(COMPANY_ID, {"company_id": company_id})
        new = load(NEW_SERVICE, _fields("service", service))
        return SERVICE.dump(services.create_service(self.uow, query["company_id"], new))

    @rpc
    def update_service(self, company_id, service_id, changes):
        query = load(SERVICE_ID, {"company_id": company_id, "service_id": service_id})
        changes = load(SERVICE_CHANGES, _fields("changes", changes))
        return SERVICE.dump(services.update_service(self.uow, **query, changes=changes))

    # ---------------------------------------------------------------- working hours

    @rpc
    def get_working_hours(self, company_id, staff_member_id):
        query = load(STAFF_MEMBER_ID, {"company_id": company_id, "staff_member_id": staff_member_id})
        return WORKING_HOURS.dump(hours.get_working_hours(self.uow, **query))

    @rpc
    def set_weekly_hours(self, company_id, staff_member_id, weekly):
        command = load(WEEKLY_HOURS, {"company_id": company_id, "staff_member_id": staff_member_id, "weekly": weekly})
        return WORKING_HOURS.dump(hours.set_weekly_hours(self.uow, **command))

    @rpc
    def set_date_override(self, company_id, staff_member_id, date, shifts, breaks):
        key = load(DATE_OVERRIDE_KEY, {"company_id": company_id, "staff_member_id": staff_member_id, "date": date})
        override = load(DATE_OVERRIDE, {"date": date, "shifts": shifts, "breaks": breaks})
        return DATE_OVERRIDE.dump(
            hours.set_date_override(self.uow, key["company_id"], key["staff_member_id"], key["date"], override["plan"])
        )

    @rpc
    def delete_date_override(self, company_id, staff_member_id, date):
        key = load(DATE_OVERRIDE_KEY, {"company_id": company_id, "staff_member_id": staff_member_id, "date": date})
        hours.delete_date_override(self.uow, key["company_id"], key["staff_member_id"], key["date"])

    # ---------------------------------------------------------------- slots, quotes, calendar

    @rpc
    def find_slots(self, company_id, query):
        """The answer is built by slot_days_json, not a schema: this is the hot path."""
        query = load(FIND_SLOTS, {**_fields("query", query), "company_id": company_id})
        found = slots.find_slots(self.uow, **query)
        return slot_schemas.slot_days_json(found.tz, found.step_minutes, found.days)

    @rpc
    def quote_appointment(self, company_id, query):
        query = load(QUOTE_QUERY, {**_fields("query", query), "company_id": company_id})
        return QUOTES.dump(slots.quote_appointment(self.uow, **query))

    # ---------------------------------------------------------------- online booking settings

    @rpc
    def get_online_booking_settings(self, company_id):
        query = load(COMPANY_ID, {"company_id": company_id})
        return ONLINE_SETTINGS.dump(online_booking.get_settings(self.uow, query["company_id"]))

    @rpc
    def update_online_booking_settings(self, company_id, changes):
        query = load(COMPANY_ID, {"company_id": company_id})
        changes = load(ONLINE_SETTINGS_CHANGES, _fields("changes", changes))
        return ONLINE_SETTINGS.dump(online_booking.update_settings(self.uow, query["company_id"], changes))

    @rpc
    def get_online_booking_rules(self, company_id):
        """What the widget shows and the rules bookings applies to client changes."""
        query = load(COMPANY_ID, {"company_id": company_id})
        return PUBLIC_SETTINGS.dump(online_booking.online_rules(self.uow, query["company_id"]))

    @rpc
    def check_online_contact(self, company_id, contact):
        """The rules, or InvalidInput naming each required field left empty and hidden one filled in."""
        contact = load(CONTACT, {**_fields("contact", contact), "company_id": company_id})
        return PUBLIC_SETTINGS.dump(online_booking.check_contact(self.uow, contact.pop("company_id"), contact))

    @rpc
    def calendar_day(self, company_id, date):
        """Every active staff member on one day; calendar_days for one day, shaped as before."""
        query = load(CALENDAR_DAY_QUERY, {"company_id": company_id, "date": date})
        day = query["date"]
        return calendar_schemas.calendar_day_json(calendar.calendar_days(self.uow, query["company_id"], day, day))

    @rpc
    def calendar_days(self, company_id, query):
        """The day view (every staff member, one day) and the week view (one staff member, 7 days).
        The answer is built by calendar_days_json, not a schema: the day view is benchmarked."""
        query = load(CALENDAR_DAYS_QUERY, {**_fields("query", query), "company_id": company_id})
        return calendar_schemas.calendar_days_json(calendar.calendar_days(self.uow, **query))

    # ---------------------------------------------------------------- events

    # ---------------------------------------------------------------- the busy-time copy: resync and drift

    @rpc
    def resync_busy_times(self, company_id):
        """Rebuild the company's copy of busy times from bookings' records: {records, changed}."""
        query = load(COMPANY_ID, {"company_id": company_id})
        company_handlers.get_company(self.uow, **query)  # NotFound for no such company
        return busy_times.resync(
            self.uow, query["company_id"], self.bookings.list_busy_records, busy_times.resync_window_start()
        )

    @rpc
    def check_busy_times(self, company_id):
        """Whether the company's copy differs from bookings' records: {drift, ours, bookings}."""
        query = load(COMPANY_ID, {"company_id": company_id})
        company_handlers.get_company(self.uow, **query)
        return busy_times.check_drift(
            self.uow, query["company_id"], self.bookings.busy_digest, busy_times.resync_window_start()
        )

    @timer(interval=BUSY_CHECK_SECONDS)
    def check_busy_copies(self):
        """Every company's copy against bookings' records, by one replica at a time; drift is
        logged and repaired. An event lost on its way cannot leave slot search wrong for long."""
        busy_times.check_all_companies(self.uow, self.bookings.busy_digest, self.bookings.list_busy_records)

    # Each keeps busy_times in step with bookings, taking the events that arrive together in one
    # statement. A malformed event is logged and dropped: requeueing it would only fail again.
    # Database errors requeue the batch.

    @batch_event_handler("bookings", "appointment_created", requeue_on_error=True)
    @batch_event_handler("bookings", "appointment_rescheduled", requeue_on_error=True)
    @batch_event_handler("bookings", "appointment_cancelled", requeue_on_error=True)
    @batch_event_handler("bookings", "appointment_deleted", requeue_on_error=True)
    @batch_event_handler("bookings", "appointment_changed", requeue_on_error=True)
    def on_appointment_changed(self, payloads):
        self._copy_busy_times(busy.APPOINTMENT, payloads)

    @batch_event_handler("bookings", "group_event_created", requeue_on_error=True)
    @batch_event_handler("bookings", "group_event_changed", requeue_on_error=True)
    @batch_event_handler("bookings", "group_event_cancelled", requeue_on_error=True)
    def on_group_event_changed(self, payloads):
        self._copy_busy_times(busy.GROUP_EVENT, payloads)

    @batch_event_handler("bookings", "break_added", requeue_on_error=True)
    @batch_event_handler("bookings", "break_removed", requeue_on_error=True)
    def on_break_changed(self, payloads):
        self._copy_busy_times(busy.BREAK, payloads)

    def _copy_busy_times(self, kind: str, payloads: list) -> None:
        schema, record, copy_of = BUSY_EVENTS[kind]
        copies = []
        for payload in payloads:
            try:
                event = schema.load(payload)
            except ValidationError as problem:
                log.error("dropping malformed %s event %r: %s", kind, payload, problem)
                continue
            copies.append((event["company_id"], copy_of(event["data"][record])))
        busy_times.record_busy_times(self.uow, copies)
