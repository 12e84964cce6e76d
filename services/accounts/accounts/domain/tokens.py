"""When a user's sign-ins end.

Every token the gateway issues carries the user's `token_version`. A change to who the user is or
what they may do bumps it, and the gateway refuses tokens of an older version (it re-reads the
version at most every TOKEN_CHECK_SECONDS). Signing out ends one token on its own (the gateway's
denylist); these rules end all of them.
"""

REVOKING_USER_FIELDS = ("active", "role_id", "staff_member_id")
"""A change of these, to another value, ends the user's sign-ins; so does any new password."""


def user_change_revokes(before: dict, changes: dict) -> bool:
    """Whether `changes` to a user (`before` holds their active, role_id and staff_member_id) end
    their sign-ins: switched off (or on again), another role, another staff member, a new password."""
    if "password" in changes:
        return True
    return any(field in changes and changes[field] != before[field] for field in REVOKING_USER_FIELDS)


def role_change_revokes(name: str, rights: list[str], changes: dict) -> bool:
    """Whether `changes` to a role end the sign-ins of everyone holding it: tokens carry the role's
    name and rights, so a new name or another set of rights makes them wrong."""
    renamed = "name" in changes and changes["name"] != name
    regranted = "rights" in changes and set(changes["rights"]) != set(rights)
    return renamed or regranted
