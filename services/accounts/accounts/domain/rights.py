"""What a user may do: the catalogue of named rights, the built-in roles, and the rules for changing them.

The gateway names each right an endpoint needs from its own list (gateway/rights.py), checked against
this catalogue by a test."""

RIGHTS = {
    "view_bookings_overview": "See every staff member's bookings and the day's overview",
    "calendar_all_staff": "See and change every staff member's column of the calendar, with their clients",
    "calendar_own_column": "See and change one's own column of the calendar: the staff member the user is linked to",
    "take_payments": "Take payments for visits (cash, card, split, gift cards, memberships) and sell products in them",
    "delete_payments": "Delete payments taken (each stays in the history, marked deleted)",
    "sell_memberships_and_gift_cards": "Sell memberships and gift cards in a visit",
    "manage_products_and_stock": "Manage products, storages, stock arrivals and write-offs, and bills of materials",
    "delete_bookings": "Delete bookings",
    "delete_paid_bookings": "Delete bookings that have been paid",
    "delete_arrived_bookings": "Delete bookings whose client has arrived",
    "export_data": "Export clients, bookings and reports",
    "import_data": "Full access: import clients and bookings",
    "manage_settings": "Change the salon's settings, team, services and working hours",
    "manage_users": "Add users, change their roles and rights, and switch them off",
}
"""Every right, in the order the admin shows them, with what it allows."""

OWNER = "owner"
ADMINISTRATOR = "administrator"
SPECIALIST = "specialist"

BUILT_IN_ROLES = {
    OWNER: tuple(RIGHTS),
    ADMINISTRATOR: tuple(right for right in RIGHTS if right not in ("manage_users", "import_data")),
    SPECIALIST: ("calendar_own_column",),
}
"""Each company has these roles; their rights come from here, so the owner has every right there will be."""


def ordered(rights) -> list[str]:
    """The known rights among `rights`, in catalogue order, each once."""
    wanted = set(rights)
    return [right for right in RIGHTS if right in wanted]


def unknown_rights(rights) -> list[str]:
    return sorted(set(rights) - RIGHTS.keys())


def rights_of(name: str, built_in: bool, stored_rights: list[str] | None) -> list[str]:
    """A role's rights: a built-in role's from the catalogue, a custom role's as stored."""
    if built_in:
        return list(BUILT_IN_ROLES[name])
    return ordered(stored_rights or ())


def role_change_problems(built_in: bool, name: str, changes: dict) -> dict[str, list[str]]:
    """Why `changes` ({name?, rights?}) may not be made to a role; empty when they may."""
    problems = {}
    if built_in and "name" in changes and changes["name"] != name:
        problems["name"] = ["A built-in role cannot be renamed."]
    if built_in and "rights" in changes and set(changes["rights"]) != set(BUILT_IN_ROLES[name]):
        problems["rights"] = ["The rights of a built-in role cannot change."]
    if "name" in changes and not built_in and changes["name"].strip().lower() in BUILT_IN_ROLES:
        problems["name"] = ["This name belongs to a built-in role."]
    return problems


def last_owner_problems(
    is_active_owner: bool, changes: dict, stays_owner: bool, other_active_owners: int
) -> dict[str, list[str]]:
    """A company always keeps an active owner: the last one can be neither demoted nor switched off.
    `changes` are the user's ({role_id?, active?}); `stays_owner` whether the new role is the owner's."""
    if not is_active_owner or other_active_owners > 0:
        return {}
    problems = {}
    if not stays_owner:
        problems["role_id"] = ["The salon's last active owner must stay an owner."]
    if changes.get("active") is False:
        problems["active"] = ["The salon's last active owner cannot be switched off."]
    return problems


def rights_beyond(granted: list[str], held: list[str]) -> list[str]:
    """The rights in `granted` that `held` lacks: nobody gives away what they do not have."""
    return ordered(set(granted) - set(held))
