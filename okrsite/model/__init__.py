"""Stage 1, the model: frozen dataclasses of the repository and its scores, problem codes,
errors, numbers and the clock. No I/O; every later stage imports from here."""
