from salon_infra.errors import Conflict


class SlotTaken(Conflict):
    """Another live appointment of the staff member overlaps this time."""

    def __init__(self, message: str = "that time is already taken", *details):
        super().__init__(message, *details)


class AppointmentClosed(Conflict):
    """The appointment was cancelled or deleted and can no longer change."""


class ChangesClosed(Conflict):
    """The client's link can no longer reschedule or cancel: the salon's cutoff has passed."""
