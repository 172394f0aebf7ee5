"""Concurrency without 500s, against the production server (`styrkort serve`, gunicorn with
two workers × four threads) on SQLite and on PostgreSQL:

- 20 editors save the same assessment at the same moment, each from the version they opened:
  exactly one is saved, the other 19 get the conflict screen (409) with their text, nobody a
  5xx, and the stored text is the winner's (no lost update).
- 2 and 20 cases registered at the same moment all get numbers, without gaps or duplicates.

PostgreSQL runs on 127.0.0.1:5432 as in .ci/run; a test database is made and dropped here.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from live_server import Browser, form_version, live_server, textarea

WRITERS = 20

pytestmark = pytest.mark.live


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request):
    with live_server(postgres=request.param == "postgresql") as server:
        yield server


def _edit_path(live, item: int) -> str:
    f = live.facts
    return f"/o/{f['org']}/perioder/{f['period']}/punkter/{item}/HSN/skriv/"


def test_twenty_simultaneous_saves_give_one_success_and_conflicts(live):
    path = _edit_path(live, live.facts["items"][0])
    browsers = []
    for _ in range(WRITERS):
        browser = Browser(live.url)
        browser.login("hsn")
        browsers.append(browser)
    versions = {form_version(b.request(path).body) for b in browsers}
    assert len(versions) == 1  # everyone opened the same version
    version = versions.pop()
    start = threading.Barrier(WRITERS)

    def save(n: int):
        start.wait()
        return browsers[n].post(path, {"comment": f"Text från skribent {n}", "version": version})

    with ThreadPoolExecutor(WRITERS) as pool:
        answers = list(pool.map(save, range(WRITERS)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [302] + [409] * (WRITERS - 1), statuses
    winner = next(n for n, a in enumerate(answers) if a.status == 302)
    for n, answer in enumerate(answers):
        if answer.status == 409:
            # The conflict screen keeps the loser's text, to be saved again on purpose.
            assert f"Text från skribent {n}" in answer.body
    stored = browsers[0].request(path).body
    assert textarea(stored, "comment") == f"Text från skribent {winner}"
    assert form_version(stored) == version + 1


@pytest.mark.parametrize("how_many", [2, 20])
def test_simultaneous_case_registrations_all_get_numbers(live, how_many):
    import json
    import urllib.request

    org, token = live.facts["org"], live.facts["registrator_token"]
    start = threading.Barrier(how_many)

    def register(n: int):
        body = json.dumps(
            {"title": f"Samtidigt ärende {how_many}-{n}", "body": "RS", "opened_on": "2025-05-02"}
        ).encode()
        request = urllib.request.Request(
            f"{live.url}/api/v1/organisations/{org}/cases",
            data=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with ThreadPoolExecutor(how_many) as pool:
        answers = list(pool.map(register, range(how_many)))
    assert [status for status, _ in answers] == [201] * how_many, answers
    serials = sorted(int(body["number"].split("/")[1]) for _, body in answers)
    assert serials == list(range(serials[0], serials[0] + how_many))  # no gap, no duplicate
