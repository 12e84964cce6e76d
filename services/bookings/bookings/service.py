"""The bookings service's RPC entrypoints: validate, call a handler, dump the result."""

from nameko.rpc import rpc

from bookings import handlers, imports
from bookings.schemas import (
    AppointmentSchema,
    CancelSchema,
    CreateAppointmentSchema,
    DeleteAppointmentsSchema,
    DeletionSchema,
    ImportAppointmentsSchema,
    LinkRescheduleSchema,
    LinkSchema,
    ListAppointmentsSchema,
    OverviewPageSchema,
    OverviewQuerySchema,
    PaymentSchema,
    RecordIdsSchema,
    RescheduleSchema,
)
from salon_infra.dependencies import Database, HealthChecks, Secret, TimedRpcProxy
from salon_infra.validation import load

APPOINTMENT = AppointmentSchema()
APPOINTMENTS = AppointmentSchema(many=True)
OVERVIEW_PAGE = OverviewPageSchema()
DELETION = DeletionSchema()
CLIENT_ONLINE = {"source": "widget"}


class BookingsService(HealthChecks):
    name = "bookings"
    uow = Database("bookings")
    scheduling = TimedRpcProxy("scheduling")
    link_secret = Secret("BOOKING_LINK_SECRET")

    @rpc
    def create_appointment(self, company_id, appointment):
        ids = load(RecordIdsSchema(), {"company_id": company_id})
        command = load(CreateAppointmentSchema(), appointment)
        booked = handlers.create_appointment(
            self.uow, self.scheduling.quote_appointment, self.link_secret, ids["company_id"], command
        )
        return self._booked(booked)

    @rpc
    def reschedule_appointment(self, company_id, appointment_id, change):
        ids = self._ids(company_id, appointment_id)
        command = load(RescheduleSchema(), change)
        appointment = handlers.reschedule_appointment(
            self.uow,
            self.scheduling.quote_appointment,
            self.link_secret,
            ids["company_id"],
            ids["appointment_id"],
            command,
        )
        return APPOINTMENT.dump(appointment)

    @rpc
    def cancel_appointment(self, company_id, appointment_id, cancellation):
        ids = self._ids(company_id, appointment_id)
        command = load(CancelSchema(), cancellation)
        return APPOINTMENT.dump(
            handlers.cancel_appointment(self.uow, ids["company_id"], ids["appointment_id"], **command)
        )

    @rpc
    def get_appointment(self, company_id, appointment_id):
        ids = self._ids(company_id, appointment_id)
        return APPOINTMENT.dump(handlers.get_appointment(self.uow, ids["company_id"], ids["appointment_id"]))

    @rpc
    def list_appointments(self, company_id, query):
        ids = load(RecordIdsSchema(), {"company_id": company_id})
        return APPOINTMENTS.dump(
            handlers.list_appointments(self.uow, ids["company_id"], load(ListAppointmentsSchema(), query))
        )

    @rpc
    def list_overview(self, company_id, query):
        ids = load(RecordIdsSchema(), {"company_id": company_id})
        page = handlers.list_overview(self.uow, ids["company_id"], load(OverviewQuerySchema(), query))
        return OVERVIEW_PAGE.dump(page)

    @rpc
    def delete_appointments(self, company_id, command):
        ids = load(RecordIdsSchema(), {"company_id": company_id})
        deletion = handlers.delete_appointments(self.uow, ids["company_id"], load(DeleteAppointmentsSchema(), command))
        return DELETION.dump(deletion)

    @rpc
    def get_appointment_by_link(self, token):
        appointment = self._by_link(token)
        return APPOINTMENT.dump(appointment)

    @rpc
    def record_payment(self, company_id, appointment_id, payment):
        ids = self._ids(company_id, appointment_id)
        amount = load(PaymentSchema(), payment)["amount"]
        return APPOINTMENT.dump(handlers.record_payment(self.uow, ids["company_id"], ids["appointment_id"], amount))

    @rpc
    def reschedule_by_link(self, token, change):
        """A client moves their own booking: online rules apply (working hours, slot grid, the cutoff)."""
        appointment = self._client_may_change(token)
        command = {
            **load(LinkRescheduleSchema(), change),
            "staff_member_id": None,
            "actor": {"kind": "client", "id": appointment.client_id},
            **CLIENT_ONLINE,
        }
        moved = handlers.reschedule_appointment(
            self.uow,
            self.scheduling.quote_appointment,
            self.link_secret,
            appointment.company_id,
            appointment.id,
            command,
        )
        return APPOINTMENT.dump(moved)

    @rpc
    def cancel_by_link(self, token):
        appointment = self._client_may_change(token)
        actor = {"kind": "client", "id": appointment.client_id}
        return APPOINTMENT.dump(handlers.cancel_appointment(self.uow, appointment.company_id, appointment.id, actor))

    def _client_may_change(self, token):
        appointment = self._by_link(token)
        rules = self.scheduling.get_online_booking_rules(appointment.company_id)
        handlers.check_client_change(appointment, rules["change_cutoff_minutes"])
        return appointment

    def _by_link(self, token):
        return handlers.appointment_by_link(self.uow, self.link_secret, load(LinkSchema(), {"token": token})["token"])

    @staticmethod
    def _ids(company_id, appointment_id) -> dict:
        return load(RecordIdsSchema(), {"company_id": company_id, "appointment_id": appointment_id})

    @staticmethod
    def _booked(booked: handlers.Booked) -> dict:
        return {
            "appointment": APPOINTMENT.dump(booked.appointment),
            "link_token": booked.link_token,
            "replayed": booked.replayed,
        }

    @rpc
    def import_appointments(self, company_id, command):
        """A calendar from a spreadsheet: {created, existing, problems}; all or nothing (see bookings.imports)."""
        ids = load(RecordIdsSchema(), {"company_id": company_id})
        return imports.import_appointments(self.uow, ids["company_id"], load(ImportAppointmentsSchema(), command))
