"""The load run's simulated room (locust): 50 participants polling their page every 2 s and
voting now and then, a facilitator autosaving, revealing and polling the live panel, and a
probe timing the trivial view and the signed-in floor in the same run.

bench/load.py writes a JSON plan (the paths, each person's session and CSRF cookie, the
forms as their pages draw them) and starts this with `PARSECGO_LOAD_PLAN` naming it; the exact
response time of every request goes to the plan's `samples_out` when locust quits.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, task

from bench.forms import swapped_in_value
from bench.load import (
    AUTOSAVE,
    FLOOR,
    PANEL_200,
    PANEL_304,
    POLL_200,
    POLL_304,
    REVEAL,
    TRIVIAL,
    VOTE,
)
from bench.locust_samples import samples_keep

PLAN = json.loads(Path(os.environ["PARSECGO_LOAD_PLAN"]).read_text(encoding="utf-8"))
POLL_EVERY_S = PLAN["poll_every_s"]
samples_keep(Path(PLAN["samples_out"]), from_spawned=True)
_people = itertools.count()


def _cookie(session: str, csrftoken: str = "") -> str:
    # Sent as a header, not through locust's cookie jar: each simulated person is exactly the
    # session the plan gives it, and Secure cookies travel over this plain-HTTP loopback.
    cookie = f"{PLAN['session_cookie']}={session}"
    return f"{cookie}; {PLAN['csrf_cookie']}={csrftoken}" if csrftoken else cookie


class Paced(FastHttpUser):
    """A user whose task starts every `every` seconds from its own first start, whatever the
    requests took (locust's constant_pacing counts from the user's spawn instead, which
    brings back into step users that started out of step)."""

    abstract = True
    every = POLL_EVERY_S

    def pace_from_now(self) -> None:
        self.next_start = time.monotonic()

    def wait_time(self) -> float:
        # A task that overran starts the next one at once, without catching up in a burst.
        self.next_start = max(self.next_start + self.every, time.monotonic())
        return self.next_start - time.monotonic()


def _post(user: FastHttpUser, path: str, data: dict, *, name: str):
    """A form post as htmx sends it (fields sent twice stay twice), for a `with` block."""
    headers = {
        "Cookie": user.cookie,
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return user.client.post(
        path, data=urlencode(data, doseq=True), headers=headers, name=name, catch_response=True
    )


def _conditional_get(user: FastHttpUser, path: str, etag: str, *, fresh: str, unchanged: str):
    """A poll as static/js/live.js sends it; its name says whether it was a 304 or a 200.
    The ETag the server answers (a new one with a 200), or the one sent."""
    headers = {"Cookie": user.cookie, "HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    with user.client.get(path, headers=headers, name=fresh, catch_response=True) as response:
        if response.status_code == 304:
            response.request_meta["name"] = unchanged
            response.success()
            return etag
        if response.status_code == 200 and response.headers.get("ETag"):
            response.success()
            return response.headers["ETag"]
        response.failure(f"{path} answered {response.status_code}, not 200 with an ETag or 304")
        return etag


class Participant(Paced):
    """One joined participant's phone: the page's poll every 2 s, and a vote now and then
    (each vote changes what every other participant's next poll draws)."""

    def on_start(self) -> None:
        people = PLAN["participants"]
        self.me = people[next(_people) % len(people)]
        self.cookie = _cookie(self.me["session"], self.me["csrftoken"])
        self.etag = self.me["etag"]
        self.vote_form = dict(self.me["vote_form"])
        self.rng = random.Random(self.me["session"])
        # Phones joined at different moments and poll out of step; locust starts its users in
        # bursts (25 a second), which would make the polls arrive 25 at a time.
        gevent.sleep(self.rng.uniform(0, POLL_EVERY_S))
        self.pace_from_now()

    @task
    def poll(self) -> None:
        self.etag = _conditional_get(
            self, PLAN["poll_path"], self.etag, fresh=POLL_200, unchanged=POLL_304
        )
        if self.rng.random() < PLAN["vote_chance"]:
            self.vote()

    def vote(self) -> None:
        # The whole form autosaves on a change, the values chosen before included.
        self.vote_form.update(self.rng.choice(PLAN["votes"]))
        with _post(self, PLAN["vote_path"], self.vote_form, name=VOTE) as response:
            if response.status_code != 200 or "Saved at" not in (response.text or ""):
                response.failure(f"the vote answered {response.status_code} unsaved")


class Facilitator(Paced):
    """The facilitator's console: the live panel's poll every 2 s, an autosave of the phase's
    form now and then (with the version the previous answer carried), and a reveal."""

    fixed_count = 1

    def on_start(self) -> None:
        self.pace_from_now()
        me = PLAN["facilitator"]
        self.cookie = _cookie(me["session"], me["csrftoken"])
        self.etag = me["etag"]
        self.form = dict(me["form"])
        self.saves = 0
        now = time.monotonic()
        self.next_save = now + PLAN["autosave_every_s"] / 2
        self.next_reveal = now + PLAN["reveal_every_s"]

    @task
    def console(self) -> None:
        self.etag = _conditional_get(
            self, PLAN["panel_path"], self.etag, fresh=PANEL_200, unchanged=PANEL_304
        )
        now = time.monotonic()
        if now >= self.next_save:
            self.next_save = now + PLAN["autosave_every_s"]
            self.autosave()
        if now >= self.next_reveal:
            self.next_reveal = now + PLAN["reveal_every_s"]
            self.reveal()

    def autosave(self) -> None:
        self.saves += 1
        edited = PLAN["facilitator"]["edited_field"]
        self.form[edited] = f"{PLAN['facilitator']['form'][edited]} (edit {self.saves})"
        version_field = PLAN["facilitator"]["version_field"]
        with _post(self, PLAN["autosave_path"], self.form, name=AUTOSAVE) as response:
            text = response.text or ""
            version = swapped_in_value(text, name=version_field)
            if response.status_code != 200 or "Saved at" not in text or version is None:
                response.failure(f"the autosave answered {response.status_code} unsaved")
                return
            self.form[version_field] = version

    def reveal(self) -> None:
        # The panel's button (the same post once they are shown: the room changes again).
        with _post(self, PLAN["reveal_path"], PLAN["reveal_form"], name=REVEAL) as response:
            if response.status_code != 200:
                response.failure(f"the reveal answered {response.status_code}, not 200")


class Floor(Paced):
    """The two baselines, timed beside the room under the same load: the trivial view
    (no session, no database) and the signed-in floor (the session and the user read)."""

    fixed_count = 1
    every = PLAN["floor_every_s"]

    def on_start(self) -> None:
        self.pace_from_now()
        self.cookie = _cookie(PLAN["floor_session"])
        self.rounds = 0

    @task
    def baselines(self) -> None:
        self.rounds += 1
        pair = [
            (PLAN["trivial_path"], TRIVIAL, {}),
            (PLAN["floor_path"], FLOOR, {"Cookie": self.cookie}),
        ]
        for path, name, headers in pair if self.rounds % 2 else reversed(pair):
            self.client.get(path, headers=headers, name=name)
