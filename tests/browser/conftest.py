"""Headless Debian Chromium (deploy/local/install-browser.sh) driven by Playwright, as a phone or a desktop."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser():
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run deploy/local/install-browser.sh"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, cluster):
    """A page on a small phone, in another time zone than the salons', that may only reach the gateway.

    The test fails on any script error or any request to another host.
    """
    yield from _guarded_page(browser, cluster, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def desktop(browser, cluster):
    """A page on a desktop screen, otherwise as `phone`: another time zone, only the gateway, no script errors.
    Downloads are accepted."""
    yield from _guarded_page(browser, cluster, viewport=DESKTOP, accept_downloads=True)


def _guarded_page(browser, cluster, **screen):
    context = browser.new_context(**screen, locale="en-GB", timezone_id="America/New_York")
    context.set_default_timeout(15_000)
    gateway = urlparse(cluster.gateway_url).netloc
    elsewhere, script_errors = [], []

    def only_the_gateway(route):
        if urlparse(route.request.url).netloc == gateway:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_gateway)
    page = context.new_page()
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on("console", lambda message: _note_refused(message, script_errors))
    yield page
    context.close()
    assert not script_errors, f"script errors: {script_errors}"
    assert not elsewhere, f"requests to other hosts: {elsewhere}"


def _note_refused(message, script_errors: list) -> None:
    """A 4xx answer is logged as a console error too, and is expected; a blocked resource is not."""
    if message.type == "error" and "Content Security Policy" in message.text:
        script_errors.append(message.text)
