"""One team's whole world for the access tests: a real object behind every URL parameter, the
people who knock (personas, each a test client), and the fingerprint of the database that a
refused request must leave as it was."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import UserFactory
from tests.workshops.builders import ZOE, decide, profile
from tests.workshops.room import remember
from workshops.models import (
    ApiToken,
    Decision,
    Invitation,
    Participant,
    RiskProposal,
    Team,
    Workflow,
    Workshop,
)
from workshops.services.invitations import invitation_create
from workshops.services.room import participant_join, risk_propose
from workshops.services.teams import team_create, team_member_join
from workshops.services.tokens import api_token_create, api_token_revoke
from workshops.services.workflows import workflow_split
from workshops.services.workshops import participant_remove, workshop_create, workshop_start

# Words that only the team's own pages may show: a page that lists them to anyone else leaks.
WORKSHOP_TITLE = "Kiln temperature feed"
DECISION_TITLE = "Quarterly ledger close"
TEAM_NAME = "Stockroom crew"
TOKEN_NAME = "Tariq laptop token"

# The personas, in the order the tests list them.
ANONYMOUS = "anonymous"
OUTSIDER = "outsider"  # signed in, in another team
MEMBER = "member"  # in the team, not the workshop's facilitator
FACILITATOR = "facilitator"
PARTICIPANT = "participant"  # joined the workshop from a device, no account
OTHER_PARTICIPANT = "other-participant"  # joined another team's workshop
REMOVED = "removed"  # joined the workshop, then the facilitator removed them
ADMIN = "admin"  # is_staff and superuser, in no team: the site's pages treat them as anyone
PERSONAS = (
    ANONYMOUS,
    OUTSIDER,
    MEMBER,
    FACILITATOR,
    PARTICIPANT,
    OTHER_PARTICIPANT,
    REMOVED,
    ADMIN,
)


@dataclass(frozen=True)
class World:
    facilitator: Any
    member: Any
    outsider: Any
    admin: Any
    team: Team
    other_team: Team
    workshop: Workshop  # live, split into two parts, with a proposed risk
    whole: Workflow
    part: Workflow
    decided_workshop: Workshop
    decision: Decision  # accepted, in the team's other workshop
    proposed: Decision  # the live workshop's, asking the room's consent
    other_workshop: Workshop  # the other team's
    other_whole: Workflow
    other_proposal: RiskProposal
    participant: Participant
    removed: SimpleNamespace  # what the removed participant's browser still remembers
    other_participant: Participant
    proposal: RiskProposal
    member_token: ApiToken
    member_secret: str
    outsider_secret: str
    revoked_secret: str
    inactive_secret: str  # the token of a team member whose account was deactivated
    invitation: Invitation  # an open invitation to the team
    invitation_token: str

    def parameters(self) -> dict[str, Any]:
        """A real value for each URL parameter the site's URLs take, by its name."""
        return {
            "team_id": self.team.pk,
            "workshop_id": self.workshop.pk,
            "workflow_id": self.whole.pk,
            "participant_id": self.participant.pk,
            "phase": 1,
            "slug": "batch",
            "decision_id": self.decision.pk,
            "token_id": self.member_token.pk,
            "invite": self.workshop.invite_code,
            "proposal_id": self.proposal.pk,
            "invitation_id": self.invitation.pk,
            # The invitation's token; the password reset's link takes one too, and there it
            # is simply a link that does not work.
            "token": self.invitation_token,
            "uidb64": urlsafe_base64_encode(force_bytes(self.member.pk)),
        }

    def client(self, persona: str, *, enforce_csrf_checks: bool = False) -> Client:
        """A browser that is `persona`; with `enforce_csrf_checks`, one whose posts need the
        CSRF token a page of the site would have given it (the test client skips the check
        otherwise)."""
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        users = {
            OUTSIDER: self.outsider,
            MEMBER: self.member,
            FACILITATOR: self.facilitator,
            ADMIN: self.admin,
        }
        joined = {
            PARTICIPANT: self.participant,
            OTHER_PARTICIPANT: self.other_participant,
            REMOVED: self.removed,
        }
        if persona in users:
            client.force_login(users[persona])
        elif persona in joined:
            remember(client, joined[persona])
        elif persona != ANONYMOUS:
            raise ValueError(f"No such persona: {persona}")
        return client


def world_build() -> World:
    """Everything through the services, as the pages make it."""
    facilitator = UserFactory(username="fiona")
    member = UserFactory(username="tariq")
    outsider = UserFactory(username="olga")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    team = team_create(name=TEAM_NAME, creator=facilitator)
    team_member_join(team=team, user=member)
    other_team = team_create(name="Payments", creator=outsider)

    workshop = workshop_create(
        team=team, title=WORKSHOP_TITLE, scheduled_at=timezone.now(), facilitator=facilitator
    )
    profile(workshop, people=[ZOE])
    workshop = workshop_start(workshop=workshop)
    whole = workshop.workflows.get(parent=None)
    part = workflow_split(workflow=whole, names=("Load", "Serve"))[0]
    participant = participant_join(
        workshop=workshop, name="Dana", role="operations", involvement="decision_maker"
    )
    leaver = participant_join(workshop=workshop, name="Lee", role="business")
    removed = SimpleNamespace(
        pk=leaver.pk, workshop_id=workshop.pk, device_token=leaver.device_token
    )
    participant_remove(participant=leaver)
    proposal = risk_propose(
        participant=participant, workflow=whole, pattern_slug="batch", title="Files arrive late"
    )

    proposed = decide(workshop, facilitator, status=Decision.Status.PROPOSED)
    decision = decide(team, facilitator, DECISION_TITLE)
    other_workshop = workshop_create(
        team=other_team, title="Card settlements", scheduled_at=timezone.now(), facilitator=outsider
    )
    profile(other_workshop)
    other_whole = other_workshop.workflows.get(parent=None)
    other_participant = participant_join(workshop=other_workshop, name="Omar", role="security")
    other_proposal = risk_propose(
        participant=other_participant, workflow=other_whole, pattern_slug="batch", title="Late"
    )

    member_token, member_secret = api_token_create(user=member, name=TOKEN_NAME)
    invitation, invitation_token = invitation_create(team=team, by=facilitator, max_uses=5)
    _, outsider_secret = api_token_create(user=outsider, name="script")
    revoked, revoked_secret = api_token_create(user=member, name="old")
    api_token_revoke(token=revoked)
    former = UserFactory(username="fred")
    team_member_join(team=team, user=former)
    _, inactive_secret = api_token_create(user=former, name="cron")
    former.is_active = False
    former.save(update_fields=["is_active"])
    workshop.refresh_from_db()
    return World(
        facilitator=facilitator,
        member=member,
        outsider=outsider,
        admin=admin,
        team=team,
        other_team=other_team,
        workshop=workshop,
        whole=whole,
        part=part,
        decided_workshop=decision.workshop,
        decision=decision,
        proposed=proposed,
        other_workshop=other_workshop,
        other_whole=other_whole,
        other_proposal=other_proposal,
        participant=participant,
        removed=removed,
        other_participant=other_participant,
        proposal=proposal,
        member_token=member_token,
        member_secret=member_secret,
        outsider_secret=outsider_secret,
        revoked_secret=revoked_secret,
        inactive_secret=inactive_secret,
        invitation=invitation,
        invitation_token=invitation_token,
    )


@contextmanager
def world_kept(django_db_blocker) -> Iterator[World]:
    """The world built once for a whole module of tests, in a transaction that each test's
    own (a savepoint inside it) rolls back to, and that is rolled back itself at the end.
    Building it is most of a test's time; asking one URL as one persona is little."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield world_build()
        finally:
            transaction.set_rollback(True)


# The apps whose rows a request could change. Sessions are left out: signing in writes one
# before the fingerprint is taken, and a refusal may add a message to it.
FINGERPRINTED_APPS = ("auth", "patterns", "workshops", "django_tasks_database")
UNFINGERPRINTED_MODELS = ("auth.Permission",)


def database_fingerprint() -> dict[str, list[tuple]]:
    """Every row of every model those apps hold, every column (updated_at and version
    included): two fingerprints are equal only when nothing was added, removed or changed."""
    fingerprint = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in FINGERPRINTED_APPS or label in UNFINGERPRINTED_MODELS:
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        fingerprint[label] = list(model._base_manager.order_by("pk").values_list(*columns))
    return fingerprint


# --- the URL map, walked -----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the URL's name with its namespace, or its route when it has no name
    route: str  # as the URL map spells it, e.g. "decisions/<int:decision_id>/"
    pattern: URLPattern

    @property
    def parameters(self) -> list[str]:
        return [match["name"] or match["group"] for match in PARAMETER.finditer(self.route)]


# <int:decision_id>, <decision_id> (django-ninja) and (?P<url>.*) (a regular expression)
PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name or route, route, entry)


def site_routes() -> list[Route]:
    """Every URL of parsecgo_site.urls, through every include (the API's and the admin's)."""
    return list(_walk(get_resolver().url_patterns))
