"""Where things live in an OKR repository, relative to its root, as POSIX paths."""

from __future__ import annotations

OKRS = "okrs"
"""The data folder: org.yaml and one folder per quarter."""

ORG_FILE = f"{OKRS}/org.yaml"

QUARTER_FILE = "quarter.yaml"
"""A quarter's optional dates, status and digest, beside its unit files."""

CONTENT_DIR = "content"
CODES_PAGE = "help/check-codes.md"
"""content/'s reference of the check codes, one section per code anchored #okrNNN: the checks
page links each finding's code to its section when the repository has it."""
THEME_DIR = "theme"
CONFIG_FILE = "mkdocs.yml"
