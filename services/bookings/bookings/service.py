"""The bookings service's RPC entrypoints: validate, call a handler, dump the result."""

import logging

from bookings import imports, metrics, repository
from bookings.handlers import (
    appointments,
    breaks,
    busy_records,
    calendar,
    group_events,
    overview,
    payments_copy,
    settings,
)
from bookings.schemas import (
    ActorOnlySchema,
    AppointmentSchema,
    BookSeatSchema,
    BreakSchema,
    BusyRecordsQuerySchema,
    CalendarQuerySchema,
    CancelSchema,
    CategorySchema,
    ClientsOfStaffMemberSchema,
    CreateAppointmentSchema,
    DeleteAppointmentsSchema,
    DeletionSchema,
    EditAppointmentSchema,
    ExtraFieldSchema,
    GroupEventChangesSchema,
    GroupEventQuerySchema,
    GroupEventSchema,
    GroupEventWithSeatsSchema,
    ImportAppointmentsSchema,
    LinkRescheduleSchema,
    LinkSchema,
    ListAppointmentsSchema,
    NewBreakSchema,
    NewGroupEventSchema,
    OverviewPageSchema,
    OverviewQuerySchema,
    RecordIdsSchema,
    RescheduleSchema,
    VisitStatusSchema,
)
from salon_infra.dependencies import Database, Days, HealthChecks, Secret, TimedRpcProxy
from salon_infra.errors import InvalidInput
from salon_infra.extra_fields import FieldDefinition
from salon_infra.nameko import event_handler, rpc
from salon_infra.validation import MAX_ID, load

APPOINTMENT = AppointmentSchema()
APPOINTMENTS = AppointmentSchema(many=True)
OVERVIEW_PAGE = OverviewPageSchema()
DELETION = DeletionSchema()
GROUP_EVENT = GroupEventSchema()
GROUP_EVENTS = GroupEventSchema(many=True)
WITH_SEATS = GroupEventWithSeatsSchema()
BREAK = BreakSchema()
CATEGORY = CategorySchema()
CATEGORIES = CategorySchema(many=True)
EXTRA_FIELD = ExtraFieldSchema()
EXTRA_FIELDS = ExtraFieldSchema(many=True)
CLIENT_ONLINE = "widget"
log = logging.getLogger(__name__)


def _object(name: str, value) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput.field(name, "Must be an object.")
    return value


class BookingsService(HealthChecks):
    name = "bookings"
    uow = Database("bookings")
    scheduling = TimedRpcProxy("scheduling")
    clients = TimedRpcProxy("clients")
    link_secret = Secret("BOOKING_LINK_SECRET")
    phone_token_secret = Secret("PHONE_TOKEN_SECRET")  # the gateway signs confirmed phones with it
    links_live_after_visit = Days("BOOKING_LINK_DAYS_AFTER_VISIT", default=30)

    # ---------------------------------------------------------------- appointments

    @rpc
    def create_appointment(self, company_id, appointment):
        company = self._company(company_id)
        command = load(CreateAppointmentSchema(), _object("appointment", appointment))
        booked = appointments.create_appointment(
            self.uow, self.scheduling.quote_appointment, self.link_secret, company, command,
            clients=self.clients, token_secret=self.phone_token_secret,
        )  # fmt: skip
        metrics.count_booking(booked, metrics.APPOINTMENT)
        return self._booked(booked)

    @rpc
    def edit_appointment(self, company_id, appointment_id, changes):
        """Service lines (add, remove, price, quantity, discount), length, comment, category, colour, extra fields."""
        ids = self._ids(company_id, appointment_id)
        command = load(EditAppointmentSchema(), _object("changes", changes))
        edited = appointments.edit_appointment(
            self.uow, self.scheduling.quote_appointment, ids["company_id"], ids["appointment_id"], command
        )
        return APPOINTMENT.dump(edited)

    @rpc
    def set_visit_status(self, company_id, appointment_id, change):
        ids = self._ids(company_id, appointment_id)
        command = load(VisitStatusSchema(), _object("change", change))
        return APPOINTMENT.dump(
            appointments.set_visit_status(self.uow, ids["company_id"], ids["appointment_id"], command)
        )

    @rpc
    def reschedule_appointment(self, company_id, appointment_id, change):
        ids = self._ids(company_id, appointment_id)
        command = load(RescheduleSchema(), _object("change", change))
        moved = appointments.reschedule_appointment(
            self.uow, self.scheduling.quote_appointment, self.link_secret, ids["company_id"], ids["appointment_id"],
            command,
        )  # fmt: skip
        return APPOINTMENT.dump(moved)

    @rpc
    def cancel_appointment(self, company_id, appointment_id, cancellation):
        ids = self._ids(company_id, appointment_id)
        command = load(CancelSchema(), _object("cancellation", cancellation))
        return APPOINTMENT.dump(
            appointments.cancel_appointment(self.uow, ids["company_id"], ids["appointment_id"], command)
        )

    @rpc
    def get_appointment(self, company_id, appointment_id):
        ids = self._ids(company_id, appointment_id)
        return APPOINTMENT.dump(appointments.get_appointment(self.uow, ids["company_id"], ids["appointment_id"]))

    @rpc
    def list_appointments(self, company_id, query):
        company = self._company(company_id)
        found = appointments.list_appointments(
            self.uow, company, load(ListAppointmentsSchema(), _object("query", query))
        )
        return APPOINTMENTS.dump(found)

    @rpc
    def list_overview(self, company_id, query):
        company = self._company(company_id)
        page = overview.list_overview(self.uow, company, load(OverviewQuerySchema(), _object("query", query)))
        return OVERVIEW_PAGE.dump(page)

    @rpc
    def delete_appointments(self, company_id, command):
        company = self._company(company_id)
        deletion = appointments.delete_appointments(
            self.uow, company, load(DeleteAppointmentsSchema(), _object("command", command))
        )
        return DELETION.dump(deletion)

    @rpc
    def import_appointments(self, company_id, command):
        """A calendar from a spreadsheet: {created, existing, problems}; all or nothing (see bookings.imports)."""
        company = self._company(company_id)
        result = imports.import_appointments(self.uow, company, load(ImportAppointmentsSchema(), command))
        metrics.count_imported(result)
        return result

    # ---------------------------------------------------------------- the calendar

    @rpc
    def calendar(self, company_id, query):
        """{appointments (not seats), group_events (each with its seats), breaks} of the period, with
        times in `timezone`. Built by calendar_json, not a schema: the day view is the hot path."""
        company = self._company(company_id)
        return calendar.calendar(self.uow, company, load(CalendarQuerySchema(), _object("query", query)))

    # ---------------------------------------------------------------- group events

    @rpc
    def create_group_event(self, company_id, group_event):
        company = self._company(company_id)
        command = load(NewGroupEventSchema(), _object("group_event", group_event))
        created = group_events.create_group_event(self.uow, self.scheduling.quote_appointment, company, command)
        return WITH_SEATS.dump(group_events.EventWithSeats(created, []))

    @rpc
    def get_group_event(self, company_id, group_event_id):
        company, event_id = self._company(company_id), self._id("group_event_id", group_event_id)
        return WITH_SEATS.dump(group_events.get_group_event(self.uow, company, event_id))

    @rpc
    def list_group_events(self, company_id, query):
        company = self._company(company_id)
        found = group_events.list_group_events(
            self.uow, company, load(GroupEventQuerySchema(), _object("query", query))
        )
        return GROUP_EVENTS.dump(found)

    @rpc
    def change_group_event(self, company_id, group_event_id, changes):
        company, event_id = self._company(company_id), self._id("group_event_id", group_event_id)
        command = load(GroupEventChangesSchema(), _object("changes", changes))
        return WITH_SEATS.dump(group_events.change_group_event(self.uow, company, event_id, command))

    @rpc
    def cancel_group_event(self, company_id, group_event_id, cancellation):
        company, event_id = self._company(company_id), self._id("group_event_id", group_event_id)
        command = load(ActorOnlySchema(), _object("cancellation", cancellation))
        cancelled = group_events.cancel_group_event(self.uow, company, event_id, command["actor"], command["reason"])
        return WITH_SEATS.dump(cancelled)

    @rpc
    def book_seat(self, company_id, group_event_id, seat):
        """A client's seat in a group event: {appointment, link_token, replayed}; NoFreeSeat when full."""
        company, event_id = self._company(company_id), self._id("group_event_id", group_event_id)
        command = load(BookSeatSchema(), _object("seat", seat))
        booked = group_events.book_seat(
            self.uow, self.link_secret, company, event_id, command, clients=self.clients,
            token_secret=self.phone_token_secret, check_contact=self.scheduling.check_online_contact,
        )  # fmt: skip
        metrics.count_booking(booked, metrics.SEAT)
        return self._booked(booked)

    # ---------------------------------------------------------------- breaks

    @rpc
    def add_break(self, company_id, break_):
        company = self._company(company_id)
        command = load(NewBreakSchema(), _object("break", break_))
        return BREAK.dump(breaks.add_break(self.uow, self.scheduling.get_staff_member, company, command))

    @rpc
    def get_break(self, company_id, break_id):
        company, found = self._company(company_id), self._id("break_id", break_id)
        return BREAK.dump(breaks.get_break(self.uow, company, found))

    @rpc
    def remove_break(self, company_id, break_id, actor):
        company, found = self._company(company_id), self._id("break_id", break_id)
        who = load(ActorOnlySchema(), {"actor": actor})["actor"]
        return BREAK.dump(breaks.remove_break(self.uow, company, found, who))

    # ---------------------------------------------------------------- categories and extra fields

    @rpc
    def list_categories(self, company_id):
        return CATEGORIES.dump(settings.list_categories(self.uow, self._company(company_id)))

    @rpc
    def create_category(self, company_id, category):
        company = self._company(company_id)
        new = load(CategorySchema(), _object("category", category))
        return CATEGORY.dump(settings.create_category(self.uow, company, new["title"], new["colour"]))

    @rpc
    def update_category(self, company_id, category_id, changes):
        company, found = self._company(company_id), self._id("category_id", category_id)
        changes = load(CategorySchema(partial=True), _object("changes", changes))
        return CATEGORY.dump(settings.update_category(self.uow, company, found, changes))

    @rpc
    def delete_category(self, company_id, category_id):
        settings.delete_category(self.uow, self._company(company_id), self._id("category_id", category_id))

    @rpc
    def list_extra_fields(self, company_id):
        return EXTRA_FIELDS.dump(settings.list_extra_fields(self.uow, self._company(company_id)))

    @rpc
    def create_extra_field(self, company_id, extra_field):
        company = self._company(company_id)
        new = load(ExtraFieldSchema(), _object("extra_field", extra_field))
        definition = FieldDefinition(new["code"], new["title"], new["type"], new["required"], tuple(new["options"]))
        return EXTRA_FIELD.dump(settings.create_extra_field(self.uow, company, definition))

    @rpc
    def update_extra_field(self, company_id, code, changes):
        company = self._company(company_id)
        changes = load(ExtraFieldSchema(partial=True, exclude=("code",)), _object("changes", changes))
        return EXTRA_FIELD.dump(settings.update_extra_field(self.uow, company, str(code), changes))

    @rpc
    def delete_extra_field(self, company_id, code):
        settings.delete_extra_field(self.uow, self._company(company_id), str(code))

    # ---------------------------------------------------------------- the client's own link

    @rpc
    def get_appointment_by_link(self, token):
        return APPOINTMENT.dump(self._by_link(token))

    @rpc
    def reschedule_by_link(self, token, change):
        """A client moves their own booking: online rules apply (working hours, slot grid, the cutoff)."""
        appointment = self._client_may_change(token)
        starts_at = load(LinkRescheduleSchema(), _object("change", change))["starts_at"]
        command = RescheduleSchema().load({"starts_at": starts_at.isoformat(), "source": CLIENT_ONLINE,
                                           "actor": {"kind": "client", "id": appointment.client_id}})  # fmt: skip
        moved = appointments.reschedule_appointment(
            self.uow, self.scheduling.quote_appointment, self.link_secret, appointment.company_id, appointment.id,
            command,
        )  # fmt: skip
        return APPOINTMENT.dump(moved)

    @rpc
    def cancel_by_link(self, token):
        appointment = self._client_may_change(token)
        command = CancelSchema().load({"actor": {"kind": "client", "id": appointment.client_id}})
        return APPOINTMENT.dump(appointments.cancel_appointment(self.uow, appointment.company_id, appointment.id,
                                                                command))  # fmt: skip

    def _client_may_change(self, token):
        appointment = self._by_link(token)
        rules = self.scheduling.get_online_booking_rules(appointment.company_id)
        appointments.check_client_change(appointment, rules["change_cutoff_minutes"])
        return appointment

    def _by_link(self, token):
        token = load(LinkSchema(), {"token": token})["token"]
        return appointments.appointment_by_link(self.uow, self.link_secret, token, self.links_live_after_visit)

    @rpc
    def clients_of_staff_member(self, company_id, staff_member_id, client_ids):
        """Which of the clients have (or had) an appointment with the staff member: the clients a
        user who sees only that staff member's column of the calendar may read."""
        query = load(ClientsOfStaffMemberSchema(), {"company_id": company_id, "staff_member_id": staff_member_id,
                                                    "client_ids": client_ids})  # fmt: skip
        with self.uow as uow:
            return repository.clients_of_staff_member(uow.session, **query)

    # ---------------------------------------------------------------- scheduling's copy of busy times

    @rpc
    def list_busy_records(self, company_id, query):
        """A page of one kind's records for scheduling's resync: {records, next_after_id}."""
        query = load(BusyRecordsQuerySchema(), {**_object("query", query), "company_id": company_id})
        if "kind" not in query:
            raise InvalidInput.field("kind", "Missing data for required field.")
        return busy_records.busy_records(self.uow, **query)

    @rpc
    def busy_digest(self, company_id, query):
        """{kind: {count, versions}} of the records ending after `ends_after`, for the drift check."""
        query = load(BusyRecordsQuerySchema(only=("company_id", "ends_after")),
                     {**_object("query", query), "company_id": company_id})  # fmt: skip
        return busy_records.busy_digest(self.uow, query["company_id"], query["ends_after"])

    # ---------------------------------------------------------------- payments' events

    @event_handler("payments", "bill_changed", requeue_on_error=True)
    def on_bill_changed(self, payload):
        """payments' copy of the visit's bill: paid and sold, for "paid in full" (handlers/payments_copy).
        A malformed event is logged and dropped; database errors requeue it."""
        try:
            company_id = load(RecordIdsSchema(), {"company_id": payload["company_id"]})["company_id"]
            bill = load(payments_copy.BillCopySchema(), payload["data"]["bill"])
        except (InvalidInput, KeyError, TypeError) as problem:
            log.error("dropping a malformed bill_changed event %r: %s", payload, problem)
            return
        payments_copy.record_bill(self.uow, company_id, bill)

    # ---------------------------------------------------------------- internals

    @staticmethod
    def _company(company_id) -> int:
        return load(RecordIdsSchema(), {"company_id": company_id})["company_id"]

    @staticmethod
    def _id(name: str, value) -> int:
        if type(value) is not int or not 1 <= value <= MAX_ID:
            raise InvalidInput.field(name, "Not a record id.")
        return value

    @staticmethod
    def _ids(company_id, appointment_id) -> dict:
        return load(RecordIdsSchema(), {"company_id": company_id, "appointment_id": appointment_id})

    @staticmethod
    def _booked(booked: appointments.Booked) -> dict:
        return {
            "appointment": APPOINTMENT.dump(booked.appointment),
            "link_token": booked.link_token,
            "replayed": booked.replayed,
        }
