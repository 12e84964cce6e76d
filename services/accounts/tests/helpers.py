"""Test data built through the service's own RPC methods."""

import uuid


def new_company(api, **profile) -> dict:
    company = {"name": "Salon Olga", "timezone": "Europe/Berlin", "currency": "EUR", "country": "DE", **profile}
    owner = {"name": "Olga", "email": f"Olga.{uuid.uuid4().hex[:8]}@Example.com", "password": "correct horse"}
    return api.signup(company, owner)
