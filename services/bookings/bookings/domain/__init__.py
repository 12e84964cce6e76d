"""Bookings' rules, free of any framework."""
