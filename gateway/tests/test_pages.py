"""The booking widget's pages: served by the gateway itself, loading nothing from elsewhere."""

import re
from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from salon_infra.testing import free_port

PAGES = ["/widget/7", "/widget/7/bookings/a-secret-link-token"]
STATIC = Path(__file__).parents[1] / "gateway" / "static"
STATIC_FILES = sorted(f"/static/{path.relative_to(STATIC)}" for path in (STATIC / "widget").iterdir())
EXTERNAL = re.compile(r"https?://|(?:src|href)\s*=\s*[\"']?//|url\(\s*[\"']?//|@import", re.IGNORECASE)


@pytest.fixture
def client():
    # No broker on this port: the pages must not need any service.
    settings = Settings(amqp_uri=f"amqp://guest:guest@127.0.0.1:{free_port()}/", jwt_secret="s" * 32, rpc_timeout=1)
    return create_app(settings).test_client()


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_are_html_with_their_company_and_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'data-company-id="7"' in html and 'data-api-root="/api/v1"' in html
    assert '<script type="module" src="/static/widget/widget.js">' in html
    assert 'href="/static/widget/widget.css"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_booking_link_page_carries_its_token_and_keeps_it_private(client):
    response = client.get("/widget/7/bookings/a-secret-link-token")
    assert 'data-link-token="a-secret-link-token"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_token_cannot_break_out_of_the_page(client):
    html = client.get('/widget/7/bookings/"><img src=x onerror=alert(1)>').get_data(as_text=True)
    assert "<img src=x" not in html and 'data-link-token="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html


@pytest.mark.parametrize("path", STATIC_FILES)
def test_the_static_files_are_served_as_scripts_and_styles(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == ("text/css" if path.endswith(".css") else "text/javascript")
    response.close()


def test_every_module_the_scripts_import_is_there():
    assert {"/static/widget/widget.js", "/static/widget/widget.css"} <= set(STATIC_FILES)
    imported = {
        f"/static/widget/{name}"
        for script in (STATIC / "widget").glob("*.js")
        for name in re.findall(r'from "\./([\w-]+\.js)"', script.read_text())
    }
    assert "/static/widget/booking.js" in imported and imported <= set(STATIC_FILES)


@pytest.mark.parametrize("path", [*PAGES, *STATIC_FILES])
def test_nothing_is_loaded_from_another_site(client, path):
    response = client.get(path)
    text = response.get_data(as_text=True)
    response.close()
    assert not EXTERNAL.findall(text)


@pytest.mark.parametrize("path", ["/widget/0", "/widget/abc", "/widget/7/bookings/"])
def test_no_page_for_a_bad_address(client, path):
    assert client.get(path).status_code == 404


# ---------------------------------------------------------------- the admin's Overview > Bookings

ADMIN_FILES = sorted(f"/static/{path.relative_to(STATIC)}" for path in (STATIC / "admin").iterdir())


def test_the_admin_page_is_html_with_its_company_and_scripts(client):
    response = client.get("/admin/7")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'data-company-id="7"' in html and 'data-api-root="/api/v1"' in html
    assert '<script type="module" src="/static/admin/admin.js">' in html
    assert 'href="/static/admin/admin.css"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script>" not in html and "style=" not in html  # nothing inline: the policy would refuse it


def test_the_admin_page_allows_only_this_origin_and_no_framing(client):
    headers = client.get("/admin/7").headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ADMIN_FILES)
def test_the_admin_static_files_are_served_as_scripts_and_styles(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == ("text/css" if path.endswith(".css") else "text/javascript")
    response.close()


def test_every_module_the_admin_scripts_import_is_there():
    assert {"/static/admin/admin.js", "/static/admin/admin.css"} <= set(ADMIN_FILES)
    imported = {
        f"/static/admin/{name}"
        for script in (STATIC / "admin").glob("*.js")
        for name in re.findall(r'from "\./([\w-]+\.js)"', script.read_text())
    }
    assert "/static/admin/bookings.js" in imported and imported | {"/static/admin/admin.js"} == {
        path for path in ADMIN_FILES if path.endswith(".js")
    }


def test_the_admin_scripts_never_write_html_from_text():
    """Client names and the server's messages reach the page as text only."""
    for script in (STATIC / "admin").glob("*.js"):
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script.read_text()), script


@pytest.mark.parametrize("path", ["/admin/7", *ADMIN_FILES])
def test_the_admin_loads_nothing_from_another_site(client, path):
    response = client.get(path)
    text = response.get_data(as_text=True)
    response.close()
    assert not EXTERNAL.findall(text)


@pytest.mark.parametrize("path", ["/admin/0", "/admin/abc", "/admin/", "/admin/7/more"])
def test_no_admin_page_for_a_bad_address(client, path):
    assert client.get(path).status_code == 404


# ---------------------------------------------------------------- the staff calendar

CALENDAR_FILES = sorted(f"/static/{path.relative_to(STATIC)}" for path in (STATIC / "calendar").iterdir())


def test_the_calendar_page_is_html_with_its_company_and_scripts(client):
    response = client.get("/calendar/7")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'data-company-id="7"' in html and 'data-api-root="/api/v1"' in html
    assert '<script type="module" src="/static/calendar/calendar.js">' in html
    assert 'href="/static/calendar/calendar.css"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script>" not in html and "style=" not in html  # nothing inline: the policy would refuse it
    assert html.count("<dialog") == 8  # the windows: slot menu, forms, visit, group event, break, confirm


def test_the_calendar_page_allows_only_this_origin_and_no_framing(client):
    headers = client.get("/calendar/7").headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_every_calendar_form_label_names_a_field_of_the_page(client):
    html = client.get("/calendar/7").get_data(as_text=True)
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(re.findall(r'<label[^>]*\sfor="([^"]+)"', html)) <= ids


@pytest.mark.parametrize("path", CALENDAR_FILES)
def test_the_calendar_static_files_are_served_as_scripts_and_styles(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == ("text/css" if path.endswith(".css") else "text/javascript")
    response.close()


def test_every_module_the_calendar_scripts_import_is_there_and_used():
    assert {"/static/calendar/calendar.js", "/static/calendar/calendar.css"} <= set(CALENDAR_FILES)
    imported = {
        f"/static/calendar/{name}"
        for script in (STATIC / "calendar").glob("*.js")
        for name in re.findall(r'from "\./([\w-]+\.js)"', script.read_text())
    }
    scripts = {path for path in CALENDAR_FILES if path.endswith(".js")}
    assert imported | {"/static/calendar/calendar.js"} == scripts


def test_the_calendar_scripts_never_write_html_from_text():
    """Client names, notes and the server's messages reach the page as text only."""
    for script in (STATIC / "calendar").glob("*.js"):
        assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", script.read_text())


def test_the_calendar_sets_positions_through_the_cssom_only():
    """The policy refuses inline style attributes: positions are custom properties set by script."""
    for script in (STATIC / "calendar").glob("*.js"):
        text = script.read_text()
        assert not re.search(r"""setAttribute\(\s*["']style|\.style\s*=|cssText""", text), script


@pytest.mark.parametrize("path", ["/calendar/7", *CALENDAR_FILES])
def test_the_calendar_loads_nothing_from_another_site(client, path):
    response = client.get(path)
    text = response.get_data(as_text=True)
    response.close()
    assert not EXTERNAL.findall(text)


@pytest.mark.parametrize("path", ["/calendar/0", "/calendar/abc", "/calendar/", "/calendar/7/more"])
def test_no_calendar_page_for_a_bad_address(client, path):
    assert client.get(path).status_code == 404
