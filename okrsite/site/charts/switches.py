"""Two switches the tests flip: schema checks on every spec, and charts drawn from Altair instead
of compiled templates. Read at call time (`switches.TEMPLATED`), so flipping one here reaches every
chart family."""

from __future__ import annotations

VALIDATE_SPECS = False
"""Whether each spec is checked against Vega-Lite's schema as it is made. The tests turn it on
(tests/conftest.py), so every chart kind they draw is validated; a build skips the check, which
costs as much as drawing the chart and can only fail on a bug in the chart code."""


TEMPLATED = True
"""Whether KR and history charts are drawn from compiled templates (vega_templates); the tests
turn it off to draw the same charts from Altair's spec of each, the reference they compare to."""
