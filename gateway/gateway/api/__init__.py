"""The HTTP API, one blueprint per audience or resource."""
