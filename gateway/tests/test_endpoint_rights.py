"""Every endpoint under /api/v1 is public by design, or names the rights it needs from gateway.rights."""

import re

from gateway import rights
from gateway.app import create_app
from gateway.auth import SIGNED_IN
from gateway.settings import Settings
from salon_infra.testing import free_port

PUBLIC = {  # a client or a stranger calls these: no token
    "POST /api/v1/signup",
    "POST /api/v1/auth/login",
    "GET /api/v1/companies/<id:company_id>",
    "GET /api/v1/companies/<id:company_id>/services",
    "GET /api/v1/companies/<id:company_id>/service-categories",
    "GET /api/v1/companies/<id:company_id>/staff",
    "GET /api/v1/companies/<id:company_id>/slots",
    "POST /api/v1/companies/<id:company_id>/bookings",
    "GET /api/v1/companies/<id:company_id>/group-events",
    "POST /api/v1/companies/<id:company_id>/group-events/<id:group_event_id>/seats",
    "GET /api/v1/companies/<id:company_id>/online-booking",
    "POST /api/v1/companies/<id:company_id>/phone-confirmations",
    "POST /api/v1/companies/<id:company_id>/phone-confirmations/verify",
    "GET /api/v1/bookings/<string:token>",
    "POST /api/v1/bookings/<string:token>/reschedule",
    "POST /api/v1/bookings/<string:token>/cancel",
    "GET /api/v1/openapi.json",
}
ABOUT_THEMSELVES = {  # a valid token is all these need: they tell the user about their own session
    "GET /api/v1/me",
    "GET /api/v1/company",
    "POST /api/v1/auth/logout",
}


def endpoints():
    app = create_app(Settings(amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/",
                              jwt_secret="x" * 32, rpc_timeout=1))  # fmt: skip
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            path = re.sub(r"<(\w+)\([^)]*\):", r"<\1:", rule.rule)  # <string(maxlength=200):token> -> <string:token>
            yield f"{method} {path}", getattr(handler, "salon_access", None)


def test_every_staff_endpoint_names_its_rights_from_the_one_list():
    found = dict(endpoints())
    assert len(found) > 60
    unnamed = sorted(name for name, access in found.items() if access is None and name not in PUBLIC)
    assert unnamed == [], "endpoints that check no right"
    signed_in_only = sorted(name for name, access in found.items() if access == SIGNED_IN)
    assert set(signed_in_only) <= ABOUT_THEMSELVES, signed_in_only
    for name, access in found.items():
        if isinstance(access, frozenset):
            assert access and access <= rights.ALL, (name, access)
    assert not PUBLIC & {name for name, access in found.items() if access is not None}  # public means public
