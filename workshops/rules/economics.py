"""Three-year total cost of ownership of each candidate pattern, in exact decimal money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal, localcontext

MONTHS = 36
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CostInputs:
    """What the group estimates for one pattern; amounts in the workshop's currency."""

    monthly_infrastructure: Decimal
    training: Decimal
    incident_hours_per_month: Decimal
    hourly_rate: Decimal

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise ValueError(f"{item.name} must be a Decimal of zero or more, not {value!r}.")


@dataclass(frozen=True)
class TcoBreakdown:
    infrastructure: Decimal
    training: Decimal
    incidents: Decimal
    total: Decimal
    monthly_equivalent: Decimal


def infrastructure_along_growth(monthly: Decimal, growth_factor: Decimal | None) -> Decimal:
    """Thirty-six months of infrastructure whose cost follows the volume: today's monthly cost
    in the first month, `growth_factor` times it in the last, rising in equal steps between
    (batch compute grows linearly with the data, streaming with the throughput, choreography
    with the bus and its subscribers). Without growth (None or 1) the cost stays flat."""
    if growth_factor is None:
        growth_factor = Decimal(1)
    if (
        not isinstance(growth_factor, Decimal)
        or not growth_factor.is_finite()
        or growth_factor <= 0
    ):
        raise ValueError(f"growth_factor must be a positive Decimal, not {growth_factor!r}.")
    # The months' multipliers 1, 1 + step, …, growth_factor average (1 + growth_factor) / 2.
    return monthly * MONTHS * (1 + growth_factor) / 2


def three_year_tco(inputs: CostInputs, *, growth_factor: Decimal | None = None) -> TcoBreakdown:
    """Infrastructure and incident response over 36 months plus one-off training, to the cent;
    with a growth factor the infrastructure follows the expected growth instead of staying flat."""
    # A fixed context, so that the result does not depend on whatever the caller set globally.
    with localcontext() as context:
        context.prec = 28
        infrastructure = _to_cents(
            infrastructure_along_growth(inputs.monthly_infrastructure, growth_factor)
        )
        training = _to_cents(inputs.training)
        incidents = _to_cents(inputs.incident_hours_per_month * inputs.hourly_rate * MONTHS)
        # The total adds the rounded parts, so that the figures in the record add up on paper.
        total = infrastructure + training + incidents
        return TcoBreakdown(
            infrastructure=infrastructure,
            training=training,
            incidents=incidents,
            total=total,
            monthly_equivalent=_to_cents(total / MONTHS),
        )


def cheapest(breakdowns: Mapping[str, TcoBreakdown]) -> str | None:
    """The key with the lowest total; a tie goes to the first key in sorted order."""
    # min() keeps the first of equal totals, and the keys are visited in sorted order.
    return min(sorted(breakdowns), key=lambda key: breakdowns[key].total, default=None)


def _to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
