"""The three-year cost of ownership adds up to the cent and names the cheapest candidate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshops.rules.economics import (
    MONTHS,
    CostInputs,
    TcoBreakdown,
    cheapest,
    infrastructure_along_growth,
    three_year_tco,
)


def _inputs(monthly="0", training="0", hours="0", rate="0") -> CostInputs:
    return CostInputs(
        monthly_infrastructure=Decimal(monthly),
        training=Decimal(training),
        incident_hours_per_month=Decimal(hours),
        hourly_rate=Decimal(rate),
    )


def _breakdown(total: str) -> TcoBreakdown:
    return three_year_tco(_inputs(training=total))


def test_it_counts_three_years_of_months():
    assert MONTHS == 36


def test_it_adds_infrastructure_training_and_incident_response_over_three_years():
    breakdown = three_year_tco(_inputs("1250.00", "8000", "6", "95.50"))

    assert breakdown == TcoBreakdown(
        infrastructure=Decimal("45000.00"),
        training=Decimal("8000.00"),
        incidents=Decimal("20628.00"),
        total=Decimal("73628.00"),
        monthly_equivalent=Decimal("2045.22"),
    )


def test_it_counts_training_once_and_not_every_month():
    assert three_year_tco(_inputs(training="5000")).total == Decimal("5000.00")


def test_it_costs_nothing_when_nothing_is_estimated():
    breakdown = three_year_tco(_inputs())

    assert breakdown.total == Decimal("0.00")
    assert breakdown.monthly_equivalent == Decimal("0.00")


@pytest.mark.parametrize(
    ("inputs", "field", "expected"),
    [
        (_inputs(training="10.005"), "training", "10.01"),
        (_inputs(training="10.015"), "training", "10.02"),
        (_inputs(training="10.0049"), "training", "10.00"),
        (_inputs(monthly="0.005"), "monthly_equivalent", "0.01"),
        (_inputs(hours="0.5", rate="0.0125"), "incidents", "0.23"),
    ],
)
def test_it_rounds_half_cents_up_as_an_accountant_would(inputs, field, expected):
    assert getattr(three_year_tco(inputs), field) == Decimal(expected)


def test_it_shows_every_amount_in_cents():
    breakdown = three_year_tco(_inputs("99.9", "100", "2.5", "80"))

    for amount in (
        breakdown.infrastructure,
        breakdown.training,
        breakdown.incidents,
        breakdown.total,
        breakdown.monthly_equivalent,
    ):
        assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "field", ["monthly_infrastructure", "training", "incident_hours_per_month", "hourly_rate"]
)
@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity"), 1.5])
def test_it_refuses_an_amount_that_is_negative_endless_or_not_a_decimal(field, bad):
    values = {
        "monthly_infrastructure": Decimal("1"),
        "training": Decimal("1"),
        "incident_hours_per_month": Decimal("1"),
        "hourly_rate": Decimal("1"),
        field: bad,
    }

    with pytest.raises(ValueError, match=field):
        CostInputs(**values)


money = st.decimals(min_value=0, max_value=1_000_000, places=2)


@settings(max_examples=200)
@given(monthly=money, training=money, hours=st.decimals(0, 1000, places=1), rate=money)
def test_it_adds_up_on_paper(monthly, training, hours, rate):
    breakdown = three_year_tco(
        CostInputs(
            monthly_infrastructure=monthly,
            training=training,
            incident_hours_per_month=hours,
            hourly_rate=rate,
        )
    )

    assert breakdown.total == breakdown.infrastructure + breakdown.training + breakdown.incidents
    assert breakdown.infrastructure == monthly * MONTHS
    # The monthly figure is rounded to the cent, so 36 of them may miss by half a cent each.
    assert abs(breakdown.monthly_equivalent * MONTHS - breakdown.total) <= Decimal("0.18")


# --- the cheapest candidate -----------------------------------------------------------------


def test_it_names_the_candidate_with_the_lowest_total():
    breakdowns = {
        "streaming": _breakdown("250000"),
        "batch": _breakdown("40000"),
        "choreography": _breakdown("90000"),
    }

    assert cheapest(breakdowns) == "batch"


def test_it_breaks_a_tie_by_the_first_name_in_sorted_order():
    breakdowns = {
        "streaming": _breakdown("40000"),
        "choreography": _breakdown("40000"),
        "batch": _breakdown("90000"),
    }

    assert cheapest(breakdowns) == "choreography"


def test_it_names_no_cheapest_candidate_without_costs():
    assert cheapest({}) is None


# --- infrastructure along the expected growth ------------------------------------------------


def test_it_projects_the_infrastructure_along_the_growth_instead_of_flat():
    flat = three_year_tco(_inputs("1000"))
    grown = three_year_tco(_inputs("1000"), growth_factor=Decimal("10"))

    # From 1,000 a month today to 10,000 in the last month: 5,500 a month on average.
    assert flat.infrastructure == Decimal("36000.00")
    assert grown.infrastructure == Decimal("198000.00")
    assert grown.total == Decimal("198000.00")


def test_it_keeps_the_infrastructure_flat_without_growth():
    assert three_year_tco(_inputs("1000"), growth_factor=Decimal("1")) == three_year_tco(
        _inputs("1000")
    )


@pytest.mark.parametrize("bad", [Decimal("0"), Decimal("-2"), Decimal("NaN"), 10.0])
def test_it_refuses_a_growth_factor_that_is_not_positive(bad):
    with pytest.raises(ValueError, match="growth_factor"):
        infrastructure_along_growth(Decimal("1000"), bad)


@given(monthly=money, low=st.decimals(1, 1000, places=2), high=st.decimals(1, 1000, places=2))
def test_more_growth_never_costs_less(monthly, low, high):
    low, high = sorted((low, high))

    assert infrastructure_along_growth(monthly, low) <= infrastructure_along_growth(monthly, high)
