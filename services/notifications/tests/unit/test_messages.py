from datetime import UTC, datetime

import pytest

from notifications.domain.channels import EMAIL, SMS
from notifications.domain.messages import Client, Salon, appointment_messages, local_time, manage_link

SALON = Salon(name="Studio Lumière", timezone="Europe/Berlin")
ANNA = Client(name="Anna Schmidt", phone="+4915111111111", email="anna@example.com")
LINK = "https://salon.example/widget/7/bookings/7-42-abc"


def test_local_time_is_the_salons_wall_clock_on_both_sides_of_a_dst_change():
    assert local_time(datetime(2025, 3, 29, 9, 30, tzinfo=UTC), "Europe/Berlin") == "Sat 29 Mar 2025, 10:30"
    assert local_time(datetime(2025, 3, 30, 8, 30, tzinfo=UTC), "Europe/Berlin") == "Sun 30 Mar 2025, 10:30"
    assert local_time(datetime(2025, 12, 31, 23, 15, tzinfo=UTC), "America/New_York") == "Wed 31 Dec 2025, 18:15"


def test_a_booking_confirmation_by_sms_and_email_with_the_manage_link():
    sms, email = appointment_messages("appointment_created", SALON, ANNA, datetime(2025, 7, 14, 8, tzinfo=UTC), LINK)
    assert (sms.channel, sms.recipient, sms.purpose) == (SMS, "+4915111111111", "appointment_created")
    assert (
        sms.body
        == f"Studio Lumière: your appointment on Mon 14 Jul 2025, 10:00 is booked. Reschedule or cancel: {LINK}"
    )
    assert (email.channel, email.recipient, email.purpose) == (EMAIL, "anna@example.com", "appointment_created")
    assert email.subject == "Your appointment at Studio Lumière: Mon 14 Jul 2025, 10:00"
    assert email.body == (
        "Hello Anna Schmidt,\n\n"
        "your appointment at Studio Lumière is booked for Mon 14 Jul 2025, 10:00.\n\n"
        f"To reschedule or cancel it: {LINK}\n\n"
        "Studio Lumière\n"
    )


def test_a_client_without_email_gets_only_the_sms():
    ben = Client(name="Ben", phone="+4915122222222")
    [sms] = appointment_messages("appointment_created", SALON, ben, datetime(2025, 7, 14, 8, tzinfo=UTC))
    assert sms.channel == SMS and "Reschedule" not in sms.body


def test_a_reschedule_gives_the_new_time():
    sms, email = appointment_messages("appointment_rescheduled", SALON, ANNA, datetime(2025, 1, 6, 14, tzinfo=UTC))
    assert sms.body == "Studio Lumière: your appointment has moved to Mon 6 Jan 2025, 15:00."
    assert email.subject == "Your appointment at Studio Lumière has moved to Mon 6 Jan 2025, 15:00"
    assert email.purpose == "appointment_rescheduled"


def test_a_cancellation_carries_no_manage_link():
    sms, email = appointment_messages("appointment_cancelled", SALON, ANNA, datetime(2025, 1, 6, 14, tzinfo=UTC), LINK)
    assert sms.body == "Studio Lumière: your appointment on Mon 6 Jan 2025, 15:00 is cancelled."
    assert LINK not in email.body and "is cancelled" in email.subject


def test_names_are_kept_to_one_line_and_subjects_to_200_characters():
    salon = Salon(name="Salon\r\nBcc: someone@example.com " + "x" * 300, timezone="UTC")
    client = Client(name="Anna\nSchmidt", phone="+4915111111111", email="anna@example.com")
    sms, email = appointment_messages("appointment_created", salon, client, datetime(2025, 1, 6, 14, tzinfo=UTC))
    assert "\n" not in sms.body and "\n" not in email.subject and "\r" not in email.body
    assert email.body.startswith("Hello Anna Schmidt,")
    assert len(email.subject) == 200


def test_there_is_no_wording_for_other_events():
    with pytest.raises(ValueError):
        appointment_messages("appointment_deleted", SALON, ANNA, datetime(2025, 1, 6, 14, tzinfo=UTC))


def test_the_manage_link_needs_both_the_public_address_and_a_token():
    assert manage_link("https://salon.example/", 7, "7-42-abc") == LINK
    assert manage_link(None, 7, "7-42-abc") is None
    assert manage_link("https://salon.example", 7, None) is None
