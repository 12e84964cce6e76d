"""Responses composed from more than one service."""

from gateway.remote import remote


def public_booking(appointment: dict, company: dict) -> dict:
    """A booking as its client sees it, with the staff member's name and the salon."""
    staff_member = remote().scheduling.get_staff_member(company["id"], appointment["staff_member_id"])
    return {**appointment, "staff_member": staff_member, "company": company}


def with_clients(company_id: int, appointments: list[dict]) -> list[dict]:
    """Each appointment with its client's card, fetched in one call for all of them."""
    client_ids = sorted({appointment["client_id"] for appointment in appointments})
    cards = {card["id"]: card for card in remote().clients.get_clients(company_id, client_ids)} if client_ids else {}
    return [{**appointment, "client": cards.get(appointment["client_id"])} for appointment in appointments]
