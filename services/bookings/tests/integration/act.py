"""The bookings use cases as the tests call them: with dicts, as callers send them over RPC, made
into the handlers' commands by the service's own schemas."""

import itertools

from bookings.handlers import appointments, overview, payments_copy
from bookings.schemas import CancelSchema, CreateAppointmentSchema, DeleteAppointmentsSchema, RescheduleSchema


def _wire(value):
    """Datetimes as ISO text, as they cross RPC."""
    if isinstance(value, dict):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(item) for item in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def create_appointment(uow, quote_appointment, secret, company_id, booking: dict):
    command = CreateAppointmentSchema().load(_wire(booking))
    return appointments.create_appointment(uow, quote_appointment, secret, company_id, command)


def reschedule_appointment(uow, quote_appointment, secret, company_id, appointment_id, change: dict):
    command = RescheduleSchema().load(_wire(change))
    return appointments.reschedule_appointment(uow, quote_appointment, secret, company_id, appointment_id, command)


def cancel_appointment(uow, company_id, appointment_id, actor: dict, reason=None):
    command = CancelSchema().load({"actor": actor, "reason": reason})
    return appointments.cancel_appointment(uow, company_id, appointment_id, command)


def delete_appointments(uow, company_id, command: dict):
    return appointments.delete_appointments(uow, company_id, DeleteAppointmentsSchema().load(command))


def list_appointments(uow, company_id, query: dict):
    return appointments.list_appointments(uow, company_id, {"staff_member_ids": None, "include_cancelled": False,
                                                            **query})  # fmt: skip


get_appointment = appointments.get_appointment
appointment_by_link = appointments.appointment_by_link
list_overview = overview.list_overview


_bill_versions = itertools.count(1)


def copy_bill(uow, company_id, appointment_id, paid, sales_total=0) -> bool:
    """What payments' bill_changed event does to bookings' copy of the visit's bill."""
    bill = {"appointment_id": appointment_id, "paid": paid, "sales_total": sales_total, "version": next(_bill_versions)}
    return payments_copy.record_bill(uow, company_id, bill)
