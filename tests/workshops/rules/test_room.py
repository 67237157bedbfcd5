"""What the room's contributions add up to: the delay answers per role, the dimension votes,
the dot votes, and the warnings an objection raises before accepting. Pure: no database."""

from __future__ import annotations

from workshops.rules.room import (
    DOTS_PER_CANDIDATE,
    TOP_RISKS,
    DelayVoice,
    Objection,
    ProposedRisk,
    VoteCast,
    delay_summary,
    objection_warnings,
    top_risks,
    vote_tally,
    votes_complete,
)

DIMENSIONS = {
    "trigger": ("scheduled", "event"),
    "failure": ("retry", "dead_letter"),
}


def voice(role: str, *answers: str | None, name: str = "") -> DelayVoice:
    padded = (*answers, None, None, None)[:3]
    return DelayVoice(role=role, answers=padded, name=name)


def cast(voter: int, dimension: str, value: str, reason: str = "") -> VoteCast:
    return VoteCast(
        voter=voter, dimension=dimension, value=value, reason=reason, role="Operations", name="Dana"
    )


def proposal(id: int, dots: int) -> ProposedRisk:
    return ProposedRisk(
        id=id, title=f"Risk {id}", mitigation="", role="operations", name="Dana", dots=dots
    )


class TestDelaySummary:
    def test_nobody_answering_implies_nothing(self):
        summary = delay_summary([])
        assert summary.respondents == 0
        assert summary.tolerance is None
        assert summary.disagreements == ()
        assert summary.group_answers == (None, None, None)
        assert [q.label for q in summary.questions] == ["10 seconds", "10 minutes", "1 hour"]
        assert summary.questions[0].counts == (("fine", 0), ("degraded", 0), ("unacceptable", 0))

    def test_it_counts_each_question_overall_and_per_role(self):
        summary = delay_summary(
            [
                voice("Operations", "fine", "fine", "degraded"),
                voice("Operations", "fine", "degraded", "degraded"),
                voice("Business", "degraded", "unacceptable", "unacceptable"),
            ]
        )
        assert summary.respondents == 3
        ten_minutes = summary.questions[1]
        assert ten_minutes.counts == (("fine", 1), ("degraded", 1), ("unacceptable", 1))
        assert ten_minutes.answers == 3
        assert ten_minutes.by_role == (
            ("Business", (("fine", 0), ("degraded", 0), ("unacceptable", 1))),
            ("Operations", (("fine", 1), ("degraded", 1), ("unacceptable", 0))),
        )
        assert summary.group_answers == ("fine", "unacceptable", "degraded")

    def test_a_tie_goes_to_the_stricter_answer(self):
        summary = delay_summary([voice("Operations", "fine"), voice("Business", "unacceptable")])
        assert summary.questions[0].group_answer == "unacceptable"

    def test_the_tolerance_follows_the_group_answers(self):
        summary = delay_summary(
            [voice("Operations", "fine", "degraded", "unacceptable")] * 2
            + [voice("Business", "fine", "fine", "unacceptable")]
        )
        assert summary.tolerance is not None
        assert summary.tolerance.sentence == (
            "The group can wait up to 10 seconds; a 10-minute delay hurts, but they can live "
            "with it; an hour is unacceptable."
        )

    def test_it_says_where_the_roles_disagree(self):
        summary = delay_summary(
            [
                voice("Operations", "fine", "fine"),
                voice("Business", "fine", "unacceptable"),
                voice("Security", "fine", "unacceptable"),
            ]
        )
        assert summary.disagreements == (
            "Operations says a 10-minute delay is fine; "
            "Business and Security say it is unacceptable.",
        )

    def test_three_roles_three_answers_read_in_order_of_severity(self):
        summary = delay_summary(
            [
                voice("Security", None, None, "unacceptable"),
                voice("Business", None, None, "fine"),
                voice("Operations", None, None, "degraded"),
            ]
        )
        assert summary.disagreements == (
            "Business says an hour's delay is fine; Operations says it is degraded; "
            "Security says it is unacceptable.",
        )

    def test_a_role_speaks_with_its_own_majority(self):
        # Two of operations find 10 seconds fine, one does not: operations says fine, and so
        # does business: nobody disagrees.
        summary = delay_summary(
            [
                voice("Operations", "fine"),
                voice("Operations", "fine"),
                voice("Operations", "degraded"),
                voice("Business", "fine"),
            ]
        )
        assert summary.disagreements == ()

    def test_a_participant_who_answered_nothing_is_no_respondent(self):
        summary = delay_summary([voice("Operations"), voice("Business", None, "fine")])
        assert summary.respondents == 1
        assert summary.questions[0].by_role == ()

    def test_an_unknown_answer_is_left_out(self):
        summary = delay_summary([voice("Operations", "whatever", "fine")])
        assert summary.questions[0].answers == 0
        assert summary.questions[1].answers == 1


class TestVoteTally:
    def test_it_counts_each_value_in_the_dimensions_order(self):
        trigger, failure = vote_tally(
            [
                cast(1, "trigger", "event"),
                cast(2, "trigger", "scheduled"),
                cast(3, "trigger", "event"),
            ],
            dimensions=DIMENSIONS,
        )
        assert trigger.counts == (("scheduled", 1), ("event", 2))
        assert (trigger.votes, trigger.majority, trigger.split) == (3, "event", False)
        assert (failure.votes, failure.majority, failure.split) == (0, None, False)

    def test_half_the_votes_is_no_majority_it_is_a_split(self):
        trigger, _ = vote_tally(
            [cast(1, "trigger", "event"), cast(2, "trigger", "scheduled")], dimensions=DIMENSIONS
        )
        assert (trigger.majority, trigger.split, trigger.unanimous) == (None, True, False)

    def test_a_unanimous_vote(self):
        _, failure = vote_tally(
            [cast(1, "failure", "retry"), cast(2, "failure", "retry")], dimensions=DIMENSIONS
        )
        assert (failure.majority, failure.unanimous) == ("retry", True)

    def test_it_keeps_the_reasons_in_the_order_cast(self):
        trigger, _ = vote_tally(
            [
                cast(1, "trigger", "event", "Shops want it live"),
                cast(2, "trigger", "scheduled"),
                cast(3, "trigger", "scheduled", "A night is enough"),
            ],
            dimensions=DIMENSIONS,
        )
        assert [vote.reason for vote in trigger.reasons] == [
            "Shops want it live",
            "A night is enough",
        ]

    def test_a_value_the_dimension_does_not_have_is_not_counted(self):
        trigger, _ = vote_tally([cast(1, "trigger", "hourly")], dimensions=DIMENSIONS)
        assert trigger.votes == 0


class TestVotesComplete:
    def test_everyone_voting_on_everything_completes_the_vote(self):
        votes = [cast(voter, d, DIMENSIONS[d][0]) for voter in (1, 2) for d in DIMENSIONS]
        assert votes_complete(votes, voters=[1, 2], dimensions=2)

    def test_one_dimension_missing_keeps_it_open(self):
        votes = [
            cast(1, "trigger", "event"),
            cast(1, "failure", "retry"),
            cast(2, "trigger", "event"),
        ]
        assert not votes_complete(votes, voters=[1, 2], dimensions=2)

    def test_nobody_to_vote_is_never_complete(self):
        assert not votes_complete([], voters=[], dimensions=2)

    def test_votes_of_others_do_not_stand_in_for_a_voter(self):
        votes = [cast(3, "trigger", "event"), cast(3, "failure", "retry")]
        assert not votes_complete(votes, voters=[1], dimensions=2)


class TestTopRisks:
    def test_the_most_dots_come_first_and_ties_keep_the_order_proposed(self):
        proposals = [proposal(1, 1), proposal(2, 3), proposal(3, 1), proposal(4, 2)]
        assert [p.id for p in top_risks(proposals)] == [2, 4, 1]
        assert [p.id for p in top_risks(proposals, limit=None)] == [2, 4, 1, 3]

    def test_fewer_proposals_than_the_top_all_come(self):
        assert [p.id for p in top_risks([proposal(1, 0), proposal(2, 0)])] == [1, 2]

    def test_the_record_keeps_three_and_each_has_three_dots(self):
        assert (TOP_RISKS, DOTS_PER_CANDIDATE) == (3, 3)


class TestObjectionWarnings:
    def test_one_sentence_per_objection_with_the_role(self):
        assert objection_warnings(
            [
                Objection(name="Olga", role="Security", reason="the audit trail is not covered"),
                Objection(name="Dana", role="Operations", reason="  Who runs it at night?  "),
            ]
        ) == (
            "Olga (Security) objects: the audit trail is not covered.",
            "Dana (Operations) objects: Who runs it at night?",
        )

    def test_an_objection_without_a_reason_or_role_still_warns(self):
        assert objection_warnings([Objection(name="Olga", role="", reason="")]) == (
            "Olga objects.",
        )

    def test_no_objection_no_warning(self):
        assert objection_warnings([]) == ()
