"""The bill of each visit, kept from bookings' appointment events (the newest version wins), and
read through from bookings when a till asks for a visit whose events have not arrived yet."""

from sqlalchemy.exc import IntegrityError

from payments import events, repository
from payments.domain.model import Bill, VisitCopy, new_bill
from payments.exceptions import NothingToChange
from payments.handlers.common import GetAppointment, now, repairing
from salon_infra.database import UnitOfWork


def record_appointment(uow: UnitOfWork, company_id: int, visit: VisitCopy) -> Bill:
    """Keep the appointment's newer version on its bill (making the bill if it is new). Repeated and
    older versions change nothing, so redelivered and late events are harmless. A deleted visit's
    stock comes back here, once; bookings hears of a change to what was paid or sold."""
    for attempt in range(2):
        try:
            return repairing(lambda repair: _record(uow, company_id, visit, repair))
        except IntegrityError:
            # Another worker made the same bill at the same moment; the second try finds it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _record(uow: UnitOfWork, company_id: int, visit: VisitCopy, repair: bool) -> Bill:
    with uow:
        session = uow.session
        bill = repository.find_bill(session, company_id, visit.appointment_id, for_update=True)
        if bill is None:
            bill = new_bill(company_id, visit, now())
            session.add(bill)
            session.flush()
            uow.commit()
            return bill
        before = (bill.paid, bill.sales_total, bill.refund_status)
        adopted = repair and repository.adopt_reversals(session, bill, now())
        try:
            with session.no_autoflush:  # reversals are written by repository.flush, which names the ledger's refusals
                bill.copy_appointment(visit, now())
        except NothingToChange:
            if not adopted:
                return bill
        repository.flush(session)
        if (bill.paid, bill.sales_total, bill.refund_status) != before:
            uow.record_events([events.bill_changed(bill)])
        uow.commit()
    return bill


def carry_over(uow: UnitOfWork, company_id: int, event_id: str, visit: VisitCopy, paid: int) -> None:
    """Money bookings recorded before payments existed (bookings' migration 0007 sends one event per
    paid appointment): one payment on the bill, once, however often the event comes."""
    record_appointment(uow, company_id, visit)
    with uow:
        if not uow.claim_event(event_id, "payments.carry_over"):
            return
        bill = repository.get_bill(uow.session, company_id, visit.appointment_id, for_update=True)
        try:
            bill.carry_over(paid, now())
        except NothingToChange:
            uow.commit()
            return
        repository.flush(uow.session)
        uow.record_events([events.bill_changed(bill)])
        uow.commit()


def read_through(uow: UnitOfWork, get_appointment: GetAppointment, company_id: int, appointment_id: int, work):
    """`work()`, which starts by locking the bill (repository.bill_to_change). The bill usually
    copies the version of the appointment the caller saw (bookings' events arrive within
    milliseconds); when it does not, bookings is asked once and the work is done again."""
    try:
        return work()
    except repository.BillBehind:
        catch_up(uow, get_appointment, company_id, appointment_id)
        return work()


def catch_up(uow: UnitOfWork, get_appointment: GetAppointment, company_id: int, appointment_id: int) -> None:
    from payments.schemas import visit_of_appointment  # the shape bookings answers in

    record_appointment(uow, company_id, visit_of_appointment(get_appointment(company_id, appointment_id)))


def get_bill(uow: UnitOfWork, get_appointment: GetAppointment, company_id: int, appointment_id: int,
             seen_version=None) -> Bill:  # fmt: skip
    for attempt in range(2):
        with uow:
            bill = repository.find_bill(uow.session, company_id, appointment_id)
            if bill is not None and (seen_version is None or bill.appointment_version >= seen_version):
                return bill
        if attempt == 0:
            catch_up(uow, get_appointment, company_id, appointment_id)
    raise repository.NotFound(f"no bill for appointment {appointment_id}")
