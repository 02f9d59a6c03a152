"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Never `playwright install`: the browser is the system's /usr/bin/chromium.
Screenshots go to artifacts/screenshots/ (kept by CI as test artefacts).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told. Only the tests set this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under artifacts/screenshots/NAME.png."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def assert_accessible(page):
    """Run axe-core on the current page and fail on any violation, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(context: str = "") -> None:
        results = axe.run(page)
        violations = results.response["violations"]
        assert not violations, f"axe violations on {context or page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        )

    return check


@pytest.fixture
def login(page, live_server):
    """Sign in through the real login form."""
    from tests.factories import PASSWORD

    def do(username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return do
