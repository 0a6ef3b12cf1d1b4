"""Where things live in an OKR repository, relative to its root, as POSIX paths."""

from __future__ import annotations

OKRS = "okrs"
"""The data folder: org.yaml and one folder per quarter."""

ORG_FILE = f"{OKRS}/org.yaml"

QUARTER_FILE = "quarter.yaml"
"""A quarter's optional dates, status and digest, beside its unit files."""

CONTENT_DIR = "content"
THEME_DIR = "theme"
CONFIG_FILE = "mkdocs.yml"
