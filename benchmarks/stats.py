"""Summaries of measured durations: count, median, 95th percentile and mean, in milliseconds."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """Durations of one measured series, in milliseconds."""

    count: int
    median_ms: float
    p95_ms: float
    mean_ms: float


def summarize(seconds: Sequence[float]) -> Summary:
    """Summarise durations given in seconds; raises `ValueError` for an empty series."""
    if not seconds:
        raise ValueError("no durations to summarise")
    values = sorted(value * 1000 for value in seconds)
    return Summary(
        count=len(values),
        median_ms=round(statistics.median(values), 3),
        p95_ms=round(percentile(values, 95), 3),
        mean_ms=round(statistics.fmean(values), 3),
    )


def percentile(sorted_values: Sequence[float], rank: float) -> float:
    """Return the `rank`-th percentile of sorted values, interpolating between neighbours."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = (len(sorted_values) - 1) * rank / 100
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def ratio(numerator: float, denominator: float) -> float | None:
    """Return numerator / denominator rounded to two places, or None when the denominator is 0."""
    return round(numerator / denominator, 2) if denominator else None
