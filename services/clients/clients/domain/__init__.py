"""Clients' rules, free of any framework."""
