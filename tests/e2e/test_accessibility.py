"""axe-core finds no serious or critical accessibility violation on any page, on a desktop
and on a phone."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, screenshot
from tests.e2e.scenario import Scenario, build_scenario
from workshops.services.invitations import invitation_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Installed from the npm registry by `make axe` (.ci/ensure-axe, pinned in .ci/node).
AXE_PATH = Path(
    os.environ.get("AXE_CORE_PATH")
    or Path(__file__).resolve().parents[2] / ".ci/node/node_modules/axe-core/axe.min.js"
)
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = ("serious", "critical")
QUICK_MATCH = (
    "/patterns/match/?trigger=event&granularity=record&consistency=eventual&failure=retry"
    "&max_latency=1&latency_unit=seconds&volume=300000000&volume_unit=day&chosen=batch"
)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE_PATH.is_file():
        message = f"axe-core is not installed ({AXE_PATH} is missing); run `make axe`."
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI must check accessibility, never skip it
        pytest.skip(message)
    return AXE_PATH


@dataclass(frozen=True)
class Stop:
    """A page to check: its name in the report, where to go, what to do there first, and what
    it must show (so that the check covers it)."""

    name: str
    path: str = ""
    then: Callable | None = None
    shows: str = ""


def go_to_phase(number: int):
    def act(page) -> None:
        page.get_by_role("list", name="Phases").get_by_role("button").nth(number - 1).click()
        expect(page.locator("#phase-title")).to_contain_text(f"{number}. ")

    return act


def lock_out(page) -> None:
    """Wrong passwords until django-axes answers with its lockout page."""
    for _ in range(6):
        page.get_by_label("Username").fill("mallory")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if page.get_by_role("heading", name="Too many failed logins").is_visible():
            return
    raise AssertionError("The lockout page never appeared.")


def anonymous_stops(scene: Scenario) -> list[Stop]:
    _, token = invitation_create(team=scene.team, by=scene.user)
    return [
        Stop("home (anonymous)", "/"),
        Stop("login", "/accounts/login/"),
        Stop("password reset", "/accounts/password-reset/"),
        Stop("invitation sign-up", f"/invitations/{token}/", shows="#id_password2"),
        Stop("lockout", "/accounts/login/", then=lock_out),
    ]


def member_stops(scene: Scenario) -> list[Stop]:
    console = f"/workshops/{scene.workshop.pk}/"
    return [
        Stop("dashboard", "/"),
        Stop("pattern catalogue", "/patterns/"),
        Stop("pattern page", "/patterns/streaming/"),
        Stop("guide", "/guide/"),
        Stop("quick match", QUICK_MATCH),
        Stop("teams", "/teams/"),
        Stop("team page", f"/teams/{scene.team.pk}/"),
        Stop("new workshop", "/workshops/new/"),
        *(
            Stop(f"console phase {number}", console, then=go_to_phase(number), shows=shows)
            for number, shows in (
                (1, "#phase-form"),
                (2, "#phase-form"),
                (3, ".ranking-card.infeasible"),
                (4, "[data-candidate] .risk-table, [data-testid=tco-table]"),
                (5, "[data-testid=validation-checks]"),
            )
        ),
        Stop("hybrid part tab", f"{console}?part={scene.part.pk}", shows="[aria-current=page]"),
        Stop("decide", f"{console}decide/"),
        Stop(
            "decided workshop console",
            f"/workshops/{scene.accepted.workshop_id}/",
            shows="[data-testid=decided-banner]",
        ),
        Stop("decision record", f"/decisions/{scene.accepted.pk}/"),
        Stop(
            "superseded decision record",
            f"/decisions/{scene.superseded.pk}/",
            shows=".alert-warning .alert-link",
        ),
        Stop("history", "/decisions/", shows="[data-testid=decisions]"),
        Stop("API tokens", "/account/tokens/", shows="[data-testid=tokens]"),
    ]


def axe_violations(page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ['violations']});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({
                    impact: n.impact, target: n.target.join(' '), summary: n.failureSummary,
                })),
            }));
        }"""
    )


def describe(stop: str, violation: dict) -> str:
    lines = [f"[{stop}] {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        summary = " ".join((node["summary"] or "").split())
        lines.append(f"    {node['target']}\n      {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", VIEWPORTS)
def test_no_page_has_a_serious_or_critical_violation(
    browser, live_server, catalogue, axe_script, width
):
    scene = build_scenario()
    context = browser.new_context(viewport=VIEWPORTS[width], base_url=live_server.url)
    # An init script is injected by the browser itself: the page's CSP (no inline script,
    # scripts from 'self' only) stays on, so axe sees the page exactly as a user gets it.
    context.add_init_script(path=str(axe_script))
    page = context.new_page()
    failures: list[str] = []
    others: list[str] = []
    tally: dict[str, int] = {}

    def check(stops: list[Stop]) -> None:
        for stop in stops:
            if stop.path:
                response = page.goto(stop.path)
                assert response.ok, f"{stop.name} ({stop.path}) answered {response.status}"
            if stop.then:
                stop.then(page)
            if stop.shows:
                expect(page.locator(stop.shows).first).to_be_visible()
            for violation in axe_violations(page):
                if violation["impact"] in BLOCKING:
                    failures.append(describe(stop.name, violation))
                    tally[stop.name] = tally.get(stop.name, 0) + len(violation["nodes"])
                else:
                    others.append(describe(stop.name, violation))
            screenshot(page, f"a11y-{width}-{slugify(stop.name)}")

    try:
        check(anonymous_stops(scene))
        log_in(page, live_server, scene.user)
        check(member_stops(scene))
    finally:
        context.close()

    if others:
        print("Moderate and minor findings (not failing):\n" + "\n".join(others))
    assert not failures, (
        f"Serious or critical accessibility violations at {width} width, elements per page: "
        + ", ".join(f"{name} {count}" for name, count in tally.items())
        + "\n"
        + "\n".join(failures)
    )
