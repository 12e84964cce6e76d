"""The OpenAPI document fuzzed against the running system: schemathesis generates requests for
every operation of the live `/api/v1/openapi.json`, valid ones and invalid ones, signed in as a
salon's owner, and no answer may be a 5xx (issue 11: "fuzzing in CI").

Up to 30 examples per operation (fewer only where the document allows fewer distinct requests),
derandomized, so that every run sends the same requests: FUZZ_SEED=<n> and FUZZ_EXAMPLES=<n>
explore further. Only the fuzzing phase, and only the 5xx check. Half the requests name the
records of the salon set up here in their path, so that they get past "not found" into the
services; the other half any id. Schemathesis's Python API (`as_strategy`) runs under our own
hypothesis loop: its pytest plugin cannot load a schema from a fixture under pytest 9.2.

Left out: nothing. The user that requests change is always one made here, never the owner, so no
request signs the owner out; the owner's role is built in and cannot be changed.
"""

import os
import re
import time
from collections import Counter
from datetime import timedelta

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from support.api import Api
from support.salon import next_weekday, open_salon

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 30)
# Every run sends the same requests (derandomized); FUZZ_SEED=<n> explores others, e.g. before a release.
SEED = os.environ.get("FUZZ_SEED")


@pytest.fixture(scope="module")
def fuzzed_salon(cluster):
    salon = open_salon(Api(cluster.gateway_url), name="Fuzzed salon")
    anna = salon.add_staff("Anna")
    salon.add_staff("Ben")
    haircut = salon.add_service("Haircut", 60, ["Anna", "Ben"])
    yoga = salon.add_service("Yoga", 60, ["Ben"], group_capacity=5)
    day = next_weekday(2)
    booked = salon.api.ok("POST", "/api/v1/appointments", {
        "client": {"name": "Clara", "phone": "+4915177000001", "email": "clara@example.com"},
        "staff_member_id": anna, "service_ids": [haircut], "starts_at": salon.local(day, 10).isoformat(),
    })  # fmt: skip
    event = salon.api.ok("POST", "/api/v1/group-events", {
        "staff_member_id": salon.staff["Ben"], "service_id": yoga, "starts_at": salon.local(day, 12).isoformat(),
    })  # fmt: skip
    lunch = salon.api.ok("POST", f"/api/v1/staff/{anna}/breaks", {
        "starts_at": salon.local(day, 13).isoformat(), "ends_at": salon.local(day, 13, 30).isoformat(),
    })  # fmt: skip
    category = salon.api.ok("POST", "/api/v1/appointment-categories", {"title": "VIP", "colour": "#d9534f"})
    salon.api.ok("POST", "/api/v1/appointment-extra-fields", {"code": "car", "title": "Car", "type": "text"})
    # A role and a user other than the owner's, so that changing them never signs the owner out.
    role = salon.api.ok("POST", "/api/v1/roles", {"name": "Front desk", "rights": ["take_payments"]})
    user = salon.api.ok("POST", "/api/v1/users", {
        "name": "Dora", "email": f"dora{salon.company_id}@example.com", "password": "another-password",
        "role_id": role["id"],
    })  # fmt: skip
    desk = salon.api.ok("POST", "/api/v1/cash-desks", {"title": "Front", "kind": "cash"})
    membership = salon.api.ok("POST", "/api/v1/membership-types", {
        "title": "Ten cuts", "price": 20000, "uses": 10, "validity_days": 365, "service_ids": [haircut],
    })  # fmt: skip
    gift_card = salon.api.ok(
        "POST", "/api/v1/gift-card-types", {"title": "Fifty", "face_value": 5000, "validity_days": 365}
    )
    product = salon.api.ok("POST", "/api/v1/products", {"title": "Shampoo"})
    storage = salon.api.ok("POST", "/api/v1/storages", {"title": "Shelf"})
    ids = {
        "company_id": salon.company_id,
        "staff_member_id": anna,
        "service_id": haircut,
        "appointment_id": booked["appointment"]["id"],
        "client_id": booked["appointment"]["client_id"],
        "group_event_id": event["id"],
        "break_id": lunch["id"],
        "category_id": category["id"],
        "code": "car",
        "token": booked["link_token"],
        "date": (day + timedelta(days=7)).isoformat(),
        "role_id": role["id"],
        "user_id": user["id"],
        "cash_desk_id": desk["id"],
        "type_id": membership["id"],
        "record_id": product["id"],
    }
    by_path = {
        "/api/v1/gift-card-types/{type_id}": {"type_id": gift_card["id"]},
        "/api/v1/storages/{record_id}": {"record_id": storage["id"]},
    }
    return salon, ids, by_path


@pytest.fixture(scope="module")
def gateway_schema(cluster):
    config = schemathesis.Config.from_dict({
        "base-url": cluster.gateway_url,
        "request-timeout": 20,
        # The owner signs every request: no case drops the Authorization header to test a 401.
        "generation": {"deterministic": True, "database": "none", "with-security-parameters": False},
    })  # fmt: skip
    return schemathesis.openapi.from_url(f"{cluster.gateway_url}/api/v1/openapi.json", config=config)


@pytest.mark.timeout(1200)
def test_no_request_makes_a_server_error(gateway_schema, fuzzed_salon):
    salon, ids, by_path = fuzzed_salon
    owner = {"Authorization": f"Bearer {salon.api.token}"}
    session = requests.Session()
    sent: Counter = Counter()
    statuses: Counter = Counter()
    failures: list[str] = []
    started = time.monotonic()

    for result in gateway_schema.get_all_operations():
        operation = result.ok()
        known = {**ids, **by_path.get(operation.path, {})}
        fixed = {name: known[name] for name in _path_names(operation.path) if name in known}
        # Valid and invalid requests, for the salon's own records and (as often) for any id at all.
        strategy = st.one_of(
            *(operation.as_strategy(mode, path_parameters=fixed) for mode in GenerationMode),
            *(operation.as_strategy(mode, path_parameters=_ours_only(fixed)) for mode in GenerationMode if fixed),
        )

        def fuzz(case):
            sent[case.operation.label] += 1
            response = case.call(session=session, headers=owner, timeout=20)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                curl = case.as_curl_command(headers=owner)
                failures.append(f"{case.operation.label} -> {response.status_code}: {curl}")

        run = settings(
            max_examples=EXAMPLES, derandomize=SEED is None, database=None, deadline=None,
            phases=[Phase.generate], suppress_health_check=list(HealthCheck),
        )(given(case=strategy)(fuzz))  # fmt: skip
        if SEED is not None:
            run = seed(int(SEED))(run)
        operation_started = time.monotonic()
        run()
        print(f"{operation.label}: {sent[operation.label]} in {time.monotonic() - operation_started:.1f} s", flush=True)

    took = time.monotonic() - started
    print(f"\nfuzzing: {sum(sent.values())} requests to {len(sent)} operations in {took:.0f} s")
    print(f"statuses: {sorted(statuses.items())}")
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:50])


def _ours_only(fixed: dict) -> dict:
    """Path ids that are never left to chance: a user id drawn at random could be the owner's."""
    return {name: value for name, value in fixed.items() if name == "user_id"}


def _path_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)
