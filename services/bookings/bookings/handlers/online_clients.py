"""The client an online booking is for. Bookings finds or creates their card itself, once the
booking has passed every check, so a booking that fails writes nothing; and it enforces the
salon's phone confirmation for every caller, not only the widget.

An unauthenticated request never changes an existing card (`fill_in: false`): what the client typed
(name, email) goes on the booking, and the confirmation goes to it.
"""

from collections.abc import Callable
from dataclasses import replace

from bookings.domain.commands import ClientSnapshot, OnlineClient
from bookings.handlers.common import OnlineRules
from salon_infra import phone_tokens
from salon_infra.errors import InvalidInput
from salon_infra.phones import InvalidPhone, normalise_phone


class Clients:
    """The clients service's RPC methods bookings uses."""

    find_or_create_client: Callable
    remember_device: Callable


def online_client(
    clients: Clients,
    token_secret: str,
    company_id: int,
    client: ClientSnapshot,
    online: OnlineClient,
    rules: OnlineRules,
) -> tuple[int, ClientSnapshot]:
    """(client_id, the client as the booking carries them, phone in E.164)."""
    online = online or OnlineClient()
    try:
        phone = normalise_phone(client.phone or "", online.default_region)
    except InvalidPhone as problem:
        raise InvalidInput(f"client.phone: {problem}", {"client": {"phone": [str(problem)]}}) from None
    if rules.sms_confirmation:
        require_confirmed(token_secret, company_id, phone, online.phone_token)
    card = clients.find_or_create_client(
        company_id,
        {"phone": phone, "name": client.name, "email": client.email, "last_name": client.last_name,
         "middle_name": client.middle_name},
        online.default_region,
        False,  # fill_in: never change an existing card
    )  # fmt: skip
    if rules.remember_device and online.device_token:
        clients.remember_device(company_id, card["id"], online.device_token)
    return card["id"], replace(client, phone=phone)


def require_confirmed(token_secret: str, company_id: int, phone: str, token: str | None) -> None:
    """With SMS confirmation on, only a phone confirmed by code books: `phone_token` must be for it."""
    confirmed = phone_tokens.confirmed_phone(token_secret, token, company_id) if token else None
    if confirmed is None:
        problem = "Confirm your phone with the code we text you." if not token else "The confirmation has expired."
        raise InvalidInput("confirm the phone number first", {"phone_token": [problem]})
    if confirmed != phone:
        raise InvalidInput(
            "the phone differs from the one confirmed", {"client": {"phone": ["This is not the confirmed phone."]}}
        )
