"""Two tabs submitting at the same moment to a running app: saving one item, saving the
profile, changing a saved item's status. Each gets its answer; none gets a 500."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from fastapi.testclient import TestClient

from mentorfeed import service
from mentorfeed.config import Settings
from mentorfeed.web import create_app
from mentorfeed.web.security import CSRF_COOKIE

BASE = "http://127.0.0.1:8000"
TABS = 6


def test_tabs_submitting_at_once_all_get_an_answer(
        demo_copy: Callable[[str], Settings]) -> None:
    settings = demo_copy("tabs")
    app = create_app(settings)
    with TestClient(app, base_url=BASE) as first:
        ids = re.findall(r'name="opportunity_id" value="([^"]+)"', first.get("/").text)
    assert len(ids) >= 3
    tabs = [TestClient(app, base_url=BASE, follow_redirects=False,
                       raise_server_exceptions=False) for _ in range(TABS)]
    for tab in tabs:
        tab.__enter__()
        tab.get("/me")
    start = threading.Barrier(TABS)
    answers: list[int] = []

    def submit(tab: TestClient, n: int) -> None:
        try:
            send(tab, n)
        except threading.BrokenBarrierError:
            answers.append(0)  # another tab stopped: counted short below

    def send(tab: TestClient, n: int) -> None:
        token = tab.cookies[CSRF_COOKIE]
        for opportunity_id in ids[:3]:
            start.wait(timeout=60)
            answers.append(tab.post("/saved", data={
                "csrf_token": token, "opportunity_id": opportunity_id}).status_code)
            start.wait(timeout=60)
            answers.append(tab.post("/saved/update", data={
                "csrf_token": token, "opportunity_id": opportunity_id,
                "status": "contacted" if n % 2 else "ongoing", "note": f"tab {n}"}).status_code)
            start.wait(timeout=60)
            answers.append(tab.post("/me/profile", data={
                "csrf_token": token, "stage": "resident", "time_zone": f"Etc/GMT+{n}",
            }).status_code)

    threads = [threading.Thread(target=submit, args=(tab, n)) for n, tab in enumerate(tabs)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for tab in tabs:
            tab.__exit__(None, None, None)
    assert len(answers) == TABS * 9
    assert set(answers) == {303}, sorted(set(answers))
    items, total = service.tracking.saved(settings)
    assert total == 3 and {item.status for item in items} <= {"contacted", "ongoing"}
    assert service.tracking.get_profile(settings) is not None
