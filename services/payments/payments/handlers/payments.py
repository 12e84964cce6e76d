"""Taking a payment (cash, card, gift card, membership; quick or split), deleting one, and a day's takings.

Each change locks the bill's row first, so two tills paying at the same moment queue: the second
sees what the first paid, and is refused if nothing is left to pay. A gift card or membership is
locked too while it is spent. The Idempotency-Key is looked up after the lock, so a double click
that lands twice at once replays the first answer instead of paying twice. A visit being deleted
(handlers/holds.py) takes no payment.
"""

from collections.abc import Callable
from datetime import date

from payments import events, repository
from payments.domain import idempotency, takings
from payments.domain.cards import GiftCard, Membership
from payments.domain.commands import TakePayment
from payments.domain.model import DESK_OF_METHOD, GIFT_CARD, MEMBERSHIP, MONEY_METHODS, Bill, Payment, desk_for
from payments.exceptions import NothingToChange
from payments.handlers.bills import read_through
from payments.handlers.common import GetAppointment, earlier_answer, now, once_per_key
from payments.handlers.holds import require_not_held
from salon_infra.database import UnitOfWork

AnswerOf = Callable[[Bill, Payment], dict]


def take_payment(
    uow: UnitOfWork,
    get_appointment: GetAppointment,
    answer_of: AnswerOf,
    company_id: int,
    appointment_id: int,
    command: TakePayment,
) -> dict:
    """{payment, bill, replayed}; the same key and request again gives the first answer (replayed)."""
    asked = {"appointment_id": appointment_id, "method": command.method, "amount": command.amount,
             "cash_desk_id": command.cash_desk_id, "code": command.code}  # fmt: skip
    fingerprint = idempotency.fingerprint(asked)

    def take() -> dict:
        return once_per_key(lambda: _take(uow, answer_of, company_id, appointment_id, command, fingerprint))

    return read_through(uow, get_appointment, company_id, appointment_id, take)


def _take(uow, answer_of, company_id, appointment_id, command: TakePayment, fingerprint: str) -> dict:
    with uow:
        session = uow.session
        bill = repository.bill_to_change(session, company_id, appointment_id, command.seen_version)
        if (replayed := earlier_answer(session, company_id, command.idempotency_key, fingerprint)) is not None:
            return replayed
        require_not_held(session, company_id, appointment_id)
        sources = {}
        if command.method in DESK_OF_METHOD:
            sources["desk"] = desk_for(command.method, repository.cash_desks(session, company_id), command.cash_desk_id)
        elif command.method == GIFT_CARD:
            sources["gift_card"] = repository.card_by_code(session, GiftCard, company_id, command.code, for_update=True)
        elif command.method == MEMBERSHIP:
            sources["membership"] = repository.card_by_code(session, Membership, company_id, command.code,
                                                            for_update=True)  # fmt: skip
        payment = bill.take_payment(command.method, command.amount, now=now(), actor_id=command.actor_id, **sources)
        repository.flush(session)
        answer = {**answer_of(bill, payment), "replayed": False}
        repository.remember_request(session, company_id, command.idempotency_key, fingerprint, answer)
        repository.flush(session)
        uow.record_events([events.bill_changed(bill)])
        uow.commit()
    return answer


def delete_payment(uow: UnitOfWork, company_id: int, appointment_id: int, payment_id: int, actor_id: int) -> Bill:
    """Marked deleted (who, when), kept in the history; what is due goes back up, and a gift card's
    value or a membership's uses come back, once. Deleting it again changes nothing."""
    with uow:
        session = uow.session
        bill = repository.get_bill(session, company_id, appointment_id, for_update=True)
        payment = bill.payment(payment_id)
        if payment.method in MONEY_METHODS and bill.cards_sold:
            repository.lock_cards_sold(session, bill)  # whether they were used, as of now
        cards = {}
        if payment.gift_card_id is not None:
            cards["gift_card"] = repository.get(session, GiftCard, company_id, payment.gift_card_id, for_update=True)
        if payment.membership_id is not None:
            cards["membership"] = repository.get(session, Membership, company_id, payment.membership_id,
                                                 for_update=True)  # fmt: skip
        try:
            bill.delete_payment(payment_id, actor_id, now(), **cards)
        except NothingToChange:
            return bill
        repository.flush(session)
        uow.record_events([events.bill_changed(bill)])
        uow.commit()
    return bill


def day_takings(uow: UnitOfWork, company_id: int, day: date, timezone: str) -> takings.Takings:
    """The money taken in the salon's local day (deletions made that day counted minus), and the
    redemptions by gift cards and memberships apart."""
    start, end = takings.day_bounds(day, timezone)
    with uow:
        session = uow.session
        return takings.summarise(repository.payments_taken_or_deleted(session, company_id, start, end),
                                 repository.cash_desks(session, company_id), start, end)  # fmt: skip
