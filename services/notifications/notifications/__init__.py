"""The notifications service: SMS through a provider and email over SMTP, to clients about their
appointments and for other services (phone codes, exports), every message recorded."""
