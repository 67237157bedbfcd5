"""What the room's contributions add up to: delay answers per role, dimension votes, dot votes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workshops.rules.latency import (
    DELAY_ANSWERS,
    PROBE_LABELS,
    LatencyTolerance,
    latency_tolerance_from_answers,
)

# Each participant has three dots per candidate pattern to put on the risks proposed for it.
DOTS_PER_CANDIDATE = 3
# How many of a candidate's proposed risks become its risks: the record keeps the top three.
TOP_RISKS = 3

_SEVERITY = {answer: rank for rank, answer in enumerate(DELAY_ANSWERS)}
# How each delay reads in a sentence ("says a 10-minute delay is fine").
_DELAY_PHRASE = ("a 10-second delay", "a 10-minute delay", "an hour's delay")


# --- phase 1: how late may the data be, per role -----------------------------------------


@dataclass(frozen=True)
class DelayVoice:
    """One participant's answers to the three delay questions (None where not answered)."""

    role: str  # the role's label, as the page names it ("Operations")
    answers: tuple[str | None, str | None, str | None]
    name: str = ""  # who answered (the record names them; the live panel does not need to)


@dataclass(frozen=True)
class QuestionSpread:
    """How the room answered one delay question."""

    label: str  # "10 seconds"
    counts: tuple[tuple[str, int], ...]  # (answer, how many), fine → unacceptable
    by_role: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (role, counts as above)
    answers: int
    group_answer: str | None  # the most common answer; a tie goes to the stricter one


@dataclass(frozen=True)
class DelaySummary:
    respondents: int
    questions: tuple[QuestionSpread, ...]
    # The tolerance the room's answers imply (each question taken at its group answer).
    tolerance: LatencyTolerance | None
    disagreements: tuple[str, ...]  # one sentence per question where roles answer differently

    @property
    def group_answers(self) -> tuple[str | None, ...]:
        return tuple(question.group_answer for question in self.questions)


def _group_answer(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    # The most common; between equally common answers the stricter one, because the group
    # cannot promise what part of it calls unacceptable.
    return max(counts, key=lambda answer: (counts[answer], _SEVERITY[answer]))


def _counts(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple((answer, counter.get(answer, 0)) for answer in DELAY_ANSWERS)


def delay_summary(voices: Sequence[DelayVoice]) -> DelaySummary:
    """The distribution of the room's answers, overall and per role, the tolerance they imply,
    and where the roles disagree ("Operations says a 10-minute delay is fine; Business says
    it is unacceptable")."""
    roles = sorted({voice.role for voice in voices})
    questions = []
    disagreements = []
    for index, label in enumerate(PROBE_LABELS):
        overall: Counter[str] = Counter()
        per_role: dict[str, Counter[str]] = {role: Counter() for role in roles}
        for voice in voices:
            answer = voice.answers[index]
            if answer in _SEVERITY:
                overall[answer] += 1
                per_role[voice.role][answer] += 1
        answered_roles = [role for role in roles if per_role[role]]
        questions.append(
            QuestionSpread(
                label=label,
                counts=_counts(overall),
                by_role=tuple((role, _counts(per_role[role])) for role in answered_roles),
                answers=sum(overall.values()),
                group_answer=_group_answer(overall),
            )
        )
        role_answers = {role: _group_answer(per_role[role]) for role in answered_roles}
        if len(set(role_answers.values())) > 1:
            disagreements.append(_disagreement(index, role_answers))
    summary_answers = tuple(question.group_answer for question in questions)
    tolerance = latency_tolerance_from_answers(
        after_10s=summary_answers[0], after_10m=summary_answers[1], after_1h=summary_answers[2]
    )
    return DelaySummary(
        respondents=sum(1 for voice in voices if any(voice.answers)),
        questions=tuple(questions),
        tolerance=tolerance,
        disagreements=tuple(disagreements),
    )


def _disagreement(index: int, role_answers: Mapping[str, str | None]) -> str:
    # Roles grouped by their answer, the most relaxed answer first.
    by_answer: dict[str, list[str]] = {}
    for role, answer in role_answers.items():
        if answer is not None:
            by_answer.setdefault(answer, []).append(role)
    clauses = []
    for position, answer in enumerate(sorted(by_answer, key=_SEVERITY.__getitem__)):
        names = by_answer[answer]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verb = "says" if len(names) == 1 else "say"
        subject = _DELAY_PHRASE[index] if position == 0 else "it"
        clauses.append(f"{who} {verb} {subject} is {answer}")
    return "; ".join(clauses) + "."


# --- phase 2: the votes on the four dimensions -------------------------------------------


@dataclass(frozen=True)
class VoteCast:
    voter: int  # the participant's id
    dimension: str
    value: str
    reason: str
    role: str  # the role's label
    name: str


@dataclass(frozen=True)
class DimensionTally:
    dimension: str
    counts: tuple[tuple[str, int], ...]  # (value, votes) in the dimension's own order
    votes: int
    majority: str | None  # the value more than half the votes went to
    reasons: tuple[VoteCast, ...]  # the votes that gave a reason, in the order cast

    @property
    def split(self) -> bool:
        """Votes were cast and no value has more than half of them."""
        return self.votes > 0 and self.majority is None

    @property
    def unanimous(self) -> bool:
        return self.votes > 0 and sum(1 for _value, n in self.counts if n) == 1


def vote_tally(
    votes: Sequence[VoteCast], *, dimensions: Mapping[str, Sequence[str]]
) -> tuple[DimensionTally, ...]:
    """Each dimension's spread of votes, its majority (if any) and the reasons given.
    `dimensions` names each dimension's values in the order they are shown."""
    tallies = []
    for dimension, values in dimensions.items():
        cast = [vote for vote in votes if vote.dimension == dimension and vote.value in values]
        counter = Counter(vote.value for vote in cast)
        majority = next((value for value in values if counter[value] * 2 > len(cast)), None)
        tallies.append(
            DimensionTally(
                dimension=dimension,
                counts=tuple((value, counter.get(value, 0)) for value in values),
                votes=len(cast),
                majority=majority,
                reasons=tuple(vote for vote in cast if vote.reason),
            )
        )
    return tuple(tallies)


def votes_complete(votes: Sequence[VoteCast], *, voters: Sequence[int], dimensions: int) -> bool:
    """Every voter has voted on every dimension: the votes may then be shown to all."""
    if not voters:
        return False
    cast = {(vote.voter, vote.dimension) for vote in votes}
    return all(sum(1 for v, _d in cast if v == voter) >= dimensions for voter in voters)


# --- phase 4: the proposed risks and their dots ------------------------------------------


@dataclass(frozen=True)
class ProposedRisk:
    id: int
    title: str
    mitigation: str
    role: str  # the role of whoever proposed it (its value, e.g. "operations")
    name: str
    dots: int


def top_risks(
    proposals: Sequence[ProposedRisk], *, limit: int | None = TOP_RISKS
) -> list[ProposedRisk]:
    """The proposals with the most dots, the earlier proposed first among equals (`proposals`
    come in the order they were proposed; the sort is stable). `limit=None`: all of them."""
    return sorted(proposals, key=lambda proposal: -proposal.dots)[:limit]


# --- consent: accepting over an objection ---------------------------------------------------


@dataclass(frozen=True)
class Objection:
    """A decision-maker's objection to a proposed decision."""

    name: str
    role: str  # the role's label
    reason: str


def objection_warnings(objections: Sequence[Objection]) -> tuple[str, ...]:
    """One sentence per objection, to warn before accepting over it: "Olga (Security)
    objects: the audit trail is not covered." """
    warnings = []
    for objection in objections:
        who = f"{objection.name} ({objection.role})" if objection.role else objection.name
        reason = " ".join(objection.reason.split())
        if not reason:
            warnings.append(f"{who} objects.")
            continue
        if reason[-1] not in ".!?":
            reason += "."
        warnings.append(f"{who} objects: {reason}")
    return tuple(warnings)
