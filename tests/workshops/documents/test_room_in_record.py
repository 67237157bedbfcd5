"""What the room contributed, in the decision record: its delay answers, dimension votes and
proposed risks per workflow, and the decision-makers' consent — in the frozen snapshot, on the
record page, in the PDF, the Markdown and the JSON export (and back through the import);
accepting over an objection asks why."""

from __future__ import annotations

import copy
import html
import json
import re
from datetime import datetime, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.workshops.builders import ZOE, decide, profile
from workshops.documents.json import decision_to_json
from workshops.documents.markdown import decision_to_markdown
from workshops.documents.pdf import decision_pdf, workshop_draft_pdf
from workshops.models import Decision, Participant, StatusChange, Workflow
from workshops.services import room as room_services
from workshops.services.decisions import decision_record, decision_transition
from workshops.services.workflows import workflow_split
from workshops.views.decisions import record_html

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"
AUDIT = "The audit trail is not covered"


def join(workshop, name, role, involvement="consulted") -> Participant:
    return room_services.participant_join(
        workshop=workshop, name=name, role=role, involvement=involvement
    )


def fresh(workflow: Workflow) -> Workflow:
    workflow.refresh_from_db()
    return workflow


def propose(person, workflow, title, *, pattern="batch", mitigation=""):
    return room_services.risk_propose(
        participant=person,
        workflow=fresh(workflow),
        pattern_slug=pattern,
        title=title,
        mitigation=mitigation,
    )


def dot(people, proposal):
    for person in people:
        room_services.risk_dot_toggle(participant=person, proposal=proposal)


def vote(person, workflow, reason="", **values):
    for dimension, value in values.items():
        room_services.dimension_vote(
            participant=person, workflow=workflow, dimension=dimension, value=value, reason=reason
        )


def record(workshop, facilitator, status=Decision.Status.PROPOSED) -> Decision:
    return decide(workshop, facilitator, status=status)


def text(content: str) -> str:
    """What a reader sees of `content`: its words, each element's apart from the next."""
    return html.unescape(" ".join(re.sub(r"<[^>]*>", " ", content).split()))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    words = "\n".join(page.extract_text() for page in reader.pages).replace("‐\n", "")
    return " ".join(words.split())


@pytest.fixture
def people(workshop):
    """Who joined: Olga and Dana decide, Bea is consulted, Sam only watches; Zoë was listed
    by the facilitator."""
    profile(workshop, people=[ZOE])
    return {
        "olga": join(workshop, "Olga", "security", "decision_maker"),
        "dana": join(workshop, "Dana", "operations", "decision_maker"),
        "bea": join(workshop, "Bea", "business"),
        "sam": join(workshop, "Sam", "other", "informed"),
    }


@pytest.fixture
def room(workshop, workflow, people):
    """Everything the room contributes: delay answers where roles disagree, votes with a
    split and reasons (one of them hostile), risks with their dots."""
    olga, dana, bea = people["olga"], people["dana"], people["bea"]
    workflow = fresh(workflow)
    for person, answers in (
        (olga, ("degraded", "unacceptable", "unacceptable")),
        (dana, ("fine", "fine", "degraded")),
        (bea, ("fine", "unacceptable", "unacceptable")),
    ):
        room_services.delay_answer(
            participant=person,
            workflow=workflow,
            answers=dict(zip(room_services.DELAY_FIELDS, answers, strict=True)),
        )
    common = {"trigger": "scheduled", "granularity": "batch", "consistency": "strong"}
    vote(olga, workflow, reason=HOSTILE, **common, failure="dead_letter")
    vote(dana, workflow, reason="The nightly window is enough", **common, failure="retry")
    vote(bea, workflow, **{**common, "trigger": "event"}, failure="retry")
    overrun = propose(dana, workflow, "The run overruns its window", mitigation="Partition it.")
    leak = propose(olga, workflow, f"Stock levels leak {HOSTILE}", mitigation="Encrypt at rest.")
    propose(bea, workflow, "Brokers need tuning", pattern="streaming")
    dot([olga, dana, bea], leak)
    dot([dana], overrun)
    return workflow


# --- the snapshot -------------------------------------------------------------------------------


class TestSnapshot:
    def test_it_keeps_each_participants_delay_answers_and_what_they_add_up_to(
        self, workshop, facilitator, room
    ):
        delays = record(workshop, facilitator).snapshot["workflows"][0]["room"]["delays"]
        assert delays["respondents"] == 3
        assert delays["answers"] == [
            {"name": "Olga", "role": "Security", "10s": "degraded", "10m": "unacceptable",
             "1h": "unacceptable"},
            {"name": "Dana", "role": "Operations", "10s": "fine", "10m": "fine", "1h": "degraded"},
            {"name": "Bea", "role": "Business", "10s": "fine", "10m": "unacceptable",
             "1h": "unacceptable"},
        ]  # fmt: skip
        assert delays["group_answers"] == {
            "10s": "fine",
            "10m": "unacceptable",
            "1h": "unacceptable",
        }
        assert (
            delays["tolerance"]
            == "The group can wait up to 10 seconds; 10 minutes is unacceptable."
        )
        assert delays["disagreements"][1] == (
            "Operations says a 10-minute delay is fine; "
            "Business and Security say it is unacceptable."
        )
        operations = next(row for row in delays["roles"] if row["role"] == "Operations")
        assert operations["counts"][2] == {"fine": 0, "degraded": 1, "unacceptable": 0}

    def test_it_keeps_the_dimension_votes_with_the_split_and_the_reasons(
        self, workshop, facilitator, room
    ):
        room_services.votes_reveal(workflow=room)
        votes = record(workshop, facilitator).snapshot["workflows"][0]["room"]["votes"]
        assert (votes["revealed"], votes["voters"], votes["cast"]) == (True, 3, 12)
        trigger, _granularity, _consistency, failure = votes["dimensions"]
        assert trigger["counts"] == [
            {"value": "scheduled", "label": "Scheduled (pull)", "votes": 2},
            {"value": "event", "label": "Event (push)", "votes": 1},
        ]
        assert (trigger["majority"], trigger["split"]) == ("scheduled", False)
        assert (failure["majority"], failure["split"]) == ("retry", False)
        assert trigger["reasons"][1] == {
            "name": "Dana",
            "role": "Operations",
            "value": "scheduled",
            "value_label": "Scheduled (pull)",
            "reason": "The nightly window is enough",
        }

    def test_a_split_dimension_is_marked_split(self, workshop, facilitator, workflow, people):
        workflow = fresh(workflow)
        vote(people["olga"], workflow, failure="retry")
        vote(people["dana"], workflow, failure="dead_letter")
        room_services.votes_reveal(workflow=workflow)
        failure = record(workshop, facilitator).snapshot["workflows"][0]["room"]["votes"][
            "dimensions"
        ][3]
        assert (failure["majority"], failure["split"], failure["votes"]) == (None, True, 2)

    def test_votes_never_revealed_stay_hidden_in_the_record(self, workshop, facilitator, room):
        join(workshop, "Eve", "engineering")  # has not voted yet: the votes stay hidden
        snapshot = record(workshop, facilitator).snapshot
        votes = snapshot["workflows"][0]["room"]["votes"]
        assert (votes["revealed"], votes["cast"]) == (False, 12)
        assert votes["dimensions"][0] == {"dimension": "trigger", "label": "Trigger", "votes": 3}
        assert "The nightly window" not in json.dumps(snapshot)

    def test_it_keeps_the_proposed_risks_most_dots_first_with_who_raised_them(
        self, workshop, facilitator, room
    ):
        proposed = record(workshop, facilitator).snapshot["workflows"][0]["room"]["proposed_risks"]
        assert [c["pattern"] for c in proposed] == ["batch", "streaming"]
        assert proposed[0]["name"] == "Batch processing"
        assert proposed[0]["risks"] == [
            {
                "title": f"Stock levels leak {HOSTILE}",
                "mitigation": "Encrypt at rest.",
                "proposer": "Olga",
                "role": "Security",
                "dots": 3,
            },
            {
                "title": "The run overruns its window",
                "mitigation": "Partition it.",
                "proposer": "Dana",
                "role": "Operations",
                "dots": 1,
            },
        ]

    def test_each_part_keeps_what_the_room_said_about_it(self, workshop, facilitator, people):
        whole = workshop.workflows.get()
        stores, _warehouse = workflow_split(workflow=whole, names=("Stores", "Warehouse"))
        room_services.delay_answer(
            participant=people["bea"], workflow=stores, answers={"delay_10s": "unacceptable"}
        )
        workflows = record(workshop, facilitator).snapshot["workflows"]
        assert [w["room"]["delays"]["respondents"] for w in workflows] == [0, 1, 0]

    def test_a_room_that_said_nothing_leaves_empty_parts(self, workshop, facilitator):
        profile(workshop)
        snapshot = record(workshop, facilitator).snapshot
        assert snapshot["consent"] == []
        room = snapshot["workflows"][0]["room"]
        assert room["delays"]["respondents"] == 0
        assert room["votes"]["cast"] == 0 and room["proposed_risks"] == []

    def test_joined_participants_are_the_records_people_with_their_roles(
        self, workshop, facilitator, people
    ):
        assert record(workshop, facilitator).snapshot["people"] == {
            "decision_makers": [
                {"name": "Zoë", "role": "Business"},
                {"name": "Olga", "role": "Security"},
                {"name": "Dana", "role": "Operations"},
            ],
            "consulted": [{"name": "Bea", "role": "Business"}],
            "informed": [{"name": "Sam", "role": "Other"}],  # the spectator
        }

    def test_recording_reads_each_kind_of_contribution_once(
        self, workshop, facilitator, room, people
    ):
        workflows = list(workshop.workflows.all())

        def recording() -> int:
            with CaptureQueriesContext(connection) as queries:
                decision_record(
                    workshop=workshop,
                    by=facilitator,
                    chosen={workflows[0].pk: "batch"},
                    rationale="it fits.",
                    consequences="",
                    review_date=None,
                )
            return len(queries)

        recording()  # creates (and numbers) the record: the two counted below update it
        few = recording()
        for number in range(27):
            person = join(workshop, f"Person {number}", "engineering")
            room_services.delay_answer(
                participant=person, workflow=fresh(room), answers={"delay_10s": "fine"}
            )
            vote(person, fresh(room), reason="Because", trigger="event", failure="retry")
            dot([person], propose(person, room, f"Risk {number}"))
        assert recording() == few


# --- consent --------------------------------------------------------------------------------


class TestConsent:
    def test_consent_is_written_into_the_proposed_record_at_once(
        self, workshop, facilitator, people
    ):
        decision = record(workshop, facilitator)
        before = decision.updated_at
        room_services.consent_record(
            participant=people["olga"], decision=decision, answer="object", reason=AUDIT
        )
        room_services.consent_record(participant=people["dana"], decision=decision, answer="agree")
        decision.refresh_from_db()
        assert decision.updated_at > before
        consent = decision.snapshot["consent"]
        assert [(c["name"], c["role"], c["answer"], c["reason"]) for c in consent] == [
            ("Olga", "Security", "object", AUDIT),
            ("Dana", "Operations", "agree", ""),
        ]
        assert all(datetime.fromisoformat(c["recorded_at"]) for c in consent)

    def test_changing_ones_answer_changes_the_record(self, workshop, facilitator, people):
        decision = record(workshop, facilitator)
        olga = people["olga"]
        room_services.consent_record(
            participant=olga, decision=decision, answer="object", reason=AUDIT
        )
        room_services.consent_record(participant=olga, decision=decision, answer="abstain")
        decision.refresh_from_db()
        assert [(c["answer"], c["reason"]) for c in decision.snapshot["consent"]] == [
            ("abstain", "")
        ]

    def test_recording_the_decision_again_keeps_its_consent(self, workshop, facilitator, people):
        decision = record(workshop, facilitator)
        room_services.consent_record(participant=people["dana"], decision=decision, answer="agree")
        again = decision_record(
            workshop=workshop,
            by=facilitator,
            chosen={workshop.workflows.get().pk: "streaming"},
            rationale="it is faster.",
            consequences="",
            review_date=None,
        )
        assert again.pk == decision.pk
        assert [c["name"] for c in again.snapshot["consent"]] == ["Dana"]

    def test_consent_is_refused_once_accepted_and_the_record_stays_frozen(
        self, workshop, facilitator, people
    ):
        decision = record(workshop, facilitator)
        room_services.consent_record(participant=people["dana"], decision=decision, answer="agree")
        stale = Decision.objects.get(pk=decision.pk)  # a page loaded before the acceptance
        decision_transition(decision=decision, to_status="accepted", by=facilitator, note="Ok")
        frozen = Decision.objects.get(pk=decision.pk)
        with pytest.raises(ValidationError):
            room_services.consent_record(
                participant=people["olga"], decision=stale, answer="object", reason=AUDIT
            )
        decision.refresh_from_db()
        assert decision.snapshot == frozen.snapshot
        assert decision.updated_at == frozen.updated_at


# --- the record page, its PDF, its Markdown -------------------------------------------------


@pytest.fixture
def consented(workshop, facilitator, room, people):
    """The room revealed its votes; the decision is proposed, Olga objects, Dana agrees."""
    room_services.votes_reveal(workflow=room)
    decision = record(workshop, facilitator)
    room_services.consent_record(
        participant=people["olga"], decision=decision, answer="object", reason=f"{AUDIT} {HOSTILE}"
    )
    room_services.consent_record(participant=people["dana"], decision=decision, answer="agree")
    return Decision.objects.get(pk=decision.pk)


def markdown_of(decision) -> str:
    return decision_to_markdown(
        Decision.objects.get(pk=decision.pk),
        record_url="http://testserver/",
        supersedes=None,
        successors=[],
        changes=[],
    )


class TestRecordPage:
    def test_it_shows_who_consented_to_what(self, facilitator_client, consented):
        page = facilitator_client.get(consented.get_absolute_url()).content.decode()
        consent = text(page.split('data-testid="consent"')[1].split("</section>")[0])
        assert f"Objects Olga (Security): {AUDIT} {HOSTILE}" in consent.replace(
            "&lt;", "<"
        ).replace("&gt;", ">")
        assert "Agrees Dana (Operations)" in consent
        assert HOSTILE not in page  # escaped

    def test_it_shows_what_the_room_said(self, facilitator_client, consented):
        page = facilitator_client.get(consented.get_absolute_url()).content.decode()
        said = text(page.split('data-testid="room-said"')[1].split("Considered options")[0])
        assert "How late may the data be? (3 answered)" in said
        assert "Operations fine 1 fine 1 degraded 1" in said
        assert "The room fine unacceptable unacceptable" in said
        assert (
            "Roles disagree: Operations says a 10-minute delay is fine; Business and Security "
            "say it is unacceptable." in said
        )
        assert "Trigger Scheduled (pull) 2 Event (push) 1 majority: Scheduled (pull)" in said
        assert "“The nightly window is enough” — Dana (Operations), for Scheduled (pull)" in said
        assert "The run overruns its window Partition it. Operations (Dana) 1" in said
        assert "Brokers need tuning — Business (Bea) 0" in said
        assert HOSTILE not in page

    def test_a_split_is_marked(self, facilitator_client, workshop, facilitator, workflow, people):
        workflow = fresh(workflow)
        vote(people["olga"], workflow, failure="retry")
        vote(people["dana"], workflow, failure="dead_letter")
        room_services.votes_reveal(workflow=workflow)
        decision = record(workshop, facilitator)
        page = text(facilitator_client.get(decision.get_absolute_url()).content.decode())
        assert "Failure handling Retry 1 Dead-letter 1 split" in page

    def test_hidden_votes_say_so(self, facilitator_client, workshop, facilitator, room):
        join(workshop, "Eve", "engineering")  # has not voted yet: the votes stay hidden
        decision = record(workshop, facilitator)
        page = text(facilitator_client.get(decision.get_absolute_url()).content.decode())
        assert "Votes on the four dimensions (12 cast)" in page
        assert "The votes were never revealed, so the record keeps them hidden too." in page
        assert "The nightly window" not in page

    def test_a_quiet_room_adds_nothing_to_the_page(self, facilitator_client, workshop, facilitator):
        profile(workshop)
        decision = record(workshop, facilitator)
        page = facilitator_client.get(decision.get_absolute_url()).content.decode()
        assert "What the room said" not in page and 'data-testid="consent"' not in page

    def test_a_new_consent_redraws_the_cached_record(self, workshop, facilitator, people):
        decision = record(workshop, facilitator)
        assert "Consent" not in record_html(Decision.objects.get(pk=decision.pk))
        room_services.consent_record(participant=people["dana"], decision=decision, answer="agree")
        assert "Agrees" in record_html(Decision.objects.get(pk=decision.pk))


class TestPdf:
    def test_it_prints_consent_and_what_the_room_said_escaped(self, consented):
        words = pdf_text(decision_pdf(consented))
        for expected in (
            "Consent",
            f"Objects Olga (Security): {AUDIT} {HOSTILE}",
            "Agrees Dana (Operations)",
            "What the room said",
            "Roles disagree: Operations says a 10-minute delay is fine",
            "majority: Scheduled (pull)",
            "The nightly window is enough",
            f"Stock levels leak {HOSTILE}",
        ):
            # Lines may break anywhere in a table cell: compare without the spaces.
            assert expected.replace(" ", "") in words.replace(" ", ""), expected

    def test_the_draft_pdf_prints_the_room_too(self, workshop, facilitator, room):
        words = pdf_text(workshop_draft_pdf(workshop=workshop, by=facilitator))
        assert "What the room said" in words and "The run overruns its window" in words


class TestMarkdown:
    def test_its_sections_follow_madr_then_consent_and_the_room(self, consented):
        text_ = markdown_of(consented)
        headings = [line for line in text_.splitlines() if re.match(r"#{1,6} ", line)]
        index = headings.index
        assert (
            index("## More Information")
            < index("## Consent")
            < index("## What the Room Said")
            < index("## Risks")
        )
        assert text_.startswith('---\nstatus: "proposed"\n')
        assert 'decision-makers: "Zoë (Business), Olga (Security), Dana (Operations)"' in text_
        assert 'consulted: "Bea (Business)"' in text_
        assert 'informed: "Sam (Other)"' in text_

    def test_it_says_who_consented_to_what_escaped(self, consented):
        consent = markdown_of(consented).split("## Consent\n")[1].split("\n## ")[0]
        assert (
            "* Olga (Security) objects: The audit trail is not covered "
            "&lt;script&gt;alert(1)&lt;/script&gt;\n" in consent
        )
        assert "* Dana (Operations) agrees.\n" in consent

    def test_it_tabulates_what_the_room_said(self, consented):
        said = markdown_of(consented).split("## What the Room Said\n")[1].split("\n## ")[0]
        assert "**How late may the data be?** 3 answered." in said
        assert "| Operations | fine 1 | fine 1 | degraded 1 |" in said
        assert "| **The room** | fine | unacceptable | unacceptable |" in said
        assert (
            "* Operations says a 10-minute delay is fine; Business and Security say it is "
            "unacceptable." in said
        )
        assert (
            "| Trigger | Scheduled (pull) 2, Event (push) 1 | majority: Scheduled (pull) |" in said
        )
        assert (
            "* Trigger: “The nightly window is enough” — Dana (Operations), for Scheduled (pull)"
            in said
        )
        assert (
            "| Stock levels leak &lt;script&gt;alert(1)&lt;/script&gt; | Encrypt at rest. "
            "| Security (Olga) | 3 |" in said
        )
        for row in said.splitlines():
            if row.startswith("|"):
                cells = [t for t in re.findall(r"\\.|\|", row) if t == "|"]
                assert len(cells) - 1 in (3, 4), row

    def test_a_split_is_marked(self, workshop, facilitator, workflow, people):
        workflow = fresh(workflow)
        vote(people["olga"], workflow, failure="retry")
        vote(people["dana"], workflow, failure="dead_letter")
        room_services.votes_reveal(workflow=workflow)
        said = markdown_of(record(workshop, facilitator))
        assert "| Failure handling | Retry 1, Dead-letter 1 | split |" in said

    def test_a_hybrids_room_is_told_part_by_part(self, workshop, facilitator, people):
        whole = workshop.workflows.get()
        stores, _warehouse = workflow_split(workflow=whole, names=("Stores", "Warehouse"))
        room_services.delay_answer(
            participant=people["bea"], workflow=stores, answers={"delay_10s": "unacceptable"}
        )
        said = markdown_of(record(workshop, facilitator)).split("## What the Room Said\n")[1]
        said = said.split("\n## ")[0]
        assert said.lstrip().startswith("### Part: Stores\n")
        assert "Warehouse" not in said

    def test_a_quiet_room_adds_no_sections(self, workshop, facilitator):
        profile(workshop)
        text_ = markdown_of(record(workshop, facilitator))
        assert "## Consent" not in text_ and "## What the Room Said" not in text_


# --- the JSON export, and importing it --------------------------------------------------------


def import_export(tmp_path, data) -> Decision:
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_decision", str(path), user="fiona", stdout=StringIO())
    return Decision.objects.order_by("-pk").first()


class TestExportAndImport:
    def test_the_export_carries_the_room_and_the_consent(self, facilitator_client, consented):
        url = reverse("workshops:decision-json", kwargs={"decision_id": consented.pk})
        snapshot = facilitator_client.get(url).json()["snapshot"]
        assert [c["name"] for c in snapshot["consent"]] == ["Olga", "Dana"]
        room = snapshot["workflows"][0]["room"]
        assert set(room) == {"delays", "votes", "proposed_risks"}

    def test_an_export_with_them_imports_and_draws(self, facilitator_client, consented, tmp_path):
        exported = json.loads(json.dumps(decision_to_json(consented)))
        imported = import_export(tmp_path, exported)
        assert imported.pk != consented.pk
        assert imported.snapshot["consent"] == consented.snapshot["consent"]
        page = text(facilitator_client.get(imported.get_absolute_url()).content.decode())
        assert "Agrees Dana (Operations)" in page and "What the room said" in page

    def test_an_older_export_without_them_imports_and_draws(
        self, facilitator_client, consented, tmp_path
    ):
        exported = copy.deepcopy(decision_to_json(consented))
        del exported["snapshot"]["consent"]
        for workflow in exported["snapshot"]["workflows"]:
            del workflow["room"]
        imported = import_export(tmp_path, json.loads(json.dumps(exported)))
        response = facilitator_client.get(imported.get_absolute_url())
        assert response.status_code == 200
        assert "What the room said" not in response.content.decode()
        assert "## Consent" not in markdown_of(imported)
        words = pdf_text(decision_pdf(imported))
        assert "Batch processing" in words and "What the room said" not in words


def test_a_record_made_before_the_room_still_draws(facilitator_client, workshop, facilitator):
    profile(workshop)
    decision = record(workshop, facilitator, status=Decision.Status.ACCEPTED)
    old = copy.deepcopy(decision.snapshot)
    del old["consent"]
    for workflow in old["workflows"]:
        del workflow["room"]
    Decision.objects.filter(pk=decision.pk).update(snapshot=old, updated_at=timezone.now())
    decision = Decision.objects.get(pk=decision.pk)
    assert facilitator_client.get(decision.get_absolute_url()).status_code == 200
    assert "## Risks" in markdown_of(decision)
    assert "Batch processing" in pdf_text(decision_pdf(decision))


# --- accepting over an objection ----------------------------------------------------------------

OBJECTION = "Olga (Security) objects: The audit trail is not covered."


@pytest.fixture
def objected(workshop, facilitator, people):
    decision = record(workshop, facilitator)
    room_services.consent_record(
        participant=people["olga"], decision=decision, answer="object", reason=AUDIT
    )
    room_services.consent_record(participant=people["dana"], decision=decision, answer="agree")
    return Decision.objects.get(pk=decision.pk)


def warnings_in(content: str) -> list[str]:
    box = content.split('data-testid="accept-warnings"')[1].split("</ul>")[0]
    return [text(item) for item in re.findall(r"<li>(.*?)</li>", box, re.S)]


class TestAcceptingOverAnObjection:
    def test_the_record_warns_of_each_objection(self, facilitator_client, objected):
        page = facilitator_client.get(objected.get_absolute_url()).content.decode()
        assert OBJECTION in warnings_in(page)
        assert not any("Dana" in warning for warning in warnings_in(page))

    def test_accepting_without_a_reason_is_refused(self, facilitator_client, objected):
        url = reverse("workshops:decision-status", kwargs={"decision_id": objected.pk})
        response = facilitator_client.post(url, {"to_status": "accepted", "note": ""})
        assert response.status_code == 200
        assert "Say why you accept despite the warnings above" in response.content.decode()
        assert Decision.objects.get(pk=objected.pk).status == Decision.Status.PROPOSED

    def test_the_reason_to_accept_over_it_goes_into_the_timeline(
        self, facilitator_client, objected
    ):
        url = reverse("workshops:decision-status", kwargs={"decision_id": objected.pk})
        reason = "The audit log ships in the next release; Olga agreed to revisit then."
        response = facilitator_client.post(url, {"to_status": "accepted", "note": reason})
        assert response.status_code == 302
        change = StatusChange.objects.filter(decision=objected).latest("changed_at", "id")
        assert (change.to_status, change.note) == ("accepted", reason)

    def test_the_decide_page_warns_and_asks_why(self, facilitator_client, workshop, objected):
        url = reverse("workshops:decide", kwargs={"workshop_id": workshop.pk})
        assert OBJECTION in warnings_in(facilitator_client.get(url).content.decode())
        whole = workshop.workflows.get()
        outcome = {
            f"chosen_{whole.pk}": "batch",
            "rationale": "it fits the nightly window.",
            "consequences": "",
            "review_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
            "action": "accepted",
        }
        refused = facilitator_client.post(url, {**outcome, "accept_reason": ""})
        assert refused.status_code == 200
        assert Decision.objects.get(pk=objected.pk).status == Decision.Status.PROPOSED
        reason = "Security signs off on the audit trail next sprint."
        response = facilitator_client.post(url, {**outcome, "accept_reason": reason})
        assert response.status_code == 302
        change = StatusChange.objects.filter(decision=objected).latest("changed_at", "id")
        assert (change.to_status, change.note) == ("accepted", reason)

    def test_an_abstention_or_agreement_warns_of_nothing(
        self, facilitator_client, workshop, facilitator, people
    ):
        decision = record(workshop, facilitator)
        room_services.consent_record(
            participant=people["olga"], decision=decision, answer="abstain"
        )
        page = facilitator_client.get(decision.get_absolute_url()).content.decode()
        warnings = warnings_in(page) if 'data-testid="accept-warnings"' in page else []
        assert not any("Olga" in warning for warning in warnings)
