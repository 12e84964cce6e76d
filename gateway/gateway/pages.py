"""The client booking widget, the staff calendar and the admin's Overview > Bookings: HTML pages
whose scripts speak the JSON API.

The pages call no service themselves, so they load even when a service is down; the
script shows whatever the API answers.
"""

from flask import Blueprint, render_template, request

blp = Blueprint("pages", __name__)

# Everything comes from this origin: no CDN, no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'"
)


def _page(company_id: int, link_token: str | None = None):
    html = render_template(
        "widget.html", company_id=company_id, link_token=link_token, api_root=f"{request.script_root}/api/v1"
    )
    headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff"}
    if link_token:
        # The address is the client's secret: keep it out of caches, referrers and search engines.
        headers |= {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
    return html, 200, headers


@blp.get("/widget/<id:company_id>")
def booking_widget(company_id: int):
    return _page(company_id)


@blp.get("/widget/<id:company_id>/bookings/<string:token>")
def client_booking(company_id: int, token: str):
    return _page(company_id, token)


def _staff_page(template: str, company_id: int):
    html = render_template(template, company_id=company_id, api_root=f"{request.script_root}/api/v1")
    headers = {
        # Staff sign in here: no other site may frame the page to trick a click.
        "Content-Security-Policy": f"{CONTENT_SECURITY_POLICY}; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    return html, 200, headers


@blp.get("/admin/<id:company_id>")
def bookings_overview(company_id: int):
    return _staff_page("admin.html", company_id)


@blp.get("/calendar/<id:company_id>")
def staff_calendar(company_id: int):
    """The appointment calendar staff run their day on (static/calendar)."""
    return _staff_page("calendar.html", company_id)
