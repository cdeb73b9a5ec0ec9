"""End-to-end fixtures: the web app served by uvicorn on a free local port, and headless
Chromium driven by Playwright.

The browser is Debian's /usr/bin/chromium (`.ci/run` installs it); Playwright's own browser
downloads are never used, since CI reaches no download site. Without Chromium the tests skip,
except under CI=true, where a missing browser must fail the run rather than hide it.
"""

from __future__ import annotations

import csv
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Locator,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

from mentorfeed import service
from mentorfeed.config import Settings, sqlite_url
from mentorfeed.web import create_app

# Debian's package; MENTORFEED_CHROMIUM names another Chromium build on other systems.
CHROMIUM = Path(os.environ.get("MENTORFEED_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
HOSTILE = ROOT / "tests" / "data" / "web" / "hostile_x_v2.json"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
# Playwright waits this long for an element or a page before failing; the pages answer in well
# under a second, so a broken page fails quickly instead of stalling the suite.
TIMEOUT_MS = 10_000


# -- servers -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The web app over `settings`, served by uvicorn in a thread; yields its base URL.

    A thread rather than a subprocess: it starts in milliseconds, and a crash in the app shows
    up in this test run's output."""
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if not thread.is_alive():
                raise RuntimeError(f"the web app did not start on {base}")
            try:
                if httpx.get(f"{base}/opportunities", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the web app did not answer on {base} within 20 s")
            time.sleep(0.05)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample store, built once per session."""
    path, _, _ = service.demo.build_demo(tmp_path_factory.mktemp("browser-demo") / "demo.db")
    return Path(path)


@pytest.fixture(scope="session")
def server(demo_db: Path) -> Iterator[str]:
    """The demo store's web app (shared: tests may save opportunities, never set a profile)."""
    with serving(Settings(database_url=sqlite_url(demo_db))) as base:
        yield base
    service.opportunities.close_stores()  # the pages keep one open store per database


@pytest.fixture(scope="module")
def own_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A copy of the demo store with its own web app, for tests that set the trainee profile
    (which would change what the shared store's pages show to every later test)."""
    copy = tmp_path_factory.mktemp("browser-own") / "demo.db"
    # SQLite's backup, not a file copy: the shared app may hold changes in its write-ahead log.
    with closing(sqlite3.connect(demo_db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    with serving(Settings(database_url=sqlite_url(copy))) as base:
        yield base
    service.opportunities.close_stores()


# A Mastodon handle holds its server: this one is as long as real ones get, and a phone's width
# must hold it (issue 15: such a handle once widened every card to 438-485 px).
LONG_HANDLE = "dermatology_residents_journal_club@dermatology-community.social.example"
LONG_HANDLE_POSTS = [
    ("991001", "2026-05-12T14:00:00Z",
     "Research opportunity for medical students interested in dermatology: our department is "
     "looking for two students to help with a chart review on hidradenitis suppurativa. DM me "
     "if interested! #DermTwitter"),
    ("991002", "2026-05-13T14:00:00Z",
     "Students asked: yes, the research project still has one spot. Reply here or DM me."),
]


@pytest.fixture(scope="module")
def long_handle_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory
                       ) -> Iterator[str]:
    """A copy of the demo store with calls from a Mastodon account whose handle is very long
    (the second replies to the first), and its own web app."""
    folder = tmp_path_factory.mktemp("browser-long-handle")
    copy = folder / "demo.db"
    with closing(sqlite3.connect(demo_db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    settings = Settings(database_url=sqlite_url(copy))
    user, server = LONG_HANDLE.split("@")
    table = folder / "long.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, ["platform", "id", "text", "created_at", "url", "author_id",
                                      "author_handle", "author_name", "reply_to",
                                      "conversation_id"])
        writer.writeheader()
        for number, (post_id, when, text) in enumerate(LONG_HANDLE_POSTS):
            writer.writerow({
                "platform": "mastodon", "id": f"https://{server}/users/{user}/statuses/{post_id}",
                "text": text, "created_at": when,
                "url": f"https://{server}/@{user}/{post_id}",
                "author_id": f"https://{server}/users/{user}", "author_handle": LONG_HANDLE,
                "author_name": "Dermatology Residents Journal Club of the Community",
                "reply_to": (f"https://{server}/users/{user}/statuses/{LONG_HANDLE_POSTS[0][0]}"
                             if number else ""),
                "conversation_id": f"https://{server}/users/{user}/statuses/991001"})
    service.posts.import_files(settings, [table])
    service.classifying.classify_store(settings)
    service.people.refresh_people(settings)
    with serving(settings) as base:
        yield base
    service.opportunities.close_stores()


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of hostile posts and profiles (script tags, javascript: links, control
    characters), imported and classified like any other."""
    settings = Settings(database_url=sqlite_url(
        tmp_path_factory.mktemp("browser-hostile") / "hostile.db"))
    service.posts.import_files(settings, [HOSTILE])
    service.classifying.classify_store(settings)
    service.people.refresh_people(settings)
    with serving(settings) as base:
        yield base
    service.opportunities.close_stores()


# -- the browser -------------------------------------------------------------------------------

def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} is missing: install Debian's chromium (`make chromium`, as root) "
                "or set MENTORFEED_CHROMIUM to run the browser tests; .ci/run installs it")
    return None


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    missing = _missing_browser()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    opened = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=["--no-sandbox"])
    yield opened
    opened.close()


@dataclass
class Watch:
    """What a page did that a user would notice or a developer must hear about."""

    dialogs: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message} on {dialog.page.url}"
                            if dialog.page else f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp.append(f"{message.text} on {message.page.url if message.page else '?'}")

    def page_error(self, error: Exception) -> None:
        self.errors.append(str(error))


@pytest.fixture
def watch() -> Watch:
    return Watch()


def _watched_page(browser: Browser, watch: Watch, viewport: ViewportSize) -> Iterator[Page]:
    # A fixed locale and zone: the pages show times in the viewer's zone, and the profile form
    # offers it, so screenshots and stored profiles are the same on every machine.
    context = browser.new_context(viewport=viewport, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    opened = context.new_page()
    opened.on("dialog", watch.dialog)
    opened.on("console", watch.console)
    opened.on("pageerror", watch.page_error)
    yield opened
    context.close()
    assert not watch.dialogs, f"a JavaScript dialog opened: {watch.dialogs}"
    assert not watch.csp, f"the Content Security Policy blocked something: {watch.csp}"
    assert not watch.errors, f"a script on the page failed: {watch.errors}"


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh desktop-sized page (its own cookies). Every test fails if a JavaScript dialog
    opened, a script threw, or the Content Security Policy blocked anything."""
    yield from _watched_page(browser, watch, DESKTOP)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go for people to review: test-artifacts/, which git ignores."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def sized(request: pytest.FixtureRequest, browser: Browser, watch: Watch) -> Iterator[Page]:
    """Like `page`, at a phone's and then at a desktop's width."""
    yield from _watched_page(browser, watch, request.param)


Submit = Callable[[Locator], None]


@pytest.fixture
def submit() -> Submit:
    """Press a form's button and wait for the page it leads to, which must not be an error
    page: a refused form fails here with the reason the page gave, not later on a missing
    notice."""

    def press(button: Locator) -> None:
        with button.page.expect_navigation() as navigation:
            button.click()
        response = navigation.value
        if response is None or not response.ok:
            shown = button.page.locator("main").inner_text()[:300]
            status = response.status if response else "no response"
            raise AssertionError(f"the form led to {status} at {button.page.url}: {shown}")

    return press
