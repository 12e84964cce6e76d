"""Who may see and change which columns of the calendar: the one place that decides it.

- `calendar_all_staff`: every staff member's column, with their clients.
- `calendar_own_column`: only the column of the staff member the user is linked to
  (users.staff_member_id); other columns, and their clients, are not shown, and changing them is
  refused.
- neither: no calendar at all.

Every calendar endpoint asks `calendar_required` for the scope, and each record it reads or
changes (an appointment, a group event, a break) is checked with `scope.require(...)`.
"""

from dataclasses import dataclass
from functools import wraps

from flask import g

from gateway import rights
from gateway.auth import StaffUser, authenticated
from gateway.errors import Forbidden


@dataclass(frozen=True)
class CalendarScope:
    user: StaffUser
    staff_member_id: int | None  # None: every column

    @property
    def everyone(self) -> bool:
        return self.staff_member_id is None

    def covers(self, staff_member_id: int) -> bool:
        return self.everyone or staff_member_id == self.staff_member_id

    def require(self, staff_member_id: int) -> None:
        """Forbidden for another staff member's column."""
        if not self.covers(staff_member_id):
            raise Forbidden("you may see and change only your own column of the calendar")

    def staff_filter(self, asked: list[int] | None = None) -> list[int] | None:
        """The staff members a read may cover: those asked for within the scope (None: everyone)."""
        if self.everyone:
            return asked
        return [self.staff_member_id]


def scope_of(user: StaffUser) -> CalendarScope:
    if rights.CALENDAR_ALL_STAFF in user.rights:
        return CalendarScope(user, None)
    if rights.CALENDAR_OWN_COLUMN in user.rights:
        if user.staff_member_id is None:
            raise Forbidden("your user is not linked to a staff member, so you have no column of the calendar")
        return CalendarScope(user, user.staff_member_id)
    wanted = f"{rights.CALENDAR_ALL_STAFF} or {rights.CALENDAR_OWN_COLUMN}"
    raise Forbidden(f"this needs the right {wanted}, which your role does not have")


def calendar_required(view):
    """A signed-in user with a calendar right; the view reads its scope with `calendar_scope()`."""

    @wraps(view)
    def checked(*args, **kwargs):
        user = authenticated()
        g.staff_user, g.calendar_scope = user, scope_of(user)
        return view(*args, **kwargs)

    checked.salon_access = frozenset({rights.CALENDAR_ALL_STAFF, rights.CALENDAR_OWN_COLUMN})
    return checked


def calendar_scope() -> CalendarScope:
    return g.calendar_scope


def may(user: StaffUser, right: str) -> bool:
    return right in user.rights
