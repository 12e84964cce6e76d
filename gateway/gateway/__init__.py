"""The HTTP gateway: the only HTTP entry. It composes the services for the booking widget,
the staff calendar and the admin clients, and owns no data."""
