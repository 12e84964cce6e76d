"""The staff calendar in a real browser, on a 375 px phone and a desktop: the owner books by tapping an
empty time, works the visit (prices, discounts, quantities, status), adds breaks and group events,
deletes an appointment; a specialist sees only their own column; the week view shows one staff
member's seven days; a DST change day labels its hours by the salon's clock. What the page shows is
checked against what the API then says."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from support.api import Api
from support.salon import OWNER_PASSWORD, open_salon
from test_rights import PASSWORD, as_user

DELETE_QUESTION = "Are you sure you want to delete the appointment?"
FIRST_DAY = date.today() + timedelta(days=14 - date.today().weekday())  # a Monday, at least a week away
SPRING_FORWARD, FALL_BACK = date(2027, 3, 28), date(2027, 10, 31)  # in Europe/Berlin
UNTIL = "\N{EN DASH}"  # between a visit's start and end
VIP = {"title": "VIP", "colour": "#d9534f"}
VIP_RED, NEAR_BLACK = "rgb(217, 83, 79)", "rgb(17, 17, 17)"
LUNCH = [
    {"weekday": day, "shifts": [{"start": "09:00", "end": "18:00"}], "breaks": [{"start": "13:00", "end": "14:00"}]}
    for day in range(7)
]
_numbers = iter(range(1, 10_000))


@pytest.fixture(scope="module")
def shop(cluster):
    """One salon for the whole module; each test books on days of its own, so none sees another's."""
    salon = open_salon(Api(cluster.gateway_url))
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    salon.add_staff("Cleo", weekly=LUNCH)
    salon.add_service("Cut", 30, ["Anna", "Ben", "Cleo"], price=3000)
    salon.add_service("Colour", 60, ["Anna"], price=4500)
    salon.add_service("Shave", 30, ["Ben"], price=2000)
    salon.add_service("Yoga", 60, ["Anna"], price=1500, group_capacity=2)
    hair_type = {"code": "hair_type", "title": "Hair type", "type": "select", "options": ["Straight", "Curly"]}
    salon.api.ok("POST", "/api/v1/appointment-extra-fields", hair_type)
    return salon


@pytest.fixture(scope="module")
def vip(shop) -> dict:
    return shop.api.ok("POST", "/api/v1/appointment-categories", VIP)


@pytest.fixture(params=["phone", "desktop"])
def screen(request) -> Page:
    page = request.getfixturevalue(request.param)
    page.width_name = request.param
    return page


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Screenshots of each test at each width, to look at (CALENDAR_SCREENSHOTS keeps them)."""
    kept = os.environ.get("CALENDAR_SCREENSHOTS")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return tmp_path_factory.mktemp("calendar-shots")


def day_of(test_number: int, page: Page) -> date:
    """A day of the test's own, a different one at each width."""
    return FIRST_DAY + timedelta(days=2 * test_number + (page.width_name == "desktop"))


def test_tapping_an_empty_time_books_an_appointment(screen, cluster, shop, vip, shots):
    day = day_of(0, screen)
    regular = new_client(shop, "Greta Regular")
    open_calendar(screen, cluster, shop, day)
    assert_columns_fit(screen)

    tap_empty_time(screen, shop, "Anna", "10:00", fraction=0.3)
    menu = screen.locator("#slot-menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_label("Time")).to_have_value("10:15")  # the tap, down to the 15 minute step
    menu.get_by_label("Time").fill("10:30")
    screenshot(screen, shots, "slot-menu")
    menu.get_by_role("button", name="Appointment").click()

    form = screen.locator("#new-appointment")
    expect(form.get_by_role("heading", name="New appointment")).to_be_visible()
    expect(form.get_by_label("Time")).to_have_value("10:30")
    expect(form.get_by_label("Staff member")).to_have_value(str(shop.staff["Anna"]))
    offered = form.locator("#appointment-services label")
    expect(offered).to_have_count(2)  # Anna's Cut and Colour: not Ben's Shave, not the group Yoga
    for title in ("Cut", "Colour"):
        expect(offered.filter(has_text=title)).to_have_count(1)
    form.get_by_label("Find a client by name or phone").fill(regular["phone"][:9])
    form.locator(f'button.match[data-client-id="{regular["id"]}"]').click()
    expect(form.locator(".chosen-name")).to_contain_text("Greta Regular")
    form.get_by_role("checkbox", name=re.compile("^Cut")).check()
    expect(form.get_by_label("Duration (minutes)")).to_have_value("30")
    form.get_by_label("Comment").fill("Window seat")
    form.get_by_text("Colour, category, extra fields").click()
    form.get_by_label("Category").select_option(label="VIP")
    form.get_by_label("Hair type").select_option("Curly")
    screenshot(screen, shots, "new-appointment")
    assert_fits(screen)

    posts = []
    screen.on("request", lambda sent: posts.append(sent) if is_booking(sent) else None)
    with screen.expect_response(lambda answer: is_booking(answer.request)) as booked:
        # A double tap: the second press finds the button busy and sends nothing.
        screen.evaluate("""() => { const b = document.getElementById("create-appointment"); b.click(); b.click(); }""")
    assert booked.value.status == 201, booked.value.text()
    appointment = booked.value.json()["appointment"]
    assert len(posts) == 1 and len(posts[0].headers["idempotency-key"]) >= 16
    expect(form).to_be_hidden()

    block = appointment_block(screen, appointment["id"])
    for text in (until("10:30", "11:00"), "Greta Regular", "Cut", "Expected"):
        expect(block).to_contain_text(text)
    expect(block).to_have_css("background-color", VIP_RED)  # the category's colour, with the text that reads best
    expect(block).to_have_css("color", NEAR_BLACK)
    screenshot(screen, shots, "booked")
    [saved] = appointments_of(shop, day, "Anna")
    assert saved["id"] == appointment["id"] and saved["client_id"] == regular["id"]
    assert saved["starts_at"] == shop.local(day, 10, 30).isoformat()
    assert [line["title"] for line in saved["services"]] == ["Cut"] and saved["comment"] == "Window seat"
    assert saved["category_id"] == vip["id"] and saved["extra_fields"] == {"hair_type": "Curly"}


def test_the_visit_window_changes_price_discount_and_quantity(screen, cluster, shop, shots):
    day = day_of(1, screen)
    appointment = book(shop, day, 12, "Anna", ["Cut"])
    open_calendar(screen, cluster, shop, day)
    visit = open_visit(screen, appointment["id"])
    line = visit.locator(".line").first
    expect(line).to_contain_text("Cut")
    expect(line.locator(".line-total")).to_contain_text("€30.00")

    line.get_by_label("Price (€)").fill("45.50")
    save_lines(screen)
    expect(line.locator(".line-total")).to_contain_text("€45.50")
    expect(total(visit)).to_have_text("€45.50")

    line.get_by_label("Discount", exact=True).fill("5")
    save_lines(screen)
    expect(line.locator(".line-total")).to_contain_text("€40.50")
    expect(total(visit)).to_have_text("€40.50")

    line.get_by_label("Discount", exact=True).fill("10")
    line.get_by_label("Discount as").select_option("percent")
    save_lines(screen)
    expect(line.locator(".line-total")).to_contain_text("€40.95")

    line.get_by_role("button", name="One more Cut").click()
    expect(line.get_by_label("Quantity")).to_have_value("2")
    expect(visit.locator("#lines-note")).to_have_text("Not saved yet.")
    screenshot(screen, shots, "visit-unsaved")
    save_lines(screen)
    expect(line.locator(".line-total")).to_contain_text("€81.90")
    expect(total(visit)).to_have_text("€81.90")
    expect(money_line(visit, "Due")).to_have_text("€81.90")
    assert_fits(screen)

    [cut] = shop.api.ok("GET", f"/api/v1/appointments/{appointment['id']}")["services"]
    assert (cut["price"], cut["quantity"], cut["discount_percent"], cut["total"]) == (4550, 2, 10, 8190)

    visit.get_by_label("Add a service").select_option(label="Colour · €45.00")
    visit.get_by_role("button", name="Add", exact=True).click()
    expect(visit.locator(".line")).to_have_count(2)
    expect(total(visit)).to_have_text("€126.90")
    screenshot(screen, shots, "visit-two-lines")
    visit.get_by_role("button", name="Remove Colour").click()
    expect(visit.locator(".line")).to_have_count(1)
    expect(total(visit)).to_have_text("€81.90")
    saved = shop.api.ok("GET", f"/api/v1/appointments/{appointment['id']}")
    assert [line["title"] for line in saved["services"]] == ["Cut"] and saved["total_price"] == 8190


def test_setting_arrived_is_shown_on_the_block(screen, cluster, shop, shots):
    day = day_of(2, screen)
    appointment = book(shop, day, 11, "Ben", ["Shave"])
    open_calendar(screen, cluster, shop, day)
    visit = open_visit(screen, appointment["id"])
    expect(visit.get_by_role("button", name="Expected")).to_have_attribute("aria-pressed", "true")
    with screen.expect_response(lambda answer: answer.url.endswith("/visit-status")) as changed:
        visit.get_by_role("button", name="Arrived").click()
    assert changed.value.status == 200, changed.value.text()
    expect(visit.get_by_role("button", name="Arrived")).to_have_attribute("aria-pressed", "true")
    expect(visit.get_by_role("button", name="Expected")).to_have_attribute("aria-pressed", "false")
    screenshot(screen, shots, "visit-arrived")
    close_window(screen, "visit")
    expect(appointment_block(screen, appointment["id"]).locator(".visit-status")).to_have_text("Arrived")
    assert shop.api.ok("GET", f"/api/v1/appointments/{appointment['id']}")["visit_status"] == "arrived"


def test_a_break_is_added_from_the_pop_up_and_one_over_an_appointment_is_refused(screen, cluster, shop, shots):
    day = day_of(3, screen)
    book(shop, day, 15, "Ben", ["Shave"])
    open_calendar(screen, cluster, shop, day)

    column(screen, shop, "Ben").locator('.empty-time[data-hour="13:00"]').focus()  # by keyboard this time
    screen.keyboard.press("Enter")
    expect(screen.locator("#slot-time")).to_have_value("13:00")
    screen.locator("#slot-menu").get_by_role("button", name="Break").click()
    form = screen.locator("#new-break")
    expect(form.get_by_label("Start")).to_have_value("13:00")
    expect(form.get_by_label("End")).to_have_value("13:30")
    form.get_by_label("Note").fill("Lunch")
    with screen.expect_response(lambda answer: answer.url.endswith("/breaks")) as added:
        form.get_by_role("button", name="Add the break").click()
    assert added.value.status == 201, added.value.text()
    break_id = added.value.json()["id"]
    block = column(screen, shop, "Ben").locator(f'.break[data-break-id="{break_id}"]')
    expect(block).to_contain_text(until("13:00", "13:30"))
    expect(block).to_contain_text("Lunch")
    [kept] = [one for one in column_of(shop, day, "Ben")["breaks"] if one["id"] == break_id]
    assert kept["start"] == shop.local(day, 13).isoformat() and kept["note"] == "Lunch"

    tap_empty_time(screen, shop, "Ben", "14:00")
    screen.locator("#slot-menu").get_by_role("button", name="Break").click()
    form.get_by_label("Start").fill("14:45")
    form.get_by_label("End").fill("15:15")
    with screen.expect_response(lambda answer: answer.url.endswith("/breaks")) as refused:
        form.get_by_role("button", name="Add the break").click()
    assert refused.value.status == 409, refused.value.text()
    problem = form.locator("#break-problem")
    expect(problem).to_contain_text(refused.value.json()["message"])
    expect(form.get_by_label("Start")).to_have_attribute("aria-invalid", "true")
    screenshot(screen, shots, "break-refused")
    assert_fits(screen)
    form.get_by_role("button", name="Cancel").click()
    assert [one["id"] for one in column_of(shop, day, "Ben")["breaks"] if one["id"]] == [break_id]

    block.click()
    with screen.expect_response(lambda answer: answer.request.method == "DELETE") as removed:
        screen.get_by_role("button", name="Remove the break").click()
    assert removed.value.status == 204
    expect(block).to_have_count(0)
    assert not [one for one in column_of(shop, day, "Ben")["breaks"] if one["id"]]


def test_a_group_event_takes_clients_until_it_is_full(screen, cluster, shop, shots):
    day = day_of(4, screen)
    regular = new_client(shop, "Hanna Regular")
    open_calendar(screen, cluster, shop, day)

    tap_empty_time(screen, shop, "Anna", "16:00")
    screen.locator("#slot-menu").get_by_role("button", name="Group event").click()
    form = screen.locator("#new-group-event")
    expect(form.get_by_label("Service")).to_have_value(str(shop.services["Yoga"]))
    expect(form.get_by_label("Service").locator("option")).to_have_count(1)
    expect(form.get_by_label("Capacity (seats)")).to_have_value("2")
    expect(form.get_by_label("Length (minutes)")).to_have_value("60")
    form.get_by_label("Title").fill("Evening yoga")
    with screen.expect_response(lambda answer: answer.url.endswith("/group-events")) as created:
        form.get_by_role("button", name="Create").click()
    assert created.value.status == 201, created.value.text()
    event_id = created.value.json()["id"]
    block = screen.locator(f'.group-event[data-group-event-id="{event_id}"]')
    expect(block).to_contain_text("Evening yoga")
    expect(block).to_contain_text("0/2 seats")

    block.click()
    window = screen.locator("#group-event")
    expect(window.get_by_role("heading", name="Evening yoga")).to_be_visible()
    window.get_by_role("button", name="New client").click()
    newcomer_phone = f"+4915166{next(_numbers):06d}"
    window.get_by_label("Phone (required)").fill(newcomer_phone)
    window.get_by_label("Name (required)").fill("Nora Newcomer")
    add_seat(screen, 201)
    expect(window.locator(".seat")).to_have_count(1)
    window.get_by_label("Find a client by name or phone").fill("Hanna")
    window.locator(f'button.match[data-client-id="{regular["id"]}"]').click()
    add_seat(screen, 201)
    expect(window.locator(".seat")).to_have_count(2)
    expect(window.locator("#event-facts")).to_contain_text("2/2 taken, 0 free")

    window.get_by_role("button", name="New client").click()
    window.get_by_label("Phone (required)").fill(f"+4915166{next(_numbers):06d}")
    window.get_by_label("Name (required)").fill("One Too Many")
    refused = add_seat(screen, 409)
    expect(window.locator("#seat-problem")).to_contain_text(refused["message"])
    screenshot(screen, shots, "group-event-full")
    assert_fits(screen)
    close_window(screen, "group-event")
    expect(block).to_contain_text("2/2 seats")

    event = shop.api.ok("GET", f"/api/v1/group-events/{event_id}")
    assert event["seats_taken"] == 2 and event["title"] == "Evening yoga"
    assert {seat["client_name"] for seat in event["seats"]} == {"Nora Newcomer", "Hanna Regular"}
    assert event["starts_at"] == shop.local(day, 16).isoformat()

    block.click()
    with screen.expect_response(lambda answer: answer.request.method == "DELETE") as removed:
        window.get_by_role("button", name="Take Nora Newcomer off the event").click()
    assert removed.value.status == 200, removed.value.text()
    expect(window.locator(".seat")).to_have_count(1)
    expect(block).to_contain_text("1/2 seats")
    window.get_by_role("button", name="Cancel the event").click()
    with screen.expect_response(lambda answer: answer.url.endswith("/cancel")) as cancelled:
        screen.locator("#confirm").get_by_role("button", name="Yes, cancel it").click()
    assert cancelled.value.status == 200, cancelled.value.text()
    expect(window).to_be_hidden()
    event = shop.api.ok("GET", f"/api/v1/group-events/{event_id}")
    assert event["state"] == "cancelled" and event["seats_taken"] == 0
    assert column_of(shop, day, "Anna")["group_events"] == [], "a cancelled event is still on the calendar"
    expect(block).to_have_count(0)


def test_deleting_an_appointment_asks_first_and_takes_it_off(screen, cluster, shop, shots):
    day = day_of(5, screen)
    appointment = book(shop, day, 9, "Cleo", ["Cut"])
    open_calendar(screen, cluster, shop, day)
    expect(column(screen, shop, "Cleo").locator(".break.weekly")).to_contain_text(until("13:00", "14:00"))  # her lunch
    visit = open_visit(screen, appointment["id"])
    visit.get_by_role("button", name="Delete").click()
    question = screen.locator("#confirm")
    expect(question.locator("#confirm-question")).to_have_text(DELETE_QUESTION)
    screenshot(screen, shots, "delete-question")
    question.get_by_role("button", name="No").click()
    expect(question).to_be_hidden()
    expect(visit).to_be_visible()

    visit.get_by_role("button", name="Delete").click()
    with screen.expect_response(lambda answer: answer.request.method == "DELETE") as deleted:
        question.get_by_role("button", name="Yes").click()
    assert deleted.value.status == 204, deleted.value.text()
    expect(visit).to_be_hidden()
    expect(appointment_block(screen, appointment["id"])).to_have_count(0)
    expect(screen.locator("#sheet-status")).to_contain_text("Appointment deleted")
    assert appointments_of(shop, day, "Cleo") == []


def test_a_specialist_sees_only_their_own_column(screen, cluster, shop, shots):
    day = day_of(6, screen)
    own = book(shop, day, 10, "Anna", ["Cut"])
    book(shop, day, 10, "Ben", ["Cut"])
    specialist_role = next(role for role in shop.api.ok("GET", "/api/v1/roles") if role["name"] == "specialist")
    email = f"anna{next(_numbers)}@example.com"
    user = {"name": "Anna Specialist", "email": email, "password": PASSWORD, "role_id": specialist_role["id"]}
    shop.api.ok("POST", "/api/v1/users", {**user, "staff_member_id": shop.staff["Anna"]})
    open_calendar(screen, cluster, shop, day, email=email, password=PASSWORD)

    expect(screen.locator(".column")).to_have_count(1)
    expect(screen.locator(".heading")).to_have_text(["Anna"])
    expect(screen.locator("#week-of option")).to_have_text(["Day", "Week of Anna"])
    expect(appointment_block(screen, own["id"])).to_be_visible()
    expect(screen.locator(".appointment")).to_have_count(1)
    visit = open_visit(screen, own["id"])
    expect(visit.get_by_role("button", name="Delete")).to_be_hidden()  # no delete_bookings right
    screenshot(screen, shots, "specialist")
    close_window(screen, "visit")

    seen = as_user(shop, email).ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    assert [one["staff_member"]["name"] for one in seen["staff"]] == ["Anna"]


def test_the_week_view_shows_seven_days_of_one_staff_member(screen, cluster, shop, shots):
    day = day_of(7, screen)
    later = book(shop, day + timedelta(days=2), 14, "Ben", ["Shave"])
    open_calendar(screen, cluster, shop, day)
    with screen.expect_response(lambda answer: "/calendar/week" in answer.url) as week:
        screen.get_by_role("button", name="Ben: show the week").click()
    assert week.value.status == 200, week.value.text()
    days = [one["date"] for one in week.value.json()["days"]]
    assert days == [(day + timedelta(days=n)).isoformat() for n in range(7)]

    expect(screen.locator(".column")).to_have_count(7)
    expect(screen.locator("#sheet-title")).to_contain_text("Ben")
    for n, column_date in enumerate(days):
        expect(screen.locator(".column").nth(n)).to_have_attribute("data-date", column_date)
    block = screen.locator(f'.column[data-date="{days[2]}"]').locator(appointment_selector(later["id"]))
    expect(block).to_contain_text(until("14:00", "14:30"))
    expect(screen.locator("#week-of")).to_have_value(str(shop.staff["Ben"]))
    screenshot(screen, shots, "week")
    assert_fits(screen)

    with screen.expect_response(lambda answer: "/calendar/week" in answer.url) as next_week:
        screen.get_by_role("button", name="Next week").click()
    assert next_week.value.json()["date_from"] == (day + timedelta(days=7)).isoformat()
    with screen.expect_response(lambda answer: "/calendar?date=" in answer.url):
        screen.locator("#week-of").select_option("")
    expect(screen.locator(".column")).to_have_count(3)


def test_the_visit_window_edits_details_and_reschedules(screen, cluster, shop, shots):
    day = day_of(8, screen)
    appointment = book(shop, day, 14, "Anna", ["Cut"])
    open_calendar(screen, cluster, shop, day)
    visit = open_visit(screen, appointment["id"])
    visit.get_by_text("Edit details").click()
    visit.get_by_label("Length (minutes)").fill("45")
    visit.get_by_label("Own colour").check()
    visit.get_by_label("Colour", exact=True).fill("#ffd966")
    visit.get_by_label("Comment").fill("Bring photos")
    visit.get_by_label("Hair type").select_option("Straight")
    with screen.expect_response(lambda answer: answer.request.method == "PATCH") as saved:
        visit.get_by_role("button", name="Save details").click()
    assert saved.value.status == 200, saved.value.text()
    block = appointment_block(screen, appointment["id"])
    expect(block).to_contain_text(until("14:00", "14:45"))
    expect(block).to_have_css("background-color", "rgb(255, 217, 102)")
    edited = shop.api.ok("GET", f"/api/v1/appointments/{appointment['id']}")
    assert edited["ends_at"] == shop.local(day, 14, 45).isoformat() and edited["colour"] == "#ffd966"
    assert edited["comment"] == "Bring photos" and edited["extra_fields"] == {"hair_type": "Straight"}

    visit.get_by_text("Reschedule").click()
    visit.get_by_label("Time", exact=True).fill("15:30")
    visit.locator("#move-staff").select_option(label="Cleo")
    screenshot(screen, shots, "visit-reschedule")
    with screen.expect_response(lambda answer: answer.url.endswith("/reschedule")) as moved:
        visit.get_by_role("button", name="Move the appointment").click()
    assert moved.value.status == 200, moved.value.text()
    expect(column(screen, shop, "Cleo").locator(appointment_selector(appointment["id"]))).to_contain_text(
        until("15:30", "16:15")
    )
    expect(column(screen, shop, "Anna").locator(".appointment")).to_have_count(0)
    moved = shop.api.ok("GET", f"/api/v1/appointments/{appointment['id']}")
    assert moved["staff_member_id"] == shop.staff["Cleo"] and moved["starts_at"] == shop.local(day, 15, 30).isoformat()


def test_a_refused_session_brings_the_sign_in_back(screen, cluster, shop):
    day = day_of(9, screen)
    open_calendar(screen, cluster, shop, day)
    screen.evaluate(
        """(companyId) => {
            const key = `salon-calendar:${companyId}`;
            const kept = JSON.parse(sessionStorage.getItem(key));
            sessionStorage.setItem(key, JSON.stringify({...kept, access_token: "no.longer.valid"}));
        }""",
        shop.company_id,
    )
    with screen.expect_response(lambda answer: "/api/v1/calendar?date=" in answer.url) as refused:
        screen.get_by_role("button", name="Next day").click()
    assert refused.value.status == 401
    expect(screen.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(screen.locator("#sign-in-problem")).to_contain_text(refused.value.json()["message"])
    expect(screen.locator("#workspace")).to_be_hidden()


def test_a_user_without_a_calendar_right_is_told_so(screen, cluster, shop):
    front_desk = shop.api.ok("POST", "/api/v1/roles", {"name": f"Desk {next(_numbers)}", "rights": ["export_data"]})
    email = f"desk{next(_numbers)}@example.com"
    shop.api.ok(
        "POST", "/api/v1/users", {"name": "Desk", "email": email, "password": PASSWORD, "role_id": front_desk["id"]}
    )
    screen.goto(f"{cluster.gateway_url}/calendar/{shop.company_id}")
    form = screen.locator("#sign-in")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    with screen.expect_response(lambda answer: "/api/v1/calendar?date=" in answer.url) as refused:
        form.get_by_role("button", name="Sign in").click()
    assert refused.value.status == 403, refused.value.text()
    expect(screen.locator("#sheet-problem")).to_contain_text(refused.value.json()["message"])
    expect(screen.locator(".column")).to_have_count(0)


def test_a_dst_change_day_labels_hours_by_the_salon_clock(screen, cluster, shop, shots):
    spring = book(shop, SPRING_FORWARD, 10, "Anna" if screen.width_name == "phone" else "Ben", ["Cut"])
    open_calendar(screen, cluster, shop, SPRING_FORWARD)
    labels = screen.locator(".hour-label")
    expected = ["00:00", "01:00", *[f"{hour:02d}:00" for hour in range(3, 24)]]  # 23 hours: no 02:00
    expect(labels).to_have_text(expected)
    block = appointment_block(screen, spring["id"])
    expect(block).to_contain_text(until("10:00", "10:30"))
    # Laid out by instants: 10:00 is nine hours after midnight on this day.
    column_top, block_top, hour = screen.evaluate(
        """(id) => {
            const block = document.querySelector(`.appointment[data-appointment-id="${id}"]`);
            const column = block.closest(".column");
            const cell = column.querySelector(".empty-time");
            return [column.getBoundingClientRect().top, block.getBoundingClientRect().top,
                    cell.getBoundingClientRect().height];
        }""",
        spring["id"],
    )
    assert abs((block_top - column_top) - 9 * hour) < 1.5
    tap_empty_time(screen, shop, "Cleo", "03:00")
    expect(screen.locator("#slot-time")).to_have_value("03:00")
    close_window(screen, "slot-menu")
    screenshot(screen, shots, "spring-forward")

    go_to(screen, FALL_BACK)
    expect(labels).to_have_count(25)
    expect(labels.nth(2)).to_have_text("02:00")
    expect(labels.nth(3)).to_have_text("02:00")
    expect(labels.nth(4)).to_have_text("03:00")
    answer = shop.api.ok("GET", "/api/v1/calendar", params={"date": FALL_BACK.isoformat()})
    assert answer["staff"][0]["working"][0]["start"] == shop.local(FALL_BACK, 9).isoformat()


# ---------------------------------------------------------------- what staff do, step by step


def open_calendar(page: Page, cluster, salon, day: date, email: str | None = None, password=OWNER_PASSWORD):
    """Sign in on the calendar page and go to the day."""
    page.goto(f"{cluster.gateway_url}/calendar/{salon.company_id}")
    form = page.locator("#sign-in")
    expect(form.get_by_role("heading", name="Sign in")).to_be_visible()
    form.get_by_label("Email").fill(email or salon.owner_email)
    form.get_by_label("Password").fill(password)
    with page.expect_response(lambda answer: "/api/v1/calendar?date=" in answer.url) as today:
        form.get_by_role("button", name="Sign in").click()
    assert today.value.status == 200, today.value.text()
    expect(page.locator(".grid")).to_be_visible()
    go_to(page, day)


def go_to(page: Page, day: date) -> dict:
    with page.expect_response(lambda answer: f"/api/v1/calendar?date={day.isoformat()}" in answer.url) as shown:
        page.locator("#date").fill(day.isoformat())
    assert shown.value.status == 200, shown.value.text()
    expect(page.locator(".column").first).to_have_attribute("data-date", day.isoformat())
    return shown.value.json()


def column(page: Page, salon, name: str):
    return page.locator(f'.column[data-staff-member-id="{salon.staff[name]}"]')


def tap_empty_time(page: Page, salon, name: str, hour: str, fraction: float = 0.05) -> None:
    """Tap the hour of a staff member's column, `fraction` of the way down it."""
    cell = column(page, salon, name).locator(f'.empty-time[data-hour="{hour}"]')
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    cell.click(position={"x": box["width"] / 2, "y": box["height"] * fraction})
    expect(page.locator("#slot-menu")).to_be_visible()


def appointment_selector(appointment_id: int) -> str:
    return f'.appointment[data-appointment-id="{appointment_id}"]'


def appointment_block(page: Page, appointment_id: int):
    return page.locator(appointment_selector(appointment_id))


def open_visit(page: Page, appointment_id: int):
    with page.expect_response(lambda answer: answer.url.endswith(f"/appointments/{appointment_id}")) as opened:
        appointment_block(page, appointment_id).click()
    assert opened.value.status == 200, opened.value.text()
    visit = page.locator("#visit")
    expect(visit).to_be_visible()
    return visit


def save_lines(page: Page) -> None:
    with page.expect_response(lambda answer: answer.request.method == "PATCH") as saved:
        page.get_by_role("button", name="Save services").click()
    assert saved.value.status == 200, saved.value.text()


def money_line(visit, name: str):
    return visit.locator("#visit-money div").filter(has=visit.page.locator("dt", has_text=name)).locator("dd")


def total(visit):
    return money_line(visit, "Total")


def add_seat(page: Page, status: int) -> dict:
    with page.expect_response(lambda answer: answer.url.endswith("/seats")) as added:
        page.get_by_role("button", name="Add the client").click()
    assert added.value.status == status, added.value.text()
    return added.value.json()


def close_window(page: Page, dialog_id: str) -> None:
    page.keyboard.press("Escape")
    expect(page.locator(f"#{dialog_id}")).to_be_hidden()


def until(start: str, end: str) -> str:
    return f"{start}{UNTIL}{end}"


def is_booking(request) -> bool:
    return request.method == "POST" and request.url.endswith("/api/v1/appointments")


# ---------------------------------------------------------------- the salon, through the API


def new_client(salon, name: str) -> dict:
    """A client in the salon's base: booked once, on a day no test looks at."""
    phone = f"+4915177{next(_numbers):06d}"
    far = FIRST_DAY + timedelta(days=60 + next(_numbers))
    salon.book_as_staff(["Cut"], salon.local(far, 9), "Cleo", client={"name": name, "phone": phone})
    [client] = salon.api.ok("GET", "/api/v1/clients", params={"q": phone})
    return client


def book(salon, day: date, hour: int, name: str, services: list[str]) -> dict:
    client = {"name": f"Client {next(_numbers)}", "phone": f"+4915188{next(_numbers):06d}"}
    response = salon.book_as_staff(services, salon.local(day, hour), name, client=client)
    assert response.status_code == 201, response.text
    return response.json()["appointment"]


def column_of(salon, day: date, name: str) -> dict:
    answer = salon.api.ok("GET", "/api/v1/calendar", params={"date": day.isoformat()})
    return next(one for one in answer["staff"] if one["staff_member"]["id"] == salon.staff[name])


def appointments_of(salon, day: date, name: str) -> list[dict]:
    return column_of(salon, day, name)["appointments"]


# ---------------------------------------------------------------- how it looks


def screenshot(page: Page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}-{page.width_name}.png"))


def assert_columns_fit(page: Page) -> None:
    """On a desktop the three columns fit side by side; on a phone they scroll sideways inside the
    sheet (never the page) with the time axis kept in view."""
    layout = page.evaluate(
        """() => {
            const sheet = document.getElementById("sheet");
            const before = document.querySelector(".axis").getBoundingClientRect().left;
            sheet.scrollLeft = 200;
            const after = document.querySelector(".axis").getBoundingClientRect().left;
            sheet.scrollLeft = 0;
            return {scrolls: sheet.scrollWidth > sheet.clientWidth, page: document.documentElement.scrollWidth,
                    screen: window.innerWidth, axisMoved: Math.abs(after - before)};
        }"""
    )
    assert layout["page"] <= layout["screen"], layout
    assert layout["scrolls"] == (page.width_name == "phone"), layout
    assert layout["axisMoved"] < 1, layout


def assert_fits(page: Page) -> None:
    """Nothing scrolls the page sideways; on a phone everything to tap is at least 44 by 44 CSS pixels."""
    layout = page.evaluate(
        """(TARGETS) => {
            const visible = (target) => {
                const box = target.getBoundingClientRect();
                return target.getClientRects().length > 0 && box.bottom > 0 && box.top < innerHeight
                    && box.right > 0 && box.left < innerWidth && !target.closest(".visually-hidden");
            };
            const open = document.querySelector("dialog[open]");
            const targets = [...(open ?? document).querySelectorAll(TARGETS)]
                .filter(visible)
                .map((target) => {
                    const box = target.getBoundingClientRect();
                    return {target: target.id || target.textContent.trim(), width: box.width, height: box.height};
                });
            return {
                page: document.documentElement.scrollWidth,
                screen: window.innerWidth,
                small: targets.filter((one) => one.width < 44 || one.height < 44),
            };
        }""",
        "button, a, select, summary, input:not([type=checkbox]), textarea, label:has(> input[type=checkbox])",
    )
    assert layout["page"] <= layout["screen"], f"scrolls sideways: {layout}"
    if page.width_name == "phone":
        assert not layout["small"], f"too small to tap: {layout['small']}"
