"""Stage 3, checking: the rules and lints over the loaded model and its scores (never scoring)."""
