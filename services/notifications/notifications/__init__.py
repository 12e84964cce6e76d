"""The notifications service. Messages to clients and staff: SMS through a provider, email over SMTP (later issues)."""
