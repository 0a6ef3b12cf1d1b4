"""Where a KR is heading: the least-squares projection and the trend between two check-ins."""

from __future__ import annotations

from collections.abc import Sequence

from okrsite.model.scores import Projection, Trend

FLAT = 0.01
"""A change in progress under this, either way, is flat."""


def least_squares(points: Sequence[tuple[float, float]], at: float) -> Projection | None:
    """The least-squares line through (day, value) points and its value at day `at`.

    None when the line is undefined: no points, or every point on the same day.
    """
    if not points:
        return None
    count = len(points)
    mean_day = sum(day for day, _ in points) / count
    mean_value = sum(value for _, value in points) / count
    spread = sum((day - mean_day) ** 2 for day, _ in points)
    if spread == 0:
        return None
    covariance = sum((day - mean_day) * (value - mean_value) for day, value in points)
    slope = covariance / spread
    intercept = mean_value - slope * mean_day
    return Projection(slope=slope, intercept=intercept, end_value=intercept + slope * at)


def flat_projection(value: float) -> Projection:
    """The projection when every point has the same day: the current value, unchanged."""
    return Projection(slope=0.0, intercept=value, end_value=value)


def trend(previous: float, latest: float) -> Trend:
    """Improving, worsening or flat, from the progress at the last two counted check-ins."""
    change = latest - previous
    if abs(change) < FLAT:
        return "flat"
    return "improving" if change > 0 else "worsening"
