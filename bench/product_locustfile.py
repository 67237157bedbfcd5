"""The whole product's load run (locust): 50 participants join a live workshop from their
phones and take part in every phase, its facilitator moves it through the phases to an
accepted decision and downloads the PDF the worker draws, and team members read the history.

bench/product.py seeds the data, starts gunicorn and the worker, writes the plan (paths and
sessions) and starts this with `PARSECGO_LOAD_PLAN` naming it. Every person reads the forms
from the page their browser would have open (bench/forms.py) and posts them as htmx does; a
participant re-reads their page when a poll says the phase or the decision changed, where the
browser swaps the page's phase area in from the poll's answer.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, task

from bench import product as kinds
from bench.forms import form_as_posted, form_choices
from bench.load import cookie_take, live_element
from bench.locust_samples import elapsed, samples_keep

PLAN = json.loads(Path(os.environ["PARSECGO_LOAD_PLAN"]).read_text(encoding="utf-8"))
PATHS = PLAN["paths"]
POLL_EVERY_S = PLAN["poll_every_s"]
RUN_TIME_S = PLAN["run_time_s"]
# When the facilitator takes each step, as shares of the run: every phase gets its few polls'
# worth of the room's answers before the next; what is left after the PDF is history reading.
SCHEDULE = (
    ("phase 2", 0.10),
    ("phase 3", 0.20),
    ("phase 4", 0.24),
    ("phase 5", 0.38),
    ("proposed", 0.40),
    ("accepted", 0.50),
)
DECISION_MAKER_EVERY = 5  # every fifth participant decides (and so consents)
PROPOSE_CHANCE = 0.3  # of each participant proposing a risk in phase 4
DOTS = 3

# What the workshop got through, as the facilitator saw it, and how many joined.
_reached: dict[str, object] = {"joined": 0, "timeline": []}
_people = itertools.count(1)
samples_keep(Path(PLAN["samples_out"]), from_spawned=False, extra={"reached": _reached})


class Person(FastHttpUser):
    """One browser: its own cookies, sent as a header (Secure cookies over this plain-HTTP
    loopback, as bench/locustfile.py does), redirects not followed."""

    abstract = True

    def on_start(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        name: str,
        expect=(200,),
        data=None,
        name_304: str = "",
        check=None,
        **headers,
    ):
        """A request that fails unless its status is one of `expect` and `check(response)`
        (when given) finds nothing wrong; named `name_304` when it answered 304. The answer,
        or None when it failed. Decided inside locust's block: once it closes, the request's
        name and outcome are recorded."""
        sent = dict(headers)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent.setdefault("X-CSRFToken", self.cookies.get(PLAN["csrf_cookie"], ""))
        with self.client.request(
            method,
            path,
            data=body,
            headers=sent,
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            for line in response.headers.getlist("Set-Cookie") if response.headers else ():
                cookie_take(self.cookies, line)
            if response.status_code == 304 and name_304:
                response.request_meta["name"] = name_304
            problem = (
                f"{method} {path} answered {response.status_code}"
                if response.status_code not in expect
                else (check(response) if check else None)
            )
            if problem:
                response.failure(problem)
                return None
            response.success()
            return response

    def htmx_post(self, path: str, data, *, name: str, saved: str = ""):
        def unsaved(response) -> str | None:
            if saved and saved not in (response.text or ""):
                return f"{path} answered without '{saved}'"
            return None

        return self.request(
            "POST", path, name=name, data=data, check=unsaved, **{"HX-Request": "true"}
        )


def _pick(rng: random.Random, form: dict, choices: dict[str, list[str]], *names: str) -> dict:
    """`form` with a random value for each of its radio groups (or `names` only)."""
    for name, values in choices.items():
        if not names or name in names:
            form[name] = rng.choice(values)
    return form


class Participant(Person):
    """A phone: joins through the invite link, then polls every 2 s and answers whatever the
    current phase asks of it, once: the delay questions, the four votes, a risk now and then
    and three dots, consent when it decides; "I'm ready" in each phase."""

    def on_start(self) -> None:
        super().on_start()
        self.number = next(_people)
        self.rng = random.Random(self.number)
        self.done: set[str] = set()
        self.dotted: set[str] = set()
        self.ready_in: set[str] = set()
        self.state = ""
        gevent.sleep(self.rng.uniform(0, POLL_EVERY_S * 2))  # phones join over a few seconds
        self.next_start = time.monotonic()
        invite = PATHS["join-invite"]
        page = self.request("GET", invite, name=kinds.JOIN_PAGE)
        if page is None:
            return
        form = form_as_posted(page.text, action=invite)
        form.update(
            name=f"Participant {self.number}",
            role=("engineering", "operations", "business", "security", "other")[self.number % 5],
            involvement="decision_maker"
            if self.number % DECISION_MAKER_EVERY == 0
            else "consulted",
        )
        if self.request("POST", invite, name=kinds.JOIN, data=form, expect=(302,)) is None:
            return
        _reached["joined"] = int(_reached["joined"]) + 1
        self.read_page()

    def wait_time(self) -> float:
        self.next_start = max(self.next_start + POLL_EVERY_S, time.monotonic())
        return self.next_start - time.monotonic()

    @task
    def poll(self) -> None:
        if not self.state:  # never got its page (the join failed): nothing to poll
            return
        headers = {"HX-Request": "true"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        answer = self.request(
            "GET",
            self.poll_path,
            name=kinds.POLL_200,
            name_304=kinds.POLL_304,
            expect=(200, 304),
            **headers,
        )
        if answer is None or answer.status_code == 304:
            return
        # The poll's next address from the status region it draws, its ETag from the header
        # (as static/js/live.js keeps them).
        self.poll_path, _ = live_element(answer.text)
        self.etag = answer.headers.get("ETag", "")
        # The answer carries, out of band, what changed: the new phase's area when the phase
        # moved (its forms), the proposals to dot in phase 4. Only when it names another
        # phase or decision and brings no form of it is the page read again.
        if not self.answer(answer.text) and self.poll_path != self.state:
            self.read_page()
        self.state = self.poll_path

    def read_page(self) -> None:
        page = self.request("GET", PATHS["participant"], name=kinds.PAGE)
        if page is None:
            return
        self.poll_path, self.etag = live_element(page.text)
        self.state = self.poll_path  # the poll names the phase and the decision it shows
        self.answer(page.text)

    def answer(self, page: str) -> bool:
        """Post what `page` (the page or a poll's answer) asks that this phone has not posted
        yet; whether it drew any of the phases' forms."""
        actions = _actions(page)
        drawn = bool(actions - {PATHS["participant-ready"]})
        posted = False
        for key, path, name, saved in (
            ("delay", PATHS["participant-delay"], kinds.DELAY, "Saved at"),
            ("vote", PATHS["participant-vote"], kinds.VOTE, "Saved at"),
        ):
            if key not in self.done and path in actions:
                form = _pick(
                    self.rng, form_as_posted(page, action=path), form_choices(page, action=path)
                )
                self.htmx_post(path, form, name=name, saved=saved)
                self.done.add(key)
                posted = True
        risk = PATHS["participant-risk"]
        if "risk" not in self.done and risk in actions:
            self.done.add("risk")
            if self.rng.random() < PROPOSE_CHANCE:
                form = form_as_posted(page, action=risk)
                for field in form:
                    if field.endswith("-title"):
                        form[field] = f"Risk seen by participant {self.number}"
                    elif field.endswith("-mitigation"):
                        form[field] = "Alert before the window closes; rerun by hand"
                self.htmx_post(risk, form, name=kinds.RISK)
                posted = True
        dots = sorted({path for path in actions if path.endswith("/dot/")} - self.dotted)
        if dots and len(self.dotted) < DOTS:
            path = self.rng.choice(dots)
            self.htmx_post(path, form_as_posted(page, action=path), name=kinds.DOT)
            self.dotted.add(path)
            posted = True
        consent = PATHS["participant-consent"]
        if "consent" not in self.done and consent in actions:
            self.done.add("consent")
            form = form_as_posted(page, action=consent)
            form["consent-answer"] = "abstain" if self.number % 4 == 0 else "agree"
            self.htmx_post(consent, form, name=kinds.CONSENT)
            posted = True
        ready = PATHS["participant-ready"]
        if posted and ready in actions and self.state not in self.ready_in:
            self.ready_in.add(self.state)  # once a phase, after its first answer
            self.htmx_post(ready, form_as_posted(page, action=ready), name=kinds.READY)
        return drawn


def _actions(page: str) -> set[str]:
    """Where the page's forms post."""
    return set(re.findall(r'<form\b[^>]*\baction="([^"]+)"', page))


class Reader(Person):
    """A team member reading the history: the list, a filtered list, a record, its Markdown
    and JSON, and now and then its PDF (asked, drawn by the worker, downloaded)."""

    abstract = True
    every = 1.0

    def start_reading(self, session: str, seed: int) -> None:
        self.cookies = {PLAN["session_cookie"]: session}
        self.rng = random.Random(seed)
        self.rounds = 0
        self.next_start = time.monotonic()

    def wait_time(self) -> float:
        self.next_start = max(self.next_start + self.every, time.monotonic())
        return self.next_start - time.monotonic()

    def read_once(self) -> None:
        self.rounds += 1
        record = self.rng.choice(PLAN["records"])
        step = self.rounds % 6
        if step == 1:
            self.request("GET", PATHS["decision-list"], name=kinds.HISTORY)
        elif step == 2:
            path = PATHS["decision-list"] + self.rng.choice(PLAN["history_filters"])
            self.request("GET", path, name=kinds.HISTORY_FILTERED)
        elif step == 3:
            self.request("GET", record["page"], name=kinds.RECORD)
        elif step == 4:
            self.request("GET", record["markdown"], name=kinds.MARKDOWN)
        elif step == 5:
            self.request("GET", record["json"], name=kinds.JSON)
        elif self.rounds % 18 == 0:
            self.pdf(record["page"].rstrip("/") + ".pdf")

    def pdf(self, path: str) -> float | None:
        """Ask for a record's PDF; follow its page while the worker draws it (a poll every 2 s,
        as the page does) and download it. The seconds it took, or None when it failed. A
        download may answer the page again (202): the record changed since the drawing (a
        decision accepted meanwhile supersedes the one it revisits), and that version is
        followed in turn."""
        asked = time.monotonic()
        deadline = asked + 60
        answer = self.request("GET", path, name=kinds.PDF_ASK, expect=(200, 202), check=_no_pdf)
        while answer is not None and answer.status_code == 202:
            if time.monotonic() > deadline:
                answer.failure(f"{path} was not drawn within 60 s")
                return None
            _, etag = live_element(answer.text)
            while "-ready-" not in etag and time.monotonic() < deadline:
                gevent.sleep(POLL_EVERY_S)
                polled = self.request(
                    "GET",
                    path,
                    name=kinds.PDF_POLL_200,
                    name_304=kinds.PDF_POLL_304,
                    expect=(200, 202, 304),  # 202 while it is still queued or drawing
                    check=_drawing_failed,
                    **{"HX-Request": "true", "If-None-Match": etag},
                )
                if polled is None:
                    return None
                if polled.status_code != 304:
                    etag = polled.headers.get("ETag", "")
            answer = self.request("GET", path, name=kinds.PDF, expect=(200, 202), check=_no_pdf)
        if answer is None:
            return None
        self.pdf_bytes = len(answer.content)
        return time.monotonic() - asked


def _drawing_failed(response) -> str | None:
    etag = response.headers.get("ETag", "")
    return f"the PDF was not drawn: {etag}" if "-failed-" in etag or "-stalled-" in etag else None


def _no_pdf(response) -> str | None:
    """A 200 must be the PDF itself; a 202 is the page that follows its drawing."""
    if response.status_code == 202 or (response.content or b"").startswith(b"%PDF-"):
        return None
    return "the download is no PDF"


_readers = itertools.count()


class HistoryReader(Reader):
    fixed_count = len(PLAN["reader_sessions"])

    def on_start(self) -> None:
        super().on_start()
        number = next(_readers)
        self.start_reading(PLAN["reader_sessions"][number % len(PLAN["reader_sessions"])], number)

    @task
    def read(self) -> None:
        self.read_once()


class Facilitator(Reader):
    """The console: the live panel's poll every 2 s, and at each point of SCHEDULE the next
    step (the room's answers taken in, the votes revealed and the profile set to the majority,
    the top risks made the candidate's, the decision proposed and, after the room's consent,
    accepted), then the record's PDF, then reading the history until the run ends."""

    fixed_count = 1
    every = POLL_EVERY_S

    def on_start(self) -> None:
        super().on_start()
        self.start_reading(PLAN["facilitator_session"], 0)
        self.steps = list(SCHEDULE)
        self.decision = ""
        self.pdf_done = False
        self.console()

    def console(self) -> str:
        """The console as the browser shows it after each step (the redirect's target)."""
        page = self.request("GET", PATHS["console"], name=kinds.CONSOLE)
        if page is None:
            return ""
        try:
            self.panel_path, self.panel_etag = live_element(page.text, element_id="live-panel")
        except LookupError:
            self.panel_path, self.panel_etag = "", ""
        return page.text

    @task
    def facilitate(self) -> None:
        if self.steps and elapsed() >= self.steps[0][1] * RUN_TIME_S:
            step, _ = self.steps.pop(0)
            self.take(step)
            _reached["timeline"].append((step, elapsed()))
            return
        if self.decision and _reached.get("accepted") and not self.pdf_done:
            self.pdf_done = True
            seconds = self.pdf(self.decision.rstrip("/") + ".pdf")
            if seconds is not None:
                _reached.update(pdf=True, pdf_seconds=seconds, pdf_bytes=self.pdf_bytes)
            return
        if self.pdf_done:
            self.read_once()
        elif self.panel_path:
            headers = {"HX-Request": "true"}
            if self.panel_etag:
                headers["If-None-Match"] = self.panel_etag
            answer = self.request(
                "GET",
                self.panel_path,
                name=kinds.PANEL_200,
                name_304=kinds.PANEL_304,
                expect=(200, 304),
                **headers,
            )
            if answer is not None and answer.status_code != 304:
                self.panel_etag = answer.headers.get("ETag", "")

    def take(self, step: str) -> None:
        if step.startswith("phase "):
            phase = int(step.split()[1])
            # The console as its live panel now shows it (the room's answers to take in).
            page = self.console()
            # Before leaving a phase, what the room said goes into the workflow.
            for path in sorted(_actions(page)):
                if path == PATHS["votes-reveal"]:
                    self.request(
                        "POST",
                        path,
                        name=kinds.REVEAL,
                        data=form_as_posted(page, action=path),
                        expect=(302,),
                    )
                    page = self.console()
            for path in sorted(_actions(page)):
                if path in (PATHS["room-delays-apply"], PATHS["room-profile-apply"]) or (
                    path.endswith("/adopt/")
                ):
                    self.request(
                        "POST",
                        path,
                        name=kinds.APPLY,
                        data=form_as_posted(page, action=path),
                        expect=(302,),
                    )
                    page = self.console()
            token = self.cookies.get(PLAN["csrf_cookie"], "")
            data = {"csrfmiddlewaretoken": token, "phase": phase, "confirm": "yes"}
            self.request("POST", PATHS["phase-go"], name=kinds.PHASE_GO, data=data, expect=(302,))
            self.console()
            return
        decide = self.request("GET", PATHS["decide"], name=kinds.DECIDE_PAGE)
        if decide is None:
            return
        form = form_as_posted(decide.text, action="")
        form.update(
            action=step,
            rationale="The nightly window fits the volume, and the room agreed on batch.",
            accept_reason="Accepted with the room's consent." if step == "accepted" else "",
        )
        answer = self.request("POST", PATHS["decide"], name=kinds.DECIDE, data=form, expect=(302,))
        if answer is not None:
            self.decision = answer.headers.get("Location", "")
            _reached[step] = True
