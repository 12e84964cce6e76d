import hashlib
from datetime import datetime

import pytest
from builders import COLOUR, CONTEXT, CUT, IVAN, MARIA, SERVICES, SHAVE, STAFF, booking, bookings_file, xlsx

from imports.domain.bookings_sheet import (
    BOOKING_COLUMNS,
    EXPORT_ONLY_COLUMNS,
    BookingRow,
    BookingsContext,
    read_bookings,
)
from imports.domain.catalogue import Catalogue
from imports.domain.problems import Problem


def read(*rows: list[object], context: BookingsContext = CONTEXT):
    return read_bookings(bookings_file(*rows), context)


def one_booking(**changes) -> BookingRow:
    sheet = read(booking(**changes))
    assert sheet.problems == []
    (record,) = sheet.records
    return record


def problems_of(**changes) -> list[tuple[str, str]]:
    sheet = read(booking(**changes))
    assert sheet.records == []
    assert {problem.row for problem in sheet.problems} == {2}
    return [(problem.column, problem.message) for problem in sheet.problems]


def test_reads_the_seeds_example_row():
    record = one_booking(
        date="04.01.2016 10:30",
        employee_id=MARIA,
        customer_phone_number="12123445678",
        client_name="Anna Smirnova",
        employee_name="Maria Petrova",
        duration=2700,
        service_id=f"{CUT},{COLOUR}",
        name_of_service="Haircut##Colouring",
        price_of_service="25.50#0",
        discount_on_the_service="5",
        comment="first visit",
        booking_status_number=1,
        appointment_status_line="Arrived",
    )
    assert record == BookingRow(
        row=2,
        starts_at=datetime(2016, 1, 4, 10, 30),
        staff_member_id=MARIA,
        phone="12123445678",
        client_name="Anna Smirnova",
        staff_member_name="Maria Petrova",
        duration_minutes=45,
        service_ids=[CUT, COLOUR],
        service_names=["Haircut", "Colouring"],
        prices=[2550, 0],
        discount=500,
        comment="first visit",
        visit_status="arrived",
        key=record.key,
    )
    assert len(record.key) == 64


# 1 Date


@pytest.mark.parametrize(
    ("value", "slot_minutes", "expected"),
    [
        ("04.01.2016 10:37", 15, datetime(2016, 1, 4, 10, 30)),
        ("04.01.2016 10:38", 15, datetime(2016, 1, 4, 10, 45)),
        ("04.01.2016 10:38", 10, datetime(2016, 1, 4, 10, 40)),
        (datetime(2016, 1, 4, 10, 52, 30), 15, datetime(2016, 1, 4, 11, 0)),
        (datetime(2016, 1, 4, 23, 58), 5, datetime(2016, 1, 5, 0, 0)),
    ],
)
def test_date_is_rounded_to_the_companys_nearest_slot(value, slot_minutes, expected):
    context = BookingsContext(CONTEXT.company_id, slot_minutes, STAFF, SERVICES)
    (record,) = read(booking(date=value), context=context).records
    assert record.starts_at == expected


@pytest.mark.parametrize("value", [None, "2016-01-04 10:30", "04.01.2016", 42373.4375])
def test_date_must_be_a_date_and_time(value):
    assert problems_of(date=value) == [("Date", "expected a date and time such as 04.01.2016 10:30")]


def test_date_must_exist():
    assert problems_of(date="30.02.2016 10:30") == [("Date", "'30.02.2016 10:30' is not a real date and time")]


# 2 Employee ID and 5 Employee name


@pytest.mark.parametrize(
    ("employee_id", "name"), [(IVAN, "Ivan Sidorov"), (str(IVAN), ""), (float(IVAN), " ivan  sidorov ")]
)
def test_employee_by_id(employee_id, name):
    record = one_booking(employee_id=employee_id, employee_name=name)
    assert (record.staff_member_id, record.staff_member_name) == (IVAN, "Ivan Sidorov")


def test_employee_by_name_alone():
    record = one_booking(employee_id=None, employee_name="IVAN SIDOROV")
    assert (record.staff_member_id, record.staff_member_name) == (IVAN, "Ivan Sidorov")


@pytest.mark.parametrize(
    ("employee_id", "name", "problem"),
    [
        (99, "", ("Employee ID", "there is no employee with ID 99")),
        (0, "", ("Employee ID", "must be a positive whole number")),
        ("Maria", "", ("Employee ID", "expected a number")),
        (None, "", ("Employee ID", "is required, or else Employee name")),
        (None, "Olga", ("Employee name", "there is no employee named 'Olga'")),
        (MARIA, "Ivan Sidorov", ("Employee name", f"employee {MARIA} is 'Maria Petrova', not 'Ivan Sidorov'")),
    ],
)
def test_employee_must_exist_and_fit(employee_id, name, problem):
    assert problems_of(employee_id=employee_id, employee_name=name) == [problem]


def test_employee_name_shared_by_two_needs_the_id():
    staff = Catalogue({MARIA: "Maria", IVAN: "maria"})
    sheet = read(booking(employee_id=None, employee_name="Maria"), context=BookingsContext(501, 15, staff, SERVICES))
    assert sheet.problems == [Problem(2, "Employee name", "several employees are named 'Maria'; give the Employee ID")]
    (record,) = read(
        booking(employee_id=IVAN, employee_name="Maria"), context=BookingsContext(501, 15, staff, SERVICES)
    ).records
    assert record.staff_member_id == IVAN


# 3 Customer phone number and 4 Client name


@pytest.mark.parametrize(
    ("value", "expected"), [(12123445678, "12123445678"), ("+1 (212) 344-5678", "+1 (212) 344-5678")]
)
def test_phone_is_kept_for_the_caller_to_normalise(value, expected):
    assert one_booking(customer_phone_number=value).phone == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "is required"),
        ("ask at reception", "expected a phone number of digits, such as 12123445678"),
        ("123", "expected 5 to 15 digits"),
    ],
)
def test_phone_is_required_and_digits(value, message):
    assert problems_of(customer_phone_number=value) == [("Customer phone number", message)]


def test_client_name_is_required():
    assert problems_of(client_name="  ") == [("Client name", "is required")]
    assert problems_of(client_name="x" * 201) == [("Client name", "is longer than 200 characters")]


def test_a_formula_cell_is_never_run_and_counts_as_empty():
    assert problems_of(client_name='=CONCAT("A","nna")') == [("Client name", "is required")]


# 6 Duration


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 15), (600, 15), (900, 15), (901, 30), ("3600", 60), (5400.0, 90)]
)
def test_duration_in_seconds_rounded_up_to_quarters(value, expected):
    assert one_booking(duration=value).duration_minutes == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [(0, "must be positive"), (-60, "must be positive"), ("1h", "expected a number of seconds, such as 3600")],
)
def test_duration_must_be_positive_seconds(value, message):
    assert problems_of(duration=value) == [("Duration", message)]


# 7 Service ID and 8 Name of service


@pytest.mark.parametrize(
    ("ids", "names", "expected"),
    [
        (CUT, None, [CUT]),
        (f"{CUT},{SHAVE}", None, [CUT, SHAVE]),
        (f"{CUT}##{SHAVE}", "", [CUT, SHAVE]),
        (f" {CUT} , {SHAVE} ## {COLOUR} ", None, [CUT, SHAVE, COLOUR]),
        (None, "haircut##SHAVE", [CUT, SHAVE]),
        (f"{CUT},{SHAVE}", "Haircut##Shave", [CUT, SHAVE]),
    ],
)
def test_services_by_id_or_name(ids, names, expected):
    record = one_booking(service_id=ids, name_of_service=names, price_of_service=None)
    assert record.service_ids == expected
    assert record.service_names == [SERVICES.name_of(service_id) for service_id in expected]


@pytest.mark.parametrize(
    ("ids", "names", "problem"),
    [
        (None, None, ("Service ID", "is required, or else Name of service")),
        ("98,21,99", None, ("Service ID", "there is no service with ID 98, 99")),
        ("21;22", None, ("Service ID", "'21;22' is not a service ID; separate IDs with ',' or '##'")),
        ("21,,22", None, ("Service ID", "has an empty item between separators")),
        ("-21", None, ("Service ID", "'-21' is not a service ID; separate IDs with ',' or '##'")),
        (None, "Haircut##Massage", ("Name of service", "there is no service named 'Massage'")),
        (None, "Haircut##", ("Name of service", "has an empty item between separators")),
        ("21,22", "Haircut", ("Name of service", "names 1 services, but Service ID has 2")),
        ("21,22", "Haircut##Shave", ("Name of service", f"service {COLOUR} is 'Colouring', not 'Shave'")),
    ],
)
def test_services_must_exist_and_fit(ids, names, problem):
    assert problems_of(service_id=ids, name_of_service=names, price_of_service=None) == [problem]


def test_service_name_shared_by_two_needs_the_id():
    services = Catalogue({CUT: "Haircut", COLOUR: "haircut"})
    context = BookingsContext(501, 15, STAFF, services)
    sheet = read(booking(service_id=None, name_of_service="Haircut", price_of_service=None), context=context)
    assert sheet.problems == [
        Problem(2, "Name of service", "several services are named 'Haircut'; give the Service ID")
    ]


# 9 Price of service and 10 Discount on the service


@pytest.mark.parametrize(
    ("ids", "prices", "expected"),
    [
        (f"{CUT}", None, []),
        (f"{CUT}", 30, [3000]),
        (f"{CUT}", 30.5, [3050]),
        (f"{CUT}", "30,50", [3050]),
        (f"{CUT},{SHAVE}", "30#15.25", [3000, 1525]),
        (f"{CUT},{SHAVE},{COLOUR}", "100#0#0", [10000, 0, 0]),  # only the total known
    ],
)
def test_one_price_per_service_in_minor_units(ids, prices, expected):
    assert one_booking(service_id=ids, name_of_service=None, price_of_service=prices).prices == expected


@pytest.mark.parametrize(
    ("ids", "prices", "message"),
    [
        (f"{CUT},{SHAVE}", "30", "has 1 prices for 2 services; put 0 where only a total is known"),
        (f"{CUT}", "30#0", "has 2 prices for 1 services; put 0 where only a total is known"),
        (f"{CUT},{SHAVE}", "30##15", "has an empty item between separators"),
        (f"{CUT},{SHAVE}", "30#15.255", "'15.255' has more than 2 decimals"),
        (f"{CUT}", "-30", "'-30' must not be negative"),
        (f"{CUT}", "30 EUR", "'30 EUR' expected an amount such as 25.50"),
    ],
)
def test_prices_must_be_amounts_one_per_service(ids, prices, message):
    assert problems_of(service_id=ids, name_of_service=None, price_of_service=prices) == [("Price of service", message)]


@pytest.mark.parametrize(("value", "expected"), [(None, 0), (5, 500), ("2.50", 250), (25.5, 2550)])
def test_discount_in_minor_units(value, expected):
    assert one_booking(discount_on_the_service=value, price_of_service="25.50").discount == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "must not be negative"),
        ("1.001", "has more than 2 decimals"),
        ("ten", "expected an amount such as 25.50"),
        ("25.51", "is more than the prices together"),
    ],
)
def test_discount_must_be_an_amount_within_the_prices(value, message):
    assert problems_of(discount_on_the_service=value, price_of_service="25.50") == [
        ("Discount on the service", message)
    ]


# 11 Comment


def test_comment_is_free_text_and_loses_the_exports_formula_guard():
    assert one_booking(comment="  prefers Maria  ").comment == "prefers Maria"
    assert one_booking(comment="'=not a formula").comment == "=not a formula"
    assert problems_of(comment="x" * 1001) == [("Comment", "is longer than 1000 characters")]


# 12 Booking status (number) and 13 Appointment status (line)


@pytest.mark.parametrize(
    ("number", "text", "expected"),
    [
        (-1, "No-Show", "no_show"),
        (0, "Pending", "pending"),
        (1, "Arrived", "arrived"),
        (2, "Confirmed", "confirmed"),
        ("2", None, "confirmed"),
        (None, "No-Show", "no_show"),
        (None, None, "pending"),
    ],
)
def test_visit_status(number, text, expected):
    record = one_booking(booking_status_number=number, appointment_status_line=text)
    assert record.visit_status == expected


@pytest.mark.parametrize(
    ("number", "text", "problem"),
    [
        (1, "Confirmed", ("Appointment status (line)", "is Confirmed, but Booking status (number) 1 is Arrived")),
        (5, None, ("Booking status (number)", "expected -1 (No-Show), 0 (Pending), 1 (Arrived) or 2 (Confirmed)")),
        (None, "arrived", ("Appointment status (line)", "expected exactly No-Show, Pending, Arrived or Confirmed")),
    ],
)
def test_visit_status_must_be_known_and_agree(number, text, problem):
    assert problems_of(booking_status_number=number, appointment_status_line=text) == [problem]


# The file as a whole


def test_reports_every_problem_of_a_row_from_left_to_right():
    row = ["someday", "x", "phone", None, None, -1, "x", None, "1.001", -1, None, 7, "arrived"]
    sheet = read(row)
    assert [problem.column for problem in sheet.problems] == [
        "Date",
        "Employee ID",
        "Customer phone number",
        "Client name",
        "Duration",
        "Service ID",
        "Price of service",
        "Discount on the service",
        "Booking status (number)",
        "Appointment status (line)",
    ]
    assert not sheet.ok


def test_reports_the_problems_of_every_row_and_keeps_the_good_rows():
    content = bookings_file(
        booking(client_name="Anna"), [], booking(client_name=None), booking(client_name="Bob", duration=0)
    )
    sheet = read_bookings(content, CONTEXT)
    assert [record.row for record in sheet.records] == [2]
    assert sheet.problems == [Problem(4, "Client name", "is required"), Problem(5, "Duration", "must be positive")]


def test_file_key_is_the_sha256_of_the_bytes():
    content = bookings_file(booking())
    assert read_bookings(content, CONTEXT).file_key == hashlib.sha256(content).hexdigest()


def test_row_key_is_the_same_for_the_same_booking_in_any_file_or_form():
    as_text = read(
        booking(date="04.01.2016 10:30", client_name="Anna  Smirnova", customer_phone_number="1 212 344 5678")
    )
    as_cells = read(
        booking(),
        booking(date=datetime(2016, 1, 4, 10, 31), client_name="anna smirnova", customer_phone_number=12123445678),
    )
    assert as_text.records[0].key == as_cells.records[0].key
    assert as_cells.records == [as_cells.records[0]]
    assert as_cells.problems == [Problem(3, "", "the same booking as row 2")]


def test_row_key_differs_by_company_and_content():
    key = one_booking().key
    other_company = read(booking(), context=BookingsContext(502, 15, STAFF, SERVICES)).records[0].key
    assert (
        len({key, other_company, one_booking(comment="x").key, one_booking(employee_id=IVAN, employee_name="").key})
        == 4
    )


def test_header_must_name_the_columns_in_order():
    header = list(BOOKING_COLUMNS)
    header[2], header[3] = header[3], header[2]
    header[12] = None
    sheet = read_bookings(xlsx([header, booking()]), CONTEXT)
    assert sheet.records == []
    assert sheet.problems == [
        Problem(1, "Customer phone number", "column C must be headed 'Customer phone number', not 'Client name'"),
        Problem(1, "Client name", "column D must be headed 'Client name', not 'Customer phone number'"),
        Problem(1, "Appointment status (line)", "column M must be headed 'Appointment status (line)', not nothing"),
    ]


def test_header_ignores_case_and_spacing_and_may_follow_empty_rows():
    header = [f"  {column.upper()} " for column in BOOKING_COLUMNS]
    sheet = read_bookings(xlsx([[], [None], header, booking()]), CONTEXT)
    assert [record.row for record in sheet.records] == [4]


def test_an_exports_own_columns_are_allowed_and_not_read():
    sheet = read_bookings(xlsx([BOOKING_COLUMNS + EXPORT_ONLY_COLUMNS, booking() + ["anything"] * 6]), CONTEXT)
    assert sheet.ok and len(sheet.records) == 1


def test_an_unknown_column_is_a_problem():
    sheet = read_bookings(xlsx([[*BOOKING_COLUMNS, "Tip"], booking()]), CONTEXT)
    assert sheet.problems == [Problem(1, "Tip", "column N is not one of: " + ", ".join(BOOKING_COLUMNS))]


def test_a_value_without_a_header_is_a_problem():
    sheet = read_bookings(xlsx([BOOKING_COLUMNS, [*booking(), None, "stray"]]), CONTEXT)
    assert sheet.problems == [Problem(2, "column O", "has a value but no header")]


def test_an_empty_sheet_and_a_header_alone_are_problems():
    assert read_bookings(xlsx([]), CONTEXT).problems == [Problem(0, "", "the sheet is empty")]
    assert read_bookings(xlsx([BOOKING_COLUMNS]), CONTEXT).problems == [
        Problem(2, "", "there is no booking under the header")
    ]


def test_a_refused_file_is_one_problem():
    sheet = read_bookings(b"Date;Employee ID\n", CONTEXT)
    assert sheet.records == []
    assert sheet.problems == [Problem(0, "", "the file is not an .xlsx workbook")]


def test_the_slot_interval_must_be_positive():
    with pytest.raises(ValueError, match="slot_minutes"):
        BookingsContext(501, 0, STAFF, SERVICES)
