"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

Every test fails on a browser console error (a Content Security Policy violation shows as one), an
uncaught script error, a failed request, an error answer the test did not expect, or any request
to a host other than the application's (the pages must work offline)."""

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"No Chromium at {path}: run the browser tests with `make test` (it installs one) "
            "or set CHROMIUM_PATH.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class BrowserProblems:
    """What went wrong in the browser during one test."""

    origin: str
    problems: list[str] = field(default_factory=list)
    # Error statuses that the test provokes on purpose (a form answering 422 with its errors).
    expected_statuses: set[int] = field(default_factory=set)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type not in ("error", "warning"):
            return
        text = message.text
        expected = "|".join(str(status) for status in self.expected_statuses)
        if expected and re.search(rf"status of ({expected})\b", text):
            return
        if message.type == "error" or "Content Security Policy" in text:
            self.problems.append(f"console {message.type}: {text} ({message.location})")

    def _on_request_failed(self, request) -> None:
        # A navigation that replaces a page cancels its pending requests; that is not a failure.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )


@pytest.fixture
def browser_problems(live_server) -> BrowserProblems:
    return BrowserProblems(origin=live_server.url)


def new_context(browser, live_server, problems: BrowserProblems, viewport: dict):
    # Reduced motion: Bootstrap and Chart.js skip their animations, so a test never races a
    # dialog that is still fading in (Bootstrap ignores Escape until it has).
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale="en-US",
        timezone_id="UTC",
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    origin = urlsplit(live_server.url).netloc

    def only_this_application(route) -> None:
        if urlsplit(route.request.url).netloc == origin or route.request.url.startswith("data:"):
            route.continue_()
        else:
            problems.problems.append(f"request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", only_this_application)
    return context


@pytest.fixture
def context(browser, live_server, browser_problems):
    context = new_context(browser, live_server, browser_problems, DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(context, browser_problems):
    page = context.new_page()
    browser_problems.watch(page)
    yield page
    assert browser_problems.problems == [], "\n".join(browser_problems.problems)


@pytest.fixture
def phone_page(browser, live_server, browser_problems):
    context = new_context(browser, live_server, browser_problems, PHONE)
    page = context.new_page()
    browser_problems.watch(page)
    yield page
    context.close()
    assert browser_problems.problems == [], "\n".join(browser_problems.problems)


@pytest.fixture
def e2e_user(transactional_db):
    return get_user_model().objects.create_user("alice", "alice@example.com", PASSWORD)


@pytest.fixture
def signed_in_page(page, context, e2e_user, live_server):
    """A desktop page whose browser is signed in as alice."""
    sign_in(context, e2e_user, live_server.url)
    return page


@pytest.fixture
def task_worker(settings, live_server, transactional_db) -> Iterator:
    """Background jobs go to the database queue and run in a real django-tasks-db worker, in a
    thread beside the live server, as `make run` runs them (the other tests run them at once,
    inside the request). Yields the worker; stops it after the test."""
    from django.db import connection, connections
    from django_tasks_db.management.commands.db_worker import Worker

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.fail(
            "task_worker needs a database file (see django_db_modify_db_settings in the root "
            "conftest.py)",
            pytrace=False,
        )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(
        queue_names=["default"],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e",
        excluded_queue_names=[],
    )
    crashes: list[BaseException] = []

    def work() -> None:
        try:
            worker.run()
        except BaseException as error:  # the test reports it below
            crashes.append(error)
        finally:
            # The thread's own connection, closed before the test database is emptied.
            connections.close_all()

    thread = threading.Thread(target=work, name="task worker", daemon=True)
    thread.start()
    yield worker
    # The worker checks this flag between tasks and after each nap of `interval`.
    worker.running = False
    thread.join(timeout=30)
    assert not thread.is_alive(), "The task worker did not stop."
    assert crashes == [], f"The task worker crashed: {crashes!r}"


def sign_in(context, user, url: str) -> None:
    """Signs `user` in by handing the browser a session cookie (the login form has its own
    test)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def screenshot(page, name: str) -> Path:
    """Writes a screenshot to e2e/screenshots/ (not committed) for people to look at."""
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def open_dialog(page):
    """The modal dialog once it is fully open: shown and holding the keyboard focus (Bootstrap
    only hears Escape from inside it, and moves the focus there when it has opened)."""
    dialog = page.locator("#dialog")
    expect(dialog).to_be_visible()
    page.wait_for_function(
        "() => { const dialog = document.getElementById('dialog');"
        " return dialog.classList.contains('show') && dialog.contains(document.activeElement); }"
    )
    return dialog


def close_toasts(page) -> None:
    """Closes the toasts, out of the way of a screenshot (they would hide themselves after a
    few seconds)."""
    toasts = page.locator("[data-toast]")
    for _ in range(10):
        if not toasts.count():
            break
        # One may hide itself (and go) meanwhile: then the next is the first.
        with contextlib.suppress(PlaywrightError):
            toasts.first.locator(".btn-close").click(timeout=1_000)
    expect(toasts).to_have_count(0)
