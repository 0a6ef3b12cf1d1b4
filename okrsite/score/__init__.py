"""Stage 4, scoring: scores, trends, projections, history across quarters, export and diff.
Pure functions of the model."""
