"""The bookings service: appointments, their changes, and the rule that a staff member's
live appointments never overlap."""
