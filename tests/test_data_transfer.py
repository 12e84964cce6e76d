"""Excel export by email and Excel import of bookings, services and clients, through the gateway,
down to the email at the SMTP server, the file, the data log and the calendar."""

import io
import time
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from support.salon import next_weekday
from test_rights import roles_of, sign_in

from imports.domain.bookings_sheet import BOOKING_COLUMNS

DAY = next_weekday(3, after=date.today() + timedelta(days=7))  # a Thursday at least a week ahead
OVERVIEW = "/api/v1/bookings-overview"


def wait_for_job(api, job_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = api.ok("GET", f"/api/v1/jobs/{job_id}")
        if job["status"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.2)


def workbook(header, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(api, content: bytes, kind="bookings", dry_run=False, name="calendar.xlsx"):
    files = {"file": (name, content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    return api.request("POST", "/api/v1/imports", files=files, data={"kind": kind, "dry_run": str(dry_run).lower()})


@pytest.fixture
def stylist(salon):
    salon.add_staff("Anna")
    salon.add_service("Cut", 30, ["Anna"], price=3000)
    salon.add_service("Colour", 60, ["Anna"], price=6000)
    return salon


def booking_row(salon, hour, phone, name="Olga", minute=0, **cells):
    values = {
        "Date": f"{DAY:%d.%m.%Y} {hour:02d}:{minute:02d}",
        "Employee ID": salon.staff["Anna"],
        "Customer phone number": phone,
        "Client name": name,
        "Employee name": "Anna",
        "Duration": 1800,
        "Service ID": salon.services["Cut"],
        "Name of service": "Cut",
        "Price of service": "25.00",
        "Discount on the service": 0,
        "Comment": "",
        "Booking status (number)": 2,
        "Appointment status (line)": "Confirmed",
        **cells,
    }
    return [values[column] for column in BOOKING_COLUMNS]


def test_an_export_is_emailed_logged_downloaded_and_safe(stylist, inbox):
    salon = stylist
    for hour, name in ((9, "Olga"), (11, '=HYPERLINK("http://evil")')):
        client = {"name": name, "phone": f"+49151888000{hour:02d}"}
        assert salon.book_as_staff(["Cut"], salon.local(DAY, hour), "Anna", client=client).status_code == 201
    job = salon.api.ok("POST", "/api/v1/exports", {"source": "offline"}, expect=(202,))
    done = wait_for_job(salon.api, job["id"])
    assert done["status"] == "done" and done["report"] == {"rows": 2}
    email = inbox.wait_for(salon.owner_email, "export")
    assert f"/admin/{salon.company_id}#exports/{job['id']}" in email.get_content()

    response = salon.api.get(f"/api/v1/exports/{job['id']}/file")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][: len(BOOKING_COLUMNS)]) == list(BOOKING_COLUMNS) and len(rows) == 3
    names = {row[3] for row in rows[1:]}
    assert "Olga" in names and '\'=HYPERLINK("http://evil")' in names  # neutralised: never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    log = salon.api.ok("GET", "/api/v1/data-log")
    actions = [(entry["action"], entry["job_id"]) for entry in log]
    assert ("export_requested", job["id"]) in actions and ("export_downloaded", job["id"]) in actions
    requested = next(entry for entry in log if entry["action"] == "export_requested")
    assert requested["details"]["filters"]["source"] == "offline" and requested["user"]["name"] == "Owner"

    _, specialist = sign_in(salon, roles_of(salon)["specialist"]["id"])
    assert specialist.get(f"/api/v1/exports/{job['id']}/file").status_code == 403
    assert specialist.post("/api/v1/exports", {}).status_code == 403


def test_an_import_checks_every_row_then_writes_once_and_tells_no_one(stylist):
    salon = stylist
    rows = [booking_row(salon, 9, "4915188800101"), booking_row(salon, 10, "4915188800102", name="Ivan", minute=7)]
    content = workbook(BOOKING_COLUMNS, rows)

    dry = wait_for_job(salon.api, upload(salon.api, content, dry_run=True).json()["id"])
    assert dry["report"] == {"rows": 2, "created": 0, "existing": 0, "problems": []}
    assert salon.api.ok("GET", OVERVIEW)["rows"] == []  # a dry run writes nothing

    first = upload(salon.api, content)
    assert first.status_code == 202
    job = wait_for_job(salon.api, first.json()["id"])
    assert job["report"] == {"rows": 2, "created": 2, "existing": 0, "problems": []}
    again = upload(salon.api, content).json()
    assert again["id"] == job["id"]  # the same file, uploaded twice: one import
    imported = salon.api.ok("GET", OVERVIEW)["rows"]
    assert len(imported) == 2 and {row["source"] for row in imported} == {"import"}
    ivan = next(row for row in imported if row["client"]["name"] == "Ivan")
    assert ivan["starts_at"].startswith(f"{DAY.isoformat()}T10:00")  # 10:07 rounded to the 15-minute grid
    assert ivan["visit_status"] == "confirmed" and ivan["client"]["phone"] == "+4915188800102"
    time.sleep(1)  # the events have been relayed by now: an import sends nothing to anyone
    sent = salon.api.ok("GET", "/api/v1/notifications/messages", params={"recipient": "+4915188800101"})
    assert sent == []


def test_a_bad_file_reports_every_problem_and_writes_nothing(stylist):
    salon = stylist
    good = booking_row(salon, 9, "4915188800201")
    rows = [
        good,
        booking_row(salon, 10, "12", name=""),  # bad phone, no name
        booking_row(salon, 11, "4915188800203", **{"Service ID": 999999, "Name of service": ""}),
        booking_row(salon, 12, "4915188800204", Date="31.02.2027 10:00"),
        booking_row(salon, 9, "4915188800205", minute=15),  # overlaps the first row
    ]
    job = wait_for_job(salon.api, upload(salon.api, workbook(BOOKING_COLUMNS, rows)).json()["id"])
    problems = {(p["row"], p["column"]) for p in job["report"]["problems"]}
    assert {(3, "Customer phone number"), (3, "Client name"), (4, "Service ID"), (5, "Date")} <= problems
    assert job["report"]["created"] == 0
    assert salon.api.ok("GET", OVERVIEW)["rows"] == []
    overlap = wait_for_job(salon.api, upload(salon.api, workbook(BOOKING_COLUMNS, [good, rows[4]])).json()["id"])
    assert overlap["report"]["problems"] == [
        {"row": 3, "column": "Date", "message": "Overlaps row 2 for the same employee."}
    ]
    assert salon.api.ok("GET", OVERVIEW)["rows"] == []


def test_oversized_or_malicious_files_are_refused(stylist):
    salon = stylist
    not_a_workbook = wait_for_job(salon.api, upload(salon.api, b"this is not a spreadsheet").json()["id"])
    assert not_a_workbook["report"]["problems"] and not_a_workbook["report"]["created"] == 0
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (300 * 2**20) + b"</a>")
    refused = wait_for_job(salon.api, upload(salon.api, bomb.getvalue()).json()["id"])
    assert refused["report"]["problems"] and refused["report"]["created"] == 0
    too_big = upload(salon.api, b"x" * (10 * 2**20 + 1))
    assert too_big.status_code in (413, 422)
    assert salon.api.ok("GET", OVERVIEW)["rows"] == []


def test_importing_needs_the_import_right_and_takes_services_and_clients(stylist):
    salon = stylist
    _, administrator = sign_in(salon, roles_of(salon)["administrator"]["id"])
    refused = upload(administrator, workbook(BOOKING_COLUMNS, []))
    assert refused.status_code == 403 and "import_data" in refused.json()["message"]

    services = workbook(
        ["Name", "Category", "Price min", "Price max", "Duration (minutes)"],
        [["Beard trim", "Barber", "12.50", "", 15], ["Cut", "", "30", "", 30]],
    )
    job = wait_for_job(salon.api, upload(salon.api, services, kind="services").json()["id"])
    assert job["report"]["created"] == 1 and job["report"]["existing"] == 1
    titles = {s["title"] for s in salon.api.ok("GET", "/api/v1/services")}
    assert "Beard trim" in titles

    clients = workbook(
        ["Name", "Phone", "Email"], [["Mia", "015188800301", "mia@example.com"], ["Bo", "015188800302", ""]]
    )
    job = wait_for_job(salon.api, upload(salon.api, clients, kind="clients").json()["id"])
    assert job["report"]["created"] == 2 and job["report"]["problems"] == []
    found = salon.api.ok("GET", "/api/v1/clients", params={"q": "88800301"})
    assert [client["email"] for client in found] == ["mia@example.com"]
