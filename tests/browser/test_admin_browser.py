"""Overview > Bookings in a real browser: the owner signs in, filters, reads each booking's details,
deletes one and sees it tinted with who deleted it, requests an Excel export and downloads it from the
data log, and checks an import file to read its problems by row and column; a user with fewer rights
sees fewer actions and is told what was not deleted; on a phone the list is cards, and a session the
server no longer accepts brings back the sign-in form; signing out ends the token on the server."""

import io
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from playwright.sync_api import Page, expect
from support.salon import OWNER_PASSWORD, next_weekday
from support.till import take_payment
from test_rights import PASSWORD, sign_in

from gateway.rpc import RpcClient

DAY = next_weekday(1, after=date.today() + timedelta(days=2))
OVERVIEW = "/api/v1/bookings-overview"
DELETED_PINK = "rgb(251, 227, 236)"
UNTIL = "\N{EN DASH}"  # between a visit's start and end
OLGA = {"name": "Olga Ivanova", "phone": "+4915177700001"}
OLGA_TOO = {"name": "Olga Schmidt", "phone": "+4915177700002"}
PETER = {"name": "Peter Brown", "phone": "+4915177700003"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_the_books(salon) -> dict[str, int]:
    """Three bookings on DAY: Olga Ivanova online at 10:00, Olga Schmidt and Peter Brown at the desk."""
    salon.add_staff("Anna")
    salon.add_staff("Ben")
    hair = salon.api.ok("POST", "/api/v1/service-categories", {"title": "Hair"})["id"]
    salon.add_service("Cut", 30, ["Anna", "Ben"], price=3000, category_id=hair)
    salon.add_service("Manicure", 60, ["Anna", "Ben"], price=4500)
    online = salon.book_online(["Cut"], salon.local(DAY, 10), "Anna", client=OLGA)
    vip = salon.api.ok("POST", "/api/v1/appointment-categories", {"title": "VIP", "colour": "#8e44ad"})["id"]
    desk = salon.book_as_staff(["Manicure"], salon.local(DAY, 12), "Ben", client=OLGA_TOO, category_id=vip)
    walk_in = salon.book_as_staff(["Cut"], salon.local(DAY, 14), "Anna", client=PETER)
    for response in (online, desk, walk_in):
        assert response.status_code == 201, response.text
    return {
        "online": online.json()["appointment"]["id"],
        "desk": desk.json()["appointment"]["id"],
        "walk_in": walk_in.json()["appointment"]["id"],
    }


def test_the_owner_filters_reads_and_deletes_a_booking(desktop, cluster, salon):
    bookings = open_the_books(salon)
    sign_in_to_admin(desktop, cluster, salon, salon.owner_email, OWNER_PASSWORD)
    expect(desktop.locator("tr.booking")).to_have_count(3)
    assert_fits(desktop)

    shown = show(desktop, client="Olga")
    assert {row["id"] for row in shown["rows"]} == {bookings["online"], bookings["desk"]}
    expect(desktop.locator("tr.booking")).to_have_count(2)
    rows = {row["id"]: row for row in shown["rows"]}
    online = booking_row(desktop, bookings["online"])
    status = visit_status_label(rows[bookings["online"]])
    for text in ("by client", "Online: booking widget", "Anna", "Cut · €30.00", "Olga Ivanova", "+4915177700001",
                 f"10:00{UNTIL}10:30", status, "Not paid, €30.00 due"):  # fmt: skip
        expect(online).to_contain_text(text)
    desk = booking_row(desktop, bookings["desk"])
    for text in ("by Owner", "Calendar", "Ben", "Manicure · €45.00", "Olga Schmidt", f"12:00{UNTIL}13:00"):
        expect(desk).to_contain_text(text)
    expect(online).to_contain_text(salon_day(DAY))
    desk.get_by_role("button", name="Info").click()
    expect(info_row(desktop, bookings["desk"])).to_contain_text("VIP")

    delete_button = desktop.get_by_role("button", name=re.compile("^Delete selected"))
    expect(delete_button).to_be_disabled()
    online.get_by_role("checkbox").check()
    expect(delete_button).to_have_text("Delete selected (1)")
    delete_button.click()
    expect(desktop.locator("#delete-question")).to_contain_text("1 booking for good")
    with desktop.expect_response(is_deletion) as deletion, desktop.expect_response(is_overview) as refreshed:
        desktop.get_by_role("button", name="Yes, delete").click()
    assert deletion.value.json() == {"deleted": [bookings["online"]], "skipped": []}
    [deleted] = [row for row in refreshed.value.json()["rows"] if row["id"] == bookings["online"]]
    assert deleted["state"] == "deleted" and deleted["deleted_by"]["name"] == "Owner"

    expect(desktop.locator("#bookings-status")).to_have_text("1 booking deleted.")
    online = booking_row(desktop, bookings["online"])
    expect(online).to_have_class(re.compile(r"\bdeleted\b"))
    expect(online).to_have_css("background-color", DELETED_PINK)
    expect(online.get_by_role("checkbox")).to_be_disabled()
    expect(online).to_contain_text("Deleted")
    expect(booking_row(desktop, bookings["desk"])).not_to_have_class(re.compile(r"\bdeleted\b"))
    online.get_by_role("button", name="Info").click()
    info = info_row(desktop, bookings["online"])
    expect(info).to_be_visible()
    expect(info).to_contain_text(f"{salon_clock(salon, deleted['deleted_at'])} by Owner")
    expect(info).to_contain_text(f"#{bookings['online']}")
    calendar = salon.api.ok("GET", "/api/v1/calendar", params={"date": DAY.isoformat()})
    assert all(one["id"] != bookings["online"] for column in calendar["staff"] for one in column["appointments"])


def test_the_owner_requests_an_export_and_downloads_it_from_the_data_log(desktop, cluster, salon):
    open_the_books(salon)
    sign_in_to_admin(desktop, cluster, salon, salon.owner_email, OWNER_PASSWORD)
    desktop.get_by_label("Client name or phone").fill("Olga")
    desktop.get_by_label("Source").select_option("offline")

    with desktop.expect_response(lambda answer: answer.url.endswith("/api/v1/exports")) as requested:
        desktop.get_by_role("button", name="Download as Excel").click()
    assert requested.value.status == 202
    sent = requested.value.request.post_data_json
    assert sent["client"] == "Olga" and sent["source"] == "offline"
    assert "sort" not in sent and "order" not in sent
    expect(desktop.locator("#bookings-status")).to_contain_text("emailed to you")

    entry = desktop.locator(f'#data-log-rows tr[data-job-id="{requested.value.json()["id"]}"]')
    expect(entry).to_have_attribute("data-action", "export_requested")
    expect(entry).to_contain_text("Export requested")
    expect(entry).to_contain_text("Owner")
    download_button = entry.get_by_role("button", name="Download")
    expect(download_button).to_be_visible(timeout=60_000)
    with desktop.expect_download() as downloading:
        download_button.click()
    workbook = downloading.value
    assert workbook.suggested_filename.endswith(".xlsx")
    with open(workbook.path(), "rb") as saved:
        assert saved.read(2) == b"PK"  # an .xlsx is a zip
    expect(desktop.locator('#data-log-rows tr[data-action="export_downloaded"]')).to_contain_text("Owner")


def test_the_owner_checks_an_import_and_reads_its_problems_by_row_and_column(desktop, cluster, salon):
    sign_in_to_admin(desktop, cluster, salon, salon.owner_email, OWNER_PASSWORD)
    workbook = services_workbook([("Colour", None, 50, None, 60), ("Trim", None, 20, 10, 7)])
    desktop.get_by_label("Excel file (.xlsx)").set_input_files(
        files=[{"name": "services.xlsx", "mimeType": XLSX, "buffer": workbook}]
    )
    desktop.get_by_label("What the file holds").select_option("services")
    uploads = []
    desktop.on("request", lambda sent: uploads.append(sent) if sent.url.endswith("/api/v1/imports") else None)

    with desktop.expect_response(lambda answer: answer.url.endswith("/api/v1/imports")) as started:
        # One task: the check starts, and pressing either button again while it runs sends nothing.
        still_held = desktop.evaluate(
            """() => {
                document.getElementById("import-check").click();
                document.getElementById("import-run").click();
                document.getElementById("import-check").click();
                return document.getElementById("import-run").disabled;
            }"""
        )
    assert still_held and started.value.status == 202, started.value.text()
    job_id = started.value.json()["id"]
    expect(desktop.locator("#import-status")).to_contain_text("Check finished, nothing was written", timeout=60_000)
    expect(desktop.get_by_role("button", name="Import", exact=True)).to_be_enabled()
    assert len(uploads) == 1 and b'name="dry_run"\r\n\r\ntrue' in uploads[0].post_data_buffer

    report = salon.api.ok("GET", f"/api/v1/jobs/{job_id}")["report"]
    assert {problem["row"] for problem in report["problems"]} == {3}
    table = desktop.locator("#import-report table")
    expect(table.locator("tbody tr")).to_have_count(len(report["problems"]))
    for index, problem in enumerate(report["problems"]):
        cells = table.locator("tbody tr").nth(index).locator("td")
        expect(cells).to_have_text([str(problem["row"]), problem["column"], problem["message"]])
    assert "Colour" not in {service["title"] for service in salon.api.ok("GET", "/api/v1/services")}
    expect(desktop.locator(f'#data-log-rows tr[data-job-id="{job_id}"]')).to_have_attribute(
        "data-action", "import_dry_run"
    )


def test_a_user_sees_only_what_their_rights_allow_and_what_was_not_deleted(desktop, cluster, salon):
    bookings = open_the_books(salon)
    take_payment(salon, bookings["desk"], 4500)
    rights = ["view_bookings_overview", "delete_bookings"]
    role = salon.api.ok("POST", "/api/v1/roles", {"name": "Front desk", "rights": rights})
    user, _ = sign_in(salon, role["id"])
    sign_in_to_admin(desktop, cluster, salon, user["email"], PASSWORD)
    expect(desktop.locator("tr.booking")).to_have_count(3)

    expect(desktop.get_by_role("button", name="Download as Excel")).to_be_hidden()
    expect(desktop.get_by_role("heading", name="Data log")).to_be_hidden()
    expect(desktop.get_by_role("heading", name="Upload from Excel")).to_be_hidden()
    expect(desktop.get_by_label("Created by user")).to_be_hidden()
    expect(desktop.get_by_role("heading", name="Messages today")).to_be_hidden()  # needs manage_settings
    expect(booking_row(desktop, bookings["desk"])).to_contain_text("Paid in full, €45.00")

    for booking in ("desk", "walk_in"):
        booking_row(desktop, bookings[booking]).get_by_role("checkbox").check()
    desktop.get_by_role("button", name="Delete selected (2)").click()
    with desktop.expect_response(is_deletion) as deletion:
        desktop.get_by_role("button", name="Yes, delete").click()
    [skipped] = deletion.value.json()["skipped"]
    assert skipped["id"] == bookings["desk"]
    report = desktop.locator("#deletion-report")
    expect(report).to_contain_text("1 booking was not deleted")
    expect(report.locator(f'li[data-booking-id="{bookings["desk"]}"]')).to_have_text(
        f"Olga Schmidt, {salon_day(DAY)}, 12:00: {skipped['reason']}"
    )
    expect(booking_row(desktop, bookings["walk_in"])).to_have_class(re.compile(r"\bdeleted\b"))
    expect(booking_row(desktop, bookings["desk"])).not_to_have_class(re.compile(r"\bdeleted\b"))


def test_on_a_phone_bookings_are_cards_and_a_refused_session_signs_out(phone, cluster, salon):
    bookings = open_the_books(salon)
    phone.goto(f"{cluster.gateway_url}/admin/{salon.company_id}")
    phone.get_by_label("Email").fill(salon.owner_email)
    phone.get_by_label("Password").fill("not-the-password")
    with phone.expect_response(lambda answer: answer.url.endswith("/auth/login")) as refused:
        phone.get_by_role("button", name="Sign in").click()
    assert refused.value.status in (401, 403)
    expect(phone.locator("#sign-in-problem")).to_have_text(refused.value.json()["message"])
    assert_fits(phone)

    sign_in_to_admin(phone, cluster, salon, salon.owner_email, OWNER_PASSWORD, reload=False)
    expect(phone.locator("tr.booking")).to_have_count(3)
    assert_fits(phone)
    walk_in = booking_row(phone, bookings["walk_in"])
    expect(walk_in.locator('td[data-label="Client"]')).to_contain_text("Peter Brown")
    walk_in.get_by_role("button", name="Info").click()
    expect(info_row(phone, bookings["walk_in"])).to_contain_text(f"#{bookings['walk_in']}")
    assert_fits(phone)

    phone.locator("#filter-box > summary").click()
    expect(phone.get_by_label("Client name or phone")).to_be_visible()
    assert_fits(phone)
    phone.evaluate(
        """(companyId) => {
            const key = `salon-admin:${companyId}`;
            const kept = JSON.parse(sessionStorage.getItem(key));
            sessionStorage.setItem(key, JSON.stringify({...kept, access_token: "no.longer.valid"}));
        }""",
        salon.company_id,
    )
    with phone.expect_response(is_overview) as refused:
        phone.get_by_role("button", name="Show").click()
    assert refused.value.status == 401
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(phone.locator("#sign-in-problem")).to_contain_text(refused.value.json()["message"])
    expect(phone.locator("#workspace")).to_be_hidden()


def test_signing_out_ends_the_token_on_the_server_too(desktop, cluster, salon):
    sign_in_to_admin(desktop, cluster, salon, salon.owner_email, OWNER_PASSWORD)
    token = desktop.evaluate(
        "(companyId) => JSON.parse(sessionStorage.getItem(`salon-admin:${companyId}`)).access_token", salon.company_id
    )
    assert salon.public.as_staff(token).get("/api/v1/me").status_code == 200
    with desktop.expect_response(lambda answer: answer.url.endswith("/api/v1/auth/logout")) as signed_out:
        desktop.get_by_role("button", name="Sign out").click()
    assert signed_out.value.status == 204
    expect(desktop.get_by_role("heading", name="Sign in")).to_be_visible()
    assert (
        desktop.evaluate("(companyId) => sessionStorage.getItem(`salon-admin:${companyId}`)", salon.company_id) is None
    )
    assert salon.public.as_staff(token).get("/api/v1/me").status_code == 401  # a copied token is no use either


def test_the_salon_sees_its_sms_today_against_the_daily_cap_on_a_phone_and_a_desktop(
    phone, desktop, cluster, salon, tmp_path_factory
):
    """Fault 4: a salon's SMS are capped a day, and its staff can see how many have gone."""
    open_the_books(salon)  # three bookings: each texts its client
    today = wait_for_sms(salon, 3)
    cap = today["sms"]["cap"]
    shots = Path(os.environ.get("ADMIN_SCREENSHOTS") or tmp_path_factory.mktemp("admin-shots"))
    shots.mkdir(parents=True, exist_ok=True)
    for page, width in ((phone, "phone"), (desktop, "desktop")):
        sign_in_to_admin(page, cluster, salon, salon.owner_email, OWNER_PASSWORD)
        usage = page.locator("#usage")
        expect(usage.get_by_role("heading", name="Messages today")).to_be_visible()
        expect(usage.locator("#sms-usage")).to_have_text(f"SMS sent today: 3 of {cap}")
        expect(usage.locator("#email-usage")).to_have_text(f"Emails sent today: 0 of {today['email']['cap']}")
        expect(usage.locator("#sms-meter")).to_have_js_property("value", 3)
        expect(usage.locator("#usage-note")).to_contain_text("The counts start again on")
        assert_fits(page)
        page.screenshot(path=shots / f"usage-{width}.png")

    rpc = RpcClient(cluster.amqp_uri, timeout=10)  # the rest of the day's SMS, as any service may send them
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: rpc.call("notifications", "send_sms", salon.company_id,
                                         {"phone": f"+4915199{n:06d}", "text": "See you soon.", "purpose": "reminder"}),
                      range(cap - 3)))  # fmt: skip
    phone.reload()
    usage = phone.locator("#usage")
    expect(usage.locator("#sms-usage")).to_have_text(f"SMS sent today: {cap} of {cap}")
    expect(usage.locator("#usage-note")).to_contain_text("The daily SMS limit is reached: no more is sent until")
    expect(usage).to_have_class(re.compile(r"\blimit-reached\b"))
    expect(phone.locator("#loading")).to_be_hidden()
    assert_fits(phone)
    phone.screenshot(path=shots / "usage-phone-limit-reached.png")


def wait_for_sms(salon, count: int) -> dict:
    deadline = time.monotonic() + 20
    while (today := salon.api.ok("GET", "/api/v1/notifications/usage"))["sms"]["sent"] < count:
        assert time.monotonic() < deadline, today
        time.sleep(0.2)
    return today


# ---------------------------------------------------------------- what the admin does, step by step


def sign_in_to_admin(page: Page, cluster, salon, email: str, password: str, reload: bool = True) -> dict:
    """Sign in and wait for the first page of bookings; returns what the server answered."""
    if reload:
        page.goto(f"{cluster.gateway_url}/admin/{salon.company_id}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_response(is_overview) as first_page:
        page.get_by_role("button", name="Sign in").click()
    assert first_page.value.status == 200, first_page.value.text()
    expect(page.get_by_role("heading", name="Overview: bookings")).to_be_visible()
    return first_page.value.json()


def show(page: Page, client: str) -> dict:
    page.get_by_label("Client name or phone").fill(client)
    with page.expect_response(lambda answer: is_overview(answer) and f"client={client}" in answer.url) as answer:
        page.get_by_role("button", name="Show").click()
    assert answer.value.status == 200, answer.value.text()
    return answer.value.json()


def is_overview(answer) -> bool:
    return answer.request.method == "GET" and f"{OVERVIEW}" in answer.url and "/delete" not in answer.url


def is_deletion(answer) -> bool:
    return answer.request.method == "POST" and answer.url.endswith(f"{OVERVIEW}/delete")


def booking_row(page: Page, appointment_id: int):
    return page.locator(f'tr.booking[data-booking-id="{appointment_id}"]')


def info_row(page: Page, appointment_id: int):
    return page.locator(f"#booking-{appointment_id}-info")


def visit_status_label(row: dict) -> str:
    return {"pending": "Pending", "confirmed": "Confirmed", "arrived": "Arrived", "no_show": "No-show"}[
        row["visit_status"]
    ]


def salon_day(day: date) -> str:
    """As Chromium writes it in en-GB: "Tue, 24 Nov 2026"."""
    return f"{day:%a}, {day.day} {day:%b %Y}"


def salon_clock(salon, iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(salon.timezone)).strftime("%H:%M")


def services_workbook(rows: list[tuple]) -> bytes:
    """The services sheet as the imports service reads it: its header, then one service per row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Category", "Price min", "Price max", "Duration (minutes)"])
    for row in rows:
        sheet.append(list(row))
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def assert_fits(page: Page) -> None:
    """Nothing scrolls sideways; on a touch screen everything to tap is at least 44 by 44 CSS pixels
    (a checkbox through the label around it)."""
    layout = page.evaluate(
        """() => {
            const touch = matchMedia("(pointer: coarse)").matches;
            const targets = [...document.querySelectorAll(
                    "button, a, select, summary, input:not([type=checkbox]), label:has(> input[type=checkbox])")]
                .filter((target) => target.getClientRects().length > 0)
                .map((target) => {
                    const box = target.getBoundingClientRect();
                    return {target: target.id || target.textContent.trim(), width: box.width, height: box.height};
                });
            return {
                page: document.documentElement.scrollWidth,
                screen: window.innerWidth,
                small: touch ? targets.filter((one) => one.width < 44 || one.height < 44) : [],
            };
        }"""
    )
    assert layout["page"] <= layout["screen"], f"scrolls sideways: {layout}"
    assert not layout["small"], f"too small to tap: {layout['small']}"
