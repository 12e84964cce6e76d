"""The booking widget in a real browser on a phone: a client books, confirms the phone by SMS, is
shown what the server refused, and moves or cancels through the booking link; the salon sees it."""

import re
import time

from playwright.sync_api import Page, expect
from support.salon import next_weekday

SMS_CODE = re.compile(r"\b(\d{6})\b")
MANAGE_LINK = re.compile(r"/widget/\d+/bookings/([^/]+)$")


def test_a_client_books_on_a_phone_and_the_salon_sees_it(phone, cluster, salon):
    salon.add_staff("Anna", position="Stylist")
    salon.add_staff("Ben")
    salon.add_service("Haircut", 60, ["Anna", "Ben"], price=4500)
    day = next_weekday(2)
    nine = salon.local(day, 9).isoformat()

    open_widget(phone, cluster, salon)
    haircut = phone.get_by_role("button", name=re.compile("^Haircut"))
    expect(haircut).to_contain_text("1 h · €45.00")
    assert_fits_phone(phone)
    haircut.click()
    expect(haircut).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("button", name="Continue").click()

    expect(phone.get_by_role("heading", name="Choose a specialist")).to_be_visible()
    expect(phone.get_by_role("button", name=re.compile("^Any specialist"))).to_be_visible()
    assert_fits_phone(phone)
    phone.get_by_role("button", name=re.compile("^Anna")).click()

    choose_time(phone, day, nine, "09:00")  # the salon's time, though the phone is in New York
    expect(phone.locator("#choice-summary")).to_contain_text("Haircut")
    expect(phone.locator("#choice-summary")).to_contain_text("Anna")
    fill_contact(phone, name="Mia", phone_number="0151 12345678", email="mia@example.com")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="Book").click()

    token = read_confirmation(phone, ["Haircut", "Anna, Stylist", "09:00", "10:00", "€45.00"])
    assert_fits_phone(phone)
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    anna = next(column for column in calendar["staff"] if column["staff_member"]["name"] == "Anna")
    [appointment] = anna["appointments"]
    assert appointment["starts_at"] == nine and appointment["total_price"] == 4500
    assert appointment["client"]["name"] == "Mia" and appointment["client"]["phone"] == "+4915112345678"
    assert appointment["source"] == "widget" and appointment["created_by"]["kind"] == "client"
    assert salon.public.ok("GET", f"/api/v1/bookings/{token}")["id"] == appointment["id"]


def test_the_phone_is_confirmed_with_the_code_sent_by_sms(phone, cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Manicure", 30, ["Anna"], price=2500)
    salon.api.ok("PUT", "/api/v1/online-booking-settings", {"sms_confirmation": True})
    day = next_weekday(3)
    ten = salon.local(day, 10).isoformat()

    open_widget(phone, cluster, salon)
    phone.get_by_role("button", name=re.compile("^Manicure")).click()
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("button", name=re.compile("^Any specialist")).click()
    choose_time(phone, day, ten, "10:00")
    fill_contact(phone, name="Lea", phone_number="+49 151 23456789")
    phone.get_by_role("button", name="Continue").click()

    expect(phone.get_by_role("heading", name="Confirm your phone")).to_be_visible()
    expect(phone.locator("#code-sent")).to_contain_text("+4915123456789")
    assert_fits_phone(phone)
    code = sms_code(salon, "+4915123456789")
    code_field = phone.get_by_label(re.compile("^Code from the text message"))
    code_field.fill(f"{(int(code) + 1) % 1_000_000:06d}")
    phone.get_by_role("button", name="Confirm and book").click()
    expect(phone.locator("#sms-code-error")).to_be_visible()
    expect(code_field).to_have_attribute("aria-invalid", "true")

    code_field.fill(code)
    phone.get_by_role("button", name="Confirm and book").click()
    token = read_confirmation(phone, ["Manicure", "Anna", "10:00", "€25.00"])
    booking = salon.public.ok("GET", f"/api/v1/bookings/{token}")
    assert booking["starts_at"] == ten and booking["state"] == "booked"
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    [appointment] = [booked for column in calendar["staff"] for booked in column["appointments"]]
    assert appointment["client"]["phone"] == "+4915123456789"


def test_what_the_server_refuses_is_shown_next_to_the_field(phone, cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"], price=4500)
    settings = {"email_field": "required", "any_specialist": False, "contact_step_message": "Bring your card."}
    salon.api.ok("PUT", "/api/v1/online-booking-settings", settings)
    day = next_weekday(4)
    eleven = salon.local(day, 11).isoformat()

    open_widget(phone, cluster, salon)
    phone.get_by_role("button", name=re.compile("^Haircut")).click()
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("button", name=re.compile("^Anna"))).to_be_visible()
    expect(phone.get_by_role("button", name=re.compile("^Any specialist"))).to_have_count(0)
    phone.get_by_role("button", name=re.compile("^Anna")).click()
    choose_time(phone, day, eleven, "11:00")
    expect(phone.get_by_text("Bring your card.")).to_be_visible()
    expect(phone.locator("label[for=client-email]")).to_contain_text("required")
    fill_contact(phone, name="Mia", phone_number="0151 12345678")

    with phone.expect_response(
        lambda answer: answer.url.endswith("/bookings") and answer.request.method == "POST"
    ) as sent:
        phone.get_by_role("button", name="Book").click()
    refused = sent.value
    assert refused.status == 422
    body = refused.json()
    expect(phone.locator("#client-email-error")).to_have_text(" ".join(email_errors(body)))
    expect(phone.get_by_label(re.compile("^Email"))).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_role("alert")).to_contain_text(body["message"])
    assert_fits_phone(phone)

    phone.get_by_label(re.compile("^Email")).fill("mia@example.com")
    phone.get_by_role("button", name="Book").click()
    read_confirmation(phone, ["Haircut", "Anna", "11:00"])
    expect(phone.get_by_role("alert")).to_be_hidden()


def test_the_client_cancels_through_the_booking_link(phone, cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"], price=4500)
    day = next_weekday(1)
    token = salon.book_online(["Haircut"], salon.local(day, 10), "Anna").json()["link_token"]

    phone.goto(f"{cluster.gateway_url}/widget/{salon.company_id}/bookings/{token}")
    expect(phone.get_by_role("heading", name="Your booking")).to_be_visible()
    expect(phone.locator("#booking-state")).to_have_text("You are booked.")
    for text in ("Haircut", "Anna", "10:00", "11:00", "€45.00"):
        expect(phone.locator("#booking-details")).to_contain_text(text)
    assert_fits_phone(phone)

    phone.get_by_role("button", name="Cancel booking").click()
    expect(phone.locator("#cancel-question")).to_contain_text("10:00")
    phone.get_by_role("button", name="Keep my booking").click()
    phone.get_by_role("button", name="Cancel booking").click()
    assert_fits_phone(phone)
    phone.get_by_role("button", name="Yes, cancel it").click()

    expect(phone.locator("#booking-state")).to_have_text("This booking is cancelled.")
    expect(phone.get_by_role("button", name="Cancel booking")).to_be_hidden()
    expect(phone.get_by_role("link", name="Book a new appointment")).to_have_attribute(
        "href", f"/widget/{salon.company_id}"
    )
    assert salon.public.ok("GET", f"/api/v1/bookings/{token}")["state"] == "cancelled"


def test_the_client_moves_the_booking_to_another_free_time(phone, cluster, salon):
    salon.add_staff("Anna")
    salon.add_service("Haircut", 60, ["Anna"])
    day = next_weekday(0)
    token = salon.book_online(["Haircut"], salon.local(day, 10), "Anna").json()["link_token"]
    two_pm = salon.local(day, 14).isoformat()

    phone.goto(f"{cluster.gateway_url}/widget/{salon.company_id}/bookings/{token}")
    phone.get_by_role("button", name="Move to another time").click()
    expect(phone.get_by_role("heading", name="Choose a new time")).to_be_visible()
    choose_time(phone, day, two_pm, "14:00")
    move = phone.get_by_role("button", name=re.compile("^Move my booking to"))
    expect(move).to_contain_text("14:00")
    assert_fits_phone(phone)
    move.click()

    expect(phone.get_by_role("status")).to_contain_text("moved")
    expect(phone.locator("#booking-details")).to_contain_text("14:00")
    assert salon.public.ok("GET", f"/api/v1/bookings/{token}")["starts_at"] == two_pm


# ---------------------------------------------------------------- what a client does, step by step


def open_widget(page: Page, cluster, salon) -> None:
    page.goto(f"{cluster.gateway_url}/widget/{salon.company_id}")
    expect(page.get_by_role("heading", name="Choose a service")).to_be_visible()
    expect(page.locator("#salon-name")).to_have_text(salon_name(salon))


def salon_name(salon) -> str:
    return salon.public.ok("GET", f"/api/v1/companies/{salon.company_id}")["name"]


def choose_time(page: Page, day, start: str, shown_as: str) -> None:
    expect(page.get_by_role("heading", name=re.compile("^Choose a (new )?time"))).to_be_visible()
    assert_fits_phone(page)
    page.locator(f'[data-date="{day.isoformat()}"]').click()
    slot = page.locator(f'[data-start="{start}"]')
    expect(slot).to_have_text(shown_as)
    slot.click()


def fill_contact(page: Page, name: str, phone_number: str, email: str | None = None) -> None:
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_label(re.compile("^Name")).fill(name)
    page.get_by_label(re.compile("^Phone")).fill(phone_number)
    if email:
        page.get_by_label(re.compile("^Email")).fill(email)


def read_confirmation(page: Page, expected: list[str]) -> str:
    """The confirmation names what was booked; its link, the client's secret, is returned."""
    expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
    for text in expected:
        expect(page.locator("#done-details")).to_contain_text(text)
    link = page.get_by_role("link", name=re.compile("View, move or cancel"))
    found = MANAGE_LINK.search(link.get_attribute("href"))
    assert found, link.get_attribute("href")
    return found.group(1)


def sms_code(salon, recipient: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        messages = salon.api.ok("GET", "/api/v1/notifications/messages", params={"channel": "sms"})
        texts = [message["body"] for message in messages if message["recipient"] == recipient]
        if texts and (code := SMS_CODE.search(texts[0])):
            return code.group(1)
        assert time.monotonic() < deadline, f"no code texted to {recipient}: {messages}"
        time.sleep(0.2)


def is_a_booking(answer) -> bool:
    return answer.request.method == "POST" and answer.url.endswith("/bookings")


def email_errors(body: dict) -> list[str]:
    errors = body["errors"]["json"]
    return errors["client"]["email"] if "email" in errors.get("client", {}) else errors["email"]


def assert_fits_phone(page: Page) -> None:
    """Nothing scrolls sideways, and everything to tap is at least 44 by 44 CSS pixels."""
    layout = page.evaluate(
        """() => {
            const targets = [...document.querySelectorAll("button, a, input, textarea, select")]
                .filter((target) => target.getClientRects().length > 0)
                .map((target) => {
                    const box = target.getBoundingClientRect();
                    return {target: target.id || target.textContent.trim(), width: box.width, height: box.height};
                });
            return {
                page: document.documentElement.scrollWidth,
                screen: window.innerWidth,
                small: targets.filter((one) => one.width < 44 || one.height < 44),
            };
        }"""
    )
    assert layout["page"] <= layout["screen"], f"scrolls sideways: {layout}"
    assert not layout["small"], f"too small to tap: {layout['small']}"
