from salon_infra.errors import Conflict, NotFound


class SlotTaken(Conflict):
    """Another appointment, group event or break of the staff member overlaps this time."""

    def __init__(self, message: str = "that time is already taken", errors: dict | None = None):
        super().__init__(message, errors if errors is not None else {"starts_at": [message]})


class NoFreeSeat(Conflict):
    """Every seat of the group event is taken."""

    def __init__(self, message: str = "every seat of this group event is taken", errors: dict | None = None):
        super().__init__(message, errors if errors is not None else {"group_event_id": [message]})


class AppointmentClosed(Conflict):
    """The appointment (or group event) was cancelled or deleted and can no longer change."""


class ChangesClosed(Conflict):
    """The client's link can no longer reschedule or cancel: the salon's cutoff has passed."""


class LinkExpired(NotFound):
    """The client's booking link has expired: its visit ended longer ago than links live."""


class StaleVersion(Conflict):
    """Someone else changed the record since the caller read it."""


class NothingToChange(Exception):
    """The transition asked for is already the state: no change, no event."""
