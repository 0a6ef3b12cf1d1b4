"""The least-squares line and the trend threshold, on bare numbers."""

from __future__ import annotations

import pytest

from okrsite.score.trend import FLAT, least_squares, trend


def test_least_squares_through_two_points_is_the_line_between_them() -> None:
    line = least_squares([(0, 12), (30, 10)], at=91)
    # slope (10 - 12) / 30 = -0.0667; at day 91: 12 - 91 * 2 / 30 = 5.933
    assert line is not None
    assert line.slope == pytest.approx(-2 / 30)
    assert line.intercept == pytest.approx(12)
    assert line.end_value == pytest.approx(12 - 91 * 2 / 30)


def test_least_squares_fits_scattered_points() -> None:
    line = least_squares([(0, 0), (30, 30), (60, 30)], at=91)
    # mean day 30, mean value 20; slope (600 + 0 + 300) / (900 + 0 + 900) = 0.5;
    # intercept 20 - 0.5 * 30 = 5; at day 91: 5 + 45.5 = 50.5
    assert line is not None
    assert line.slope == pytest.approx(0.5)
    assert line.intercept == pytest.approx(5)
    assert line.end_value == pytest.approx(50.5)


def test_least_squares_is_undefined_without_spread_in_days() -> None:
    assert least_squares([], at=91) is None
    assert least_squares([(0, 12), (0, 10)], at=91) is None


def test_trend_is_flat_under_a_change_of_0_01_either_way() -> None:
    assert trend(0.5, 0.5 + FLAT / 2) == "flat"
    assert trend(0.5, 0.5 - FLAT / 2) == "flat"
    # 0.52 - 0.5 = 0.02 >= 0.01
    assert trend(0.5, 0.52) == "improving"
    # 0.48 - 0.5 = -0.02
    assert trend(0.5, 0.48) == "worsening"
