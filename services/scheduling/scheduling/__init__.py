"""The scheduling service: who works when, doing what, and which start times are free."""
