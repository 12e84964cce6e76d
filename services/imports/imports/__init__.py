"""The imports service. Excel import and export of bookings, services and clients (later issues)."""
