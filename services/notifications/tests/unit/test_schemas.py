import pytest

from notifications.schemas import AppointmentEventSchema, ListMessagesSchema, SendEmailSchema, SendSmsSchema
from salon_infra.errors import InvalidInput
from salon_infra.validation import load

SMS = {"company_id": 7, "phone": "+4915111111111", "text": "Your code is 123456", "purpose": "phone_code"}
EMAIL = {"company_id": 7, "to": "anna@example.com", "subject": "Export", "text": "Ready.", "purpose": "export_ready"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "015111111111"}, "phone"),
        ({"phone": "+49 151 11111111"}, "phone"),
        ({"text": ""}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"purpose": "Phone Code"}, "purpose"),
        ({"company_id": "7"}, "company_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_sms_names_its_field(change, field):
    with pytest.raises(InvalidInput) as problem:
        load(SendSmsSchema(), {**SMS, **change})
    assert list(problem.value.errors) == [field]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"to": "anna"}, "to"), ({"subject": "x" * 201}, "subject"), ({"subject": "a\r\nBcc: b@c.d"}, "subject")],
)
def test_a_bad_email_names_its_field(change, field):
    with pytest.raises(InvalidInput) as problem:
        load(SendEmailSchema(), {**EMAIL, **change})
    assert list(problem.value.errors) == [field]


def test_listing_defaults_and_limits():
    assert load(ListMessagesSchema(), {"company_id": 7}) == {
        "company_id": 7, "channel": None, "recipient": None, "purpose": None, "limit": 50
    }  # fmt: skip
    for bad in ({"limit": 0}, {"limit": 201}, {"channel": "fax"}):
        with pytest.raises(InvalidInput) as problem:
            load(ListMessagesSchema(), {"company_id": 7, **bad})
        assert list(problem.value.errors) == list(bad)


def test_appointment_events_ignore_what_they_do_not_need_and_the_link_token_is_optional():
    envelope = {
        "event_id": "2b1e0c51-7d3a-4a55-9d6c-0e2f4b8f1a10",
        "event_type": "appointment_created",
        "company_id": 7,
        "occurred_at": "2025-07-01T08:00:00+00:00",
        "data": {
            "appointment": {
                "id": 42, "client_id": 3, "staff_member_id": 5, "starts_at": "2025-07-14T08:00:00+00:00",
                "ends_at": "2025-07-14T09:00:00+00:00", "service_ids": [1], "source": "widget",
                "created_by": {"kind": "client", "id": 3}, "visit_status": "pending", "state": "booked", "version": 1,
            }
        },
    }  # fmt: skip
    event = AppointmentEventSchema().load(envelope)
    assert event["data"]["link_token"] is None and event["data"]["appointment"]["source"] == "widget"
    envelope["data"]["link_token"] = "7-42-abc"
    assert AppointmentEventSchema().load(envelope)["data"]["link_token"] == "7-42-abc"
