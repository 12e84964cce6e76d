"""The service as it runs in production: `nameko run` on the real broker and database, its job runner
calling scheduling, clients, bookings and notifications over RPC. Those four are stand-ins
(tests/fake_neighbours.py) on the same vhost, which record what they were asked."""

import base64
import io
import itertools
import os
import random
import time
import zipfile
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

import salon_infra.dependencies  # noqa: F401 - our error types come back over RPC as themselves
from imports.domain.bookings_sheet import BOOKING_COLUMNS
from imports.domain.export import BOOKINGS_EXPORT_COLUMNS
from imports.models import Base
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.migrations import upgrade
from salon_infra.testing import (
    free_port,
    running_service,
    schema_drift,
    temporary_database,
    temporary_vhost,
    wait_until_consuming,
)

SERVICE_DIR = Path(__file__).resolve().parents[2]
TESTS_DIR = SERVICE_DIR / "tests"
OWNER, RECEPTION = 3, 4
ANNA, CUT, COLOUR = 11, 21, 22
BASE_URL = "https://salon.example"
_company_ids = itertools.count(random.randint(100_000, 900_000) * 10, 10)


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    export_dir = tmp_path_factory.mktemp("exports")
    python_path = os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")]))
    with temporary_database("imports_test") as database_url, temporary_vhost() as amqp_uri:
        upgrade("imports", database_url)
        assert schema_drift(database_url, Base.metadata) == []
        health_port = free_port()
        env = {"AMQP_URI": amqp_uri, "DATABASE_URL": database_url, "EXPORT_DIR": str(export_dir),
               "PUBLIC_BASE_URL": BASE_URL + "/"}  # fmt: skip
        with (
            running_service(
                "fake_neighbours",
                SERVICE_DIR / "config.yml",
                {"AMQP_URI": amqp_uri, "PYTHONPATH": python_path},
                log_path=logs / "neighbours.log",
                health_port=free_port(),
                rpc_name="scheduling",
            ),  # fmt: skip
            running_service(
                "imports.service:ImportsService",
                SERVICE_DIR / "config.yml",
                env,
                log_path=logs / "imports.log",
                health_port=health_port,
                rpc_name="imports",
            ),  # fmt: skip
            ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=30) as cluster,
        ):
            for name in ("accounts", "clients", "bookings", "notifications"):
                wait_until_consuming(amqp_uri, f"rpc-{name}", 30)
            yield SimpleNamespace(
                imports=cluster.imports, scheduling=cluster.scheduling, export_dir=export_dir, health_port=health_port
            )


@pytest.fixture
def company_id():
    """A company of the test's own: tenancy keeps tests apart."""
    return next(_company_ids)


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def booking(date="12.05.2027 10:00", phone="015188800101", name="Olga", **cells) -> list:
    values = {
        "Date": date, "Employee ID": ANNA, "Customer phone number": phone, "Client name": name,
        "Employee name": "Anna", "Duration": 3600, "Service ID": f"{CUT},{COLOUR}", "Name of service": "Cut##Colour",
        "Price of service": "25#50.50", "Discount on the service": "5", "Comment": "", "Booking status (number)": 2,
        "Appointment status (line)": "Confirmed", **cells,
    }  # fmt: skip
    return [values[column] for column in BOOKING_COLUMNS]


def start_import(running, company_id, content: bytes, kind="import_bookings", dry_run=False, user=OWNER) -> dict:
    command = {"kind": kind, "content_b64": base64.b64encode(content).decode(), "file_name": "calendar.xlsx",
               "dry_run": dry_run, "requested_by": {"user_id": user}}  # fmt: skip
    return running.imports.start_import(company_id, command)


def finished(running, company_id, job_id, timeout=60) -> dict:
    deadline = time.monotonic() + timeout
    while (job := running.imports.get_job(company_id, job_id))["status"] in ("pending", "running"):
        assert time.monotonic() < deadline, f"job {job_id} is still {job['status']}"
        time.sleep(0.1)
    return job


def calls(running, company_id, method) -> list:
    return [argument for name, argument in running.scheduling.recorded(company_id) if name == method]


def test_a_bad_file_reports_every_problem_and_nothing_is_sent_to_bookings(running, company_id):
    rows = [
        booking(),
        booking(phone="12", name=""),
        booking(**{"Service ID": "999", "Name of service": ""}),
        booking(date="31.02.2027 10:00", phone="015188800104"),
        booking(phone="99912345678"),  # clients refuses it
        booking(date="28.03.2027 02:30", phone="015188800106"),  # the clocks go forward in Berlin
    ]
    job = finished(running, company_id, start_import(running, company_id, xlsx([BOOKING_COLUMNS, *rows]))["id"])
    assert job["status"] == "done" and job["report"]["created"] == 0 and job["report"]["rows"] == 3
    found = [(problem["row"], problem["column"]) for problem in job["report"]["problems"]]
    assert found == [
        (3, "Customer phone number"), (3, "Client name"), (4, "Service ID"), (5, "Date"),
        (6, "Customer phone number"), (7, "Date"),
    ]  # fmt: skip
    assert "Europe/Berlin" in job["report"]["problems"][-1]["message"]
    assert calls(running, company_id, "import_appointments") == []
    assert calls(running, company_id, "find_or_create_clients") == []


def test_a_dry_run_reports_and_writes_nothing(running, company_id):
    content = xlsx([BOOKING_COLUMNS, booking(), booking(date="12.05.2027 12:00", phone="015188800102")])
    job = finished(running, company_id, start_import(running, company_id, content, dry_run=True)["id"])
    assert job["report"] == {"rows": 2, "created": 0, "existing": 0, "problems": []} and job["dry_run"]
    [asked] = calls(running, company_id, "import_appointments")
    assert asked["dry_run"] is True and len(asked["appointments"]) == 2
    assert calls(running, company_id, "find_or_create_clients") == []  # no client card either
    log = running.imports.list_data_log(company_id, {})
    assert [(e["action"], e["job_id"], e["details"]["rows"]) for e in log] == [("import_dry_run", job["id"], 2)]
    again = start_import(running, company_id, content, dry_run=True)
    assert again["id"] != job["id"]  # a dry run is never "the same file"


def test_the_same_file_twice_is_one_job_and_one_import(running, company_id):
    content = xlsx([BOOKING_COLUMNS, booking(), booking(date="12.05.2027 10:07", phone="4915188800102", name="Ivan")])
    first, double_click = (start_import(running, company_id, content) for _ in range(2))
    assert double_click["id"] == first["id"]
    job = finished(running, company_id, first["id"])
    assert job["report"] == {"rows": 2, "created": 2, "existing": 0, "problems": []}
    assert start_import(running, company_id, content)["id"] == job["id"]  # uploaded again later
    time.sleep(1.5)  # the runner would have taken a second job by now
    [imported] = calls(running, company_id, "import_appointments")
    assert imported["dry_run"] is False and imported["created_by"] == {"kind": "user", "id": OWNER}
    assert imported["timezone"] == "Europe/Berlin"
    olga, ivan = imported["appointments"]
    assert (olga["starts_at"], olga["ends_at"]) == ("2027-05-12T08:00:00+00:00", "2027-05-12T09:00:00+00:00")
    assert ivan["starts_at"] == "2027-05-12T08:00:00+00:00"  # 10:07 rounded to the 15-minute grid
    assert (olga["client_phone"], ivan["client_phone"]) == ("+4915188800101", "+4915188800102")
    assert [(line["service_id"], line["duration_minutes"], line["price"]) for line in olga["services"]] == [
        (CUT, 30, 2500), (COLOUR, 30, 5050)
    ]  # fmt: skip
    assert (olga["discount"], olga["visit_status"], olga["services"][0]["category_id"]) == (500, "confirmed", 31)
    [cards] = calls(running, company_id, "find_or_create_clients")
    assert [client["phone"] for client in cards["clients"]] == ["+4915188800101", "+4915188800102"]
    assert olga["client_id"] != ivan["client_id"]
    assert [e["action"] for e in running.imports.list_data_log(company_id, {})] == ["import_requested"]


def test_conflicts_found_by_bookings_are_reported_by_row(running, company_id):
    content = xlsx([BOOKING_COLUMNS, booking(), booking(date="12.05.2027 12:00", Comment="overlap")])
    job = finished(running, company_id, start_import(running, company_id, content)["id"])
    assert job["report"]["problems"] == [
        {"row": 3, "column": "Date", "message": "Overlaps an appointment in the calendar."}
    ]
    assert job["report"]["created"] == 0


def test_oversized_or_malicious_uploads_are_refused(running, company_id):
    with pytest.raises(InvalidInput) as refused:
        start_import(running, company_id, b"x" * (10 * 2**20 + 1))
    assert "content_b64" in refused.value.errors
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (300 * 2**20) + b"</a>")
    for content in (bomb.getvalue(), b"not a spreadsheet"):
        job = finished(running, company_id, start_import(running, company_id, content)["id"])
        assert job["status"] == "done" and job["report"]["created"] == 0
        [problem] = job["report"]["problems"]
        assert problem["row"] == 0 and problem["message"]
    assert calls(running, company_id, "import_appointments") == []


def test_probes_answer_while_a_large_file_is_parsed(running, company_id):
    rows = [booking(date=f"{1 + n % 28:02d}.06.2027 {8 + n % 10:02d}:00", phone=f"0151{n:08d}") for n in range(3000)]
    job = start_import(running, company_id, xlsx([BOOKING_COLUMNS, *rows]), dry_run=True)
    answers = []  # (seconds, the job's status meanwhile)
    while (status := running.imports.get_job(company_id, job["id"])["status"]) in ("pending", "running"):
        started = time.monotonic()
        assert requests.get(f"http://127.0.0.1:{running.health_port}/health/ready", timeout=5).status_code == 200
        answers.append((time.monotonic() - started, status))
    assert finished(running, company_id, job["id"])["report"]["rows"] == 3000
    assert [status for _, status in answers].count("running") >= 3
    assert max(seconds for seconds, _ in answers) < 0.5


def test_services_and_clients_are_imported(running, company_id):
    services = xlsx([
        ["Name", "Category", "Price min", "Price max", "Duration (minutes)"],
        ["Beard trim", "Barber", "12.50", "", 15], [" cut ", "", "30", "", 30], ["Shave", "Barber", "10", "15", 20],
    ])  # fmt: skip
    job = finished(running, company_id, start_import(running, company_id, services, kind="import_services")["id"])
    assert job["report"] == {"rows": 3, "created": 2, "existing": 1, "problems": []}
    assert calls(running, company_id, "create_service_category") == [{"title": "Barber"}]
    created = calls(running, company_id, "create_service")
    assert [(s["title"], s["price_min"], s["price_max"], s["duration_minutes"]) for s in created] == [
        ("Beard trim", 1250, 1250, 15), ("Shave", 1000, 1500, 20)
    ]  # fmt: skip
    assert {s["category_id"] for s in created} == {101}  # one new category, made once

    clients = xlsx([["Name", "Phone", "Email"], ["Mia", "015188800301", "mia@example.com"], ["Bo", "015188800302", ""]])
    job = finished(running, company_id, start_import(running, company_id, clients, kind="import_clients")["id"])
    assert job["report"] == {"rows": 2, "created": 2, "existing": 0, "problems": []}
    again = xlsx([["Name", "Phone", "Email"], ["Mia", "+49 151 88800301", ""], ["Eve", "99912345", ""]])
    job = finished(running, company_id, start_import(running, company_id, again, kind="import_clients")["id"])
    assert job["report"]["problems"] == [{"row": 3, "column": "Phone", "message": "not a phone number in Germany"}]
    assert len(calls(running, company_id, "find_or_create_clients")) == 1


def test_an_export_is_written_emailed_logged_and_downloaded(running, company_id):
    rows = [booking(date=f"{1 + n % 28:02d}.07.2027 {8 + n % 10:02d}:00", phone=f"0151{n:08d}") for n in range(250)]
    rows[0] = booking(date="01.07.2027 07:00", name='@HYPERLINK("http://evil")', phone="015100000999")
    imported = finished(running, company_id, start_import(running, company_id, xlsx([BOOKING_COLUMNS, *rows]))["id"])
    assert imported["report"]["created"] == 250

    filters = {"source": "offline", "visit_from": "2027-07-01T00:00:00+02:00"}
    requested_by = {"user_id": RECEPTION, "email": "reception@salon.example"}
    job = running.imports.start_export(company_id, {"filters": filters, "requested_by": requested_by})
    job = finished(running, company_id, job["id"])
    assert job["status"] == "done" and job["report"] == {"rows": 250} and job["file_size"] > 0
    pages = calls(running, company_id, "list_overview")
    assert [page["cursor"] for page in pages] == [None, "200"] and all(p["source"] == "offline" for p in pages)
    [email] = calls(running, company_id, "send_email")
    assert email["to"] == "reception@salon.example" and email["purpose"] == "export_ready"
    assert f"{BASE_URL}/admin/{company_id}#exports/{job['id']}" in email["text"]

    content, offset = b"", 0
    while True:
        piece = running.imports.read_export(company_id, job["id"], {"user_id": OWNER, "offset": offset, "length": 4096})
        content += base64.b64decode(piece["content_b64"])
        offset += 4096
        if offset >= piece["total_size"]:
            break
    assert piece["file_name"] == f"bookings-{job['id']}.xlsx" and len(content) == job["file_size"]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == BOOKINGS_EXPORT_COLUMNS and len(table) == 251
    first = table[1]
    assert first[0] == datetime(2027, 7, 1, 7, 0) and sheet["A2"].number_format == "dd.mm.yyyy hh:mm"
    assert first[2:6] == ("49" + "15100000999", '\'@HYPERLINK("http://evil")', "Anna", 3600)
    assert first[6:9] == (f"{CUT},{COLOUR}", "Cut##Colour", "25.00#50.50") and first[14] == "Owner"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    log = running.imports.list_data_log(company_id, {"limit": 10})
    actions = [(entry["action"], entry["user_id"], entry["job_id"]) for entry in log]
    assert actions[:2] == [("export_downloaded", OWNER, job["id"]), ("export_requested", RECEPTION, job["id"])]
    assert log[1]["details"]["filters"] == filters
    assert [e["action"] for e in running.imports.list_data_log(company_id, {"before_id": log[1]["id"]})] == [
        "import_requested"
    ]
    exports = running.imports.list_jobs(company_id, {"kind": "export_bookings"})
    assert [j["id"] for j in exports] == [job["id"]]


def test_another_companys_jobs_are_not_found(running, company_id):
    job = running.imports.start_export(company_id, {"filters": {}, "requested_by": {"user_id": OWNER}})
    assert finished(running, company_id, job["id"])["report"] == {"rows": 0}
    assert calls(running, company_id, "send_email") == []  # nobody to tell: no address was given
    stranger = company_id + 1
    with pytest.raises(NotFound):
        running.imports.get_job(stranger, job["id"])
    with pytest.raises(NotFound):
        running.imports.read_export(stranger, job["id"], {"user_id": OWNER, "offset": 0})
    assert running.imports.list_jobs(stranger, {}) == [] and running.imports.list_data_log(stranger, {}) == []
    assert running.imports.list_data_log(company_id, {})[0]["action"] == "export_requested"  # no download logged
    (running.export_dir / str(company_id) / f"{job['id']}.xlsx").unlink()
    with pytest.raises(NotFound, match="export again"):
        running.imports.read_export(company_id, job["id"], {"user_id": OWNER, "offset": 100})


def test_bad_input_names_the_field(running, company_id):
    with pytest.raises(InvalidInput) as refused:
        running.imports.start_import(company_id, {"kind": "import_staff", "content_b64": "!!", "requested_by": {}})
    assert set(refused.value.errors) == {"kind", "content_b64", "requested_by"}
    with pytest.raises(InvalidInput) as refused:
        running.imports.read_export(company_id, 1, {"user_id": OWNER, "length": 2**20 + 1})
    assert set(refused.value.errors) == {"length"}
    assert running.imports.ping() == "pong"
