"""A small HTTP client for the gateway, as the widget and the calendar use it."""

import uuid

import requests


class Api:
    def __init__(self, base_url: str, token: str | None = None, headers: dict | None = None):
        """`headers` go with every request (e.g. the X-Forwarded-For a proxy adds for this client)."""
        self.base_url = base_url
        self.token = token
        self.headers = dict(headers or {})
        self.session = requests.Session()

    def as_staff(self, token: str) -> "Api":
        return Api(self.base_url, token, self.headers)

    def request(self, method: str, path: str, *, json=None, params=None, headers=None, timeout=30, **more):
        """`more`: what else requests takes, e.g. files= and data= for a multipart upload."""
        headers = {**self.headers, **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return self.session.request(
            method, self.base_url + path, json=json, params=params, headers=headers, timeout=timeout, **more
        )

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path, json=None, **kwargs):
        return self.request("PUT", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def ok(self, method: str, path: str, json=None, expect=(200, 201), **kwargs):
        response = self.request(method, path, json=json, **kwargs)
        assert response.status_code in expect, f"{method} {path} -> {response.status_code}: {response.text}"
        return response.json() if response.content else None


def new_key() -> str:
    return uuid.uuid4().hex
