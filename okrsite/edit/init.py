"""`okrsite init [DIR]`: a new data repository, and `okrsite init --update`: its generated files
brought to the okrsite release running.

init writes every file that is missing and never overwrites one: the organisation with one team,
the current quarter with a first programme (one objective, three key results) and an empty
check-ins file, the workflows, Dependabot's settings, requirements-okrsite.txt, the collect
settings, .gitignore and a README. --update rewrites only the files okrsite owns
(generated.release_files, while their first line still says so) and returns the diff of each.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from okrsite.edit.files import create_new, make_folder, write_atomically
from okrsite.edit.generated import REQUIREMENTS, Release, owned, release_files, render
from okrsite.edit.generated import template_text as packaged
from okrsite.edit.scaffold import _scalar, check_quarter_id, quarter_yaml
from okrsite.load.checkins import COLUMNS
from okrsite.load.schemas import UNIT_SCHEMA_COMMENT, schemas
from okrsite.load.schemas import render as render_schema
from okrsite.model.errors import OkrsiteError
from okrsite.model.okrs import SLUG
from okrsite.model.source_policy import SETTINGS_FILE

CHECKIN_HEADER = ",".join(COLUMNS) + "\n"
DEFAULT_ORG = "eng"
DEFAULT_TEAM = "my-team"
DEFAULT_OWNER = "Your Name"
_NAMES = {"eng": "Engineering"}


@dataclass(frozen=True)
class Scaffold:
    """What a new repository is made of: the org and team ids and names, and the quarter."""

    org_id: str = DEFAULT_ORG
    team_id: str = DEFAULT_TEAM
    org_name: str | None = None  # None: from the id
    team_name: str | None = None
    quarter_id: str | None = None  # None: the quarter holding today


@dataclass(frozen=True)
class Outcome:
    """What init did with one file: created, skipped, updated, unchanged or kept (the user's)."""

    path: str  # root-relative POSIX path
    action: str
    reason: str = ""  # why it was skipped or kept
    diff: str = ""  # for updated: the unified diff, old to new


def name_of(unit_id: str) -> str:
    """A unit's placeholder name from its id: `developer-experience` is "Developer experience"."""
    return _NAMES.get(unit_id, unit_id.replace("-", " ").capitalize())


def quarter_of(day: date) -> str:
    """The calendar quarter holding day, as YYYY-Qn."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _checked_id(option: str, value: str) -> str:
    if SLUG.fullmatch(value) is None:
        raise OkrsiteError(
            f"{option} {value!r} is not an id: use lower-case letters, digits and hyphens, "
            "starting with a letter or digit, at most 63 characters (e.g. payments)"
        )
    return value


def _checked_name(option: str, value: str) -> str:
    if not value.strip() or re.search(r"[\x00-\x1f\x7f]", value):
        raise OkrsiteError(f"{option} must be a name on one line, not {value!r}")
    return value.strip()


def _quarter(scaffold: Scaffold, today: date) -> str:
    return check_quarter_id(scaffold.quarter_id or quarter_of(today), "--quarter ")


def okr_files(scaffold: Scaffold, today: date) -> dict[str, str]:
    """okrs/: org.yaml and the quarter's folder, {root-relative path: text}."""
    org_id = _checked_id("--org", scaffold.org_id)
    team_id = _checked_id("--team", scaffold.team_id)
    if org_id == team_id:
        raise OkrsiteError(f"--org and --team are both {org_id!r}; every unit needs its own id")
    org_name = _checked_name("--org-name", scaffold.org_name or name_of(org_id))
    team_name = _checked_name("--team-name", scaffold.team_name or name_of(team_id))
    quarter_id = _quarter(scaffold, today)
    values = {
        "org_id": org_id,
        "team_id": team_id,
        "org_name": _scalar(org_name),
        "team_name": _scalar(team_name),
        "quarter": quarter_id,
        "owner": DEFAULT_OWNER,
        "schema_comment": UNIT_SCHEMA_COMMENT,
    }
    unit = render("unit.yaml.jinja", **values).replace(
        f"# {_scalar(team_name)}:", f"# {' '.join(team_name.split())}:", 1
    )
    return {
        "okrs/org.yaml": render("org.yaml.jinja", **values),
        f"okrs/{quarter_id}/quarter.yaml": quarter_yaml(quarter_id),
        f"okrs/{quarter_id}/{team_id}.yaml": unit,
        f"okrs/{quarter_id}/{team_id}.csv": CHECKIN_HEADER,
    }


def readme(scaffold: Scaffold, today: date) -> str:
    """The data repository's README: how to set up, check in, publish and upgrade."""
    return render(
        "README.md.jinja",
        org_name=scaffold.org_name or name_of(scaffold.org_id),
        team_name=scaffold.team_name or name_of(scaffold.team_id),
        team_id=scaffold.team_id,
        quarter=_quarter(scaffold, today),
    )


def planned(scaffold: Scaffold, release: Release, today: date) -> dict[str, str]:
    """Every file init writes where it is missing, in writing order."""
    files = okr_files(scaffold, today)
    files.update(release_files(release))
    files[SETTINGS_FILE] = packaged("okrsite-sources.yaml")
    for name, schema in sorted(schemas().items()):
        files[f"schemas/{name}"] = render_schema(schema)
    files[".gitignore"] = packaged("gitignore")
    files["README.md"] = readme(scaffold, today)
    return files


def init_repository(root: Path, scaffold: Scaffold, release: Release, today: date) -> list[Outcome]:
    """Write every missing file of a data repository under root; never overwrite one.

    The OKR files go together: where okrs/org.yaml exists they are the user's, and a quarter
    written for a team org.yaml may not have would not check, so none is written.
    """
    files = planned(scaffold, release, today)  # every text first: a bad option writes nothing
    make_folder(root)
    has_org = (root / "okrs" / "org.yaml").exists()
    outcomes = []
    for relative, text in files.items():
        path = root / relative
        if path.exists() or path.is_symlink():
            outcomes.append(Outcome(relative, "skipped", "it exists"))
        elif has_org and relative.startswith("okrs/"):
            outcomes.append(Outcome(relative, "skipped", "okrs/org.yaml exists: okrs/ is yours"))
        else:
            try:
                create_new(path, text)
            except FileExistsError:  # appeared meanwhile
                outcomes.append(Outcome(relative, "skipped", "it exists"))
                continue
            outcomes.append(Outcome(relative, "created"))
    return outcomes


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise OkrsiteError(f"cannot read {path}: {error}") from error


def recorded_version(root: Path) -> str | None:
    """The okrsite version requirements-okrsite.txt pins, or None."""
    text = _read(root / REQUIREMENTS)
    found = re.search(r"^okrsite==(\S+)", text or "", re.M)
    return found.group(1) if found else None


def update_repository(root: Path, release: Release) -> list[Outcome]:
    """Rewrite the generated files okrsite still owns to release's; create the missing ones;
    leave alone every file whose header line was removed. Each rewrite carries its diff."""
    if not (root / "okrs").is_dir():
        raise OkrsiteError(f"{root} has no okrs/ folder: `okrsite init` makes a new repository")
    outcomes = []
    for relative, text in release_files(release).items():
        path = root / relative
        old = _read(path)
        if old is None:
            create_new(path, text)
            outcomes.append(Outcome(relative, "created"))
        elif not owned(old):
            reason = "its first line no longer says okrsite generated it: it is yours"
            outcomes.append(Outcome(relative, "kept", reason))
        elif old == text:
            outcomes.append(Outcome(relative, "unchanged"))
        else:
            diff = "".join(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"a/{relative}",
                    f"b/{relative}",
                )
            )
            write_atomically(path, text)
            outcomes.append(Outcome(relative, "updated", diff=diff))
    return outcomes
