"""The repository's okrs/ folder to the model, with every problem found while reading it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from okrsite.load.checkins import read_checkins
from okrsite.load.collect_settings import read_collect_settings
from okrsite.load.digest import DIGEST, quarter_digest
from okrsite.load.metric_file import MetricFile, read_metrics
from okrsite.load.org_file import OrgFile, read_org
from okrsite.load.quarter_file import QUARTER_RANGE, Written, calendar_dates, read_quarter_file
from okrsite.load.readings import read_readings
from okrsite.load.text import read_text
from okrsite.load.tree import Entry, list_folder, look, scan_inputs
from okrsite.load.unit_file import PlanFile, read_plan
from okrsite.load.yaml_nodes import read_yaml
from okrsite.model.errors import DataError
from okrsite.model.layout import OKRS, ORG_FILE, QUARTER_FILE
from okrsite.model.metrics import METRICS_DIR, Metric, Reading
from okrsite.model.okrs import (
    QUARTER_ID,
    CheckIn,
    Objective,
    Org,
    Quarter,
    Repository,
    UnitPlan,
    calendar_quarter,
    is_slug,
)
from okrsite.model.problems import Location, Problem, problem, quote
from okrsite.model.source_policy import CollectSettings

_DATA_SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass(frozen=True)
class QuarterRead:
    """What the loader saw of a quarter beyond the model: what check reports on, so that no
    check reads the quarter's files again."""

    # Where each top-level key of quarter.yaml is written; empty without a quarter.yaml mapping.
    written: Mapping[str, Written] = field(default_factory=dict)
    # The quarter's digest over its files as the loader read them (quarter_digest, as `okrsite
    # close` writes it); None unless the quarter is closed with a well-formed digest to match.
    digest: str | None = None


@dataclass(frozen=True)
class Loaded:
    """What could be read from a repository, and every error found reading it."""

    repository: Repository  # everything that could be read; broken items left out
    problems: tuple[Problem, ...]  # errors found while reading (sorted: path, line, col, code)
    files: tuple[str, ...] = ()  # the data files read, root-relative POSIX paths
    quarters_read: Mapping[str, QuarterRead] = field(default_factory=dict)  # by quarter id
    okrs_folder: bool = False  # whether okrs/ is a folder (a repository without one has OKR020)
    # The maintainers' collect settings (hosts a token may go to, the programs folder), and the
    # GitHub API of the environment okrsite runs in (GITHUB_API_URL): what OKR018/OKR025 apply.
    collect_settings: CollectSettings = field(default_factory=CollectSettings)


def load(root: Path) -> Loaded:
    """Read okrs/ under root into a Repository, collecting problems instead of stopping.

    Every input (okrs/, content/, theme/, mkdocs.yml) is scanned first: a link out of the
    repository, a special file or an undecodable name is an error, and is never read.
    """
    problems: list[Problem] = scan_inputs(root)
    files: list[str] = []
    org_file = _load_org(root, problems, files)
    org = org_file.org or Org("", ())
    quarters: list[Quarter] = []
    quarters_read: dict[str, QuarterRead] = {}
    entries = _listing(root, OKRS, problems) if look(root, OKRS).kind == "folder" else []
    metrics: tuple[Metric, ...] = ()
    metric_paths: frozenset[str] | None = frozenset()
    if any(e.relative == METRICS_DIR and e.kind == "folder" for e in entries):
        metrics, metric_paths = _load_metrics(root, org, org_file, problems, files)
    for entry in entries:
        relative = entry.shown
        if entry.name == "org.yaml" or entry.kind not in ("file", "folder"):
            continue  # org.yaml is read above; a refused entry's problem is reported
        if entry.relative == METRICS_DIR and entry.kind == "folder":
            continue  # read above: the quarters' KRs may name its metrics
        if entry.kind == "folder":
            if entry.name.isascii() and QUARTER_ID.fullmatch(entry.name):
                if calendar_dates(entry.name) is None:
                    problems.append(
                        problem(
                            "OKR021",
                            Location(relative),
                            f"folder {quote(entry.name)} names a year okrsite cannot date; "
                            f"name the folder after a quarter from {QUARTER_RANGE}, e.g. 2026-Q4",
                        )
                    )
                    continue
                quarter, read = _load_quarter(
                    root, entry.name, org, org_file, problems, files, metric_paths
                )
                quarters.append(quarter)
                quarters_read[quarter.id] = read
            else:
                problems.append(
                    problem(
                        "OKR021",
                        Location(relative),
                        f"folder {quote(entry.name)} is not a quarter: every folder under "
                        "okrs/ but metrics/ must be named YYYY-Qn, e.g. 2026-Q4",
                    )
                )
        else:
            belongs = "okrs/ holds org.yaml, quarter folders and metrics/"
            _stray_file(relative, entry.name, belongs, problems)
    # Read at the edge, as SOURCE_DATE_EPOCH is (model/clock.py): GitHub Actions sets it.
    collect_settings, found_settings = read_collect_settings(root, os.environ.get("GITHUB_API_URL"))
    problems.extend(found_settings)
    # The scan and the loader list the same folders: a refusal found twice is reported once.
    found = sorted(set(problems), key=lambda p: (p.location, p.code))
    return Loaded(
        Repository(org, tuple(quarters), metrics),
        tuple(found),
        tuple(sorted(files)),
        quarters_read,
        (root / OKRS).is_dir(),
        collect_settings,
    )


def _listing(root: Path, folder: str, problems: list[Problem]) -> list[Entry]:
    """The folder's entries but hidden ones, sorted; what cannot be listed or read is reported."""
    entries, found = list_folder(root, folder)
    problems.extend(found)
    return entries


def load_checked(root: Path) -> Loaded:
    """The repository read with its problems, or DataError with every error if it has one."""
    loaded = load(root)
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    return loaded


def load_valid(root: Path) -> Repository:
    """The repository, or DataError with every problem if anything could not be read."""
    return load_checked(root).repository


def _load_org(root: Path, problems: list[Problem], files: list[str]) -> OrgFile:
    entry = look(root, ORG_FILE)
    if entry.kind == "refused":
        return OrgFile(None, frozenset())  # the scan reports why (a link out, a FIFO, ...)
    if entry.kind == "folder":
        problems.append(
            problem(
                "OKR020",
                Location(ORG_FILE),
                f"is a folder, not a file; {ORG_FILE} holds the organisation: replace the folder "
                "with the file",
            )
        )
        return OrgFile(None, frozenset())
    if entry.kind == "missing":
        problems.append(
            problem(
                "OKR020",
                Location(ORG_FILE),
                f"is missing: is {quote(str(root))} the root of an OKR repository? "
                "Run okrsite in the folder holding okrs/, or pass --root",
            )
        )
        return OrgFile(None, frozenset())
    files.append(ORG_FILE)
    node, found = read_yaml(root, ORG_FILE)
    problems.extend(found)
    if node is None:
        return OrgFile(None, frozenset())
    return read_org(node, problems)


def _stray_file(relative: str, name: str, belongs: str, problems: list[Problem]) -> None:
    """A file okrsite does not read: an error if it looks like misnamed data, else a warning."""
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in _DATA_SUFFIXES:
        right = f"{stem.lower()}.{'yaml' if suffix.lower() == 'yml' else suffix.lower()}"
        problems.append(
            problem(
                "OKR023",
                Location(relative),
                f"{quote(name)} is not read ({belongs}); if it is data, rename it, e.g. to "
                f"{quote(right)}",
            )
        )
    else:
        problems.append(
            problem("OKR209", Location(relative), f"{quote(name)} is not read ({belongs})")
        )


def _load_quarter(
    root: Path,
    quarter_id: str,
    org: Org,
    org_file: OrgFile,
    problems: list[Problem],
    files: list[str],
    metric_paths: frozenset[str] | None = frozenset(),
) -> tuple[Quarter, QuarterRead]:
    folder = f"{OKRS}/{quarter_id}"
    entries = _listing(root, folder, problems)
    written: dict[str, Written] = {}
    quarter = _quarter_dates(root, quarter_id, entries, problems, files, written)
    # A frozen quarter's files are kept as read, for its digest: none is read twice.
    frozen = quarter.closed and quarter.digest is not None and DIGEST.fullmatch(quarter.digest)
    kept: dict[str, bytes] | None = {} if frozen else None
    yaml_stems: dict[str, PlanFile] = {}
    csv_stems: list[str] = []
    belongs = "a quarter folder holds quarter.yaml, UNIT.yaml and UNIT.csv"
    for entry in entries:
        relative = entry.shown
        stem, _, suffix = entry.name.rpartition(".")
        if entry.name == QUARTER_FILE:
            continue
        if entry.kind not in ("file", "folder"):
            # Refused and reported; a unit whose YAML cannot be read still owns its CSV.
            known = org_file.org is None or org.unit(stem) is not None
            if suffix == "yaml" and is_slug(stem) and known:
                yaml_stems[stem] = PlanFile(None, frozenset(), frozenset())
            continue
        if entry.kind == "folder":
            problems.append(
                problem(
                    "OKR023",
                    Location(relative),
                    f"{quote(entry.name)} is a folder; {belongs}, so move what it holds up "
                    "into the quarter folder or out of okrs/",
                )
            )
            continue
        if suffix not in ("yaml", "csv"):
            _stray_file(relative, entry.name, belongs, problems)
            continue
        # The stem becomes a unit id, a page name and a URL: check it before using it as one.
        if not is_slug(stem) or (org_file.org is not None and org.unit(stem) is None):
            if is_slug(stem) and stem in org_file.named_units:
                continue  # the unit itself is broken in org.yaml, already reported there
            what = "a unit in okrs/org.yaml" if is_slug(stem) else "a valid unit id"
            problems.append(
                problem(
                    "OKR022",
                    Location(relative),
                    f"file name {quote(stem)} is not {what}; name each file after a unit id",
                )
            )
            continue
        if suffix == "csv":
            csv_stems.append(stem)
            continue
        files.append(entry.relative)
        node, found = read_yaml(root, entry.relative, kept)
        problems.extend(found)
        if node is None:
            yaml_stems[stem] = PlanFile(None, frozenset(), frozenset())
        else:
            yaml_stems[stem] = read_plan(node, stem, entry.relative, problems)
    plans = {
        stem: _attach_checkins(
            root,
            folder,
            stem,
            stem in csv_stems,
            yaml_stems.get(stem),
            quarter,
            problems,
            files,
            kept,
        )
        for stem in sorted(set(yaml_stems) | set(csv_stems))
    }
    order = {unit.id: index for index, unit in enumerate(org.units)}
    ordered = sorted(
        (plan for plan in plans.values() if plan is not None),
        key=lambda plan: (order.get(plan.unit_id, len(order)), plan.unit_id),
    )
    aligned = _check_alignment(org, org_file, quarter_id, yaml_stems, ordered, problems)
    aligned = _check_improves(yaml_stems, aligned, metric_paths, problems)
    digest = None
    if kept is not None:
        read = {relative.removeprefix(f"{folder}/"): data for relative, data in kept.items()}
        digest = quarter_digest(root / folder, quarter.start, quarter.end, read)
    return replace(quarter, plans=tuple(aligned)), QuarterRead(written, digest)


def _quarter_dates(
    root: Path,
    quarter_id: str,
    entries: list[Entry],
    problems: list[Problem],
    files: list[str],
    written: dict[str, Written],
) -> Quarter:
    """The quarter's dates from its quarter.yaml, if that is a file; else the calendar's.

    written receives where each of quarter.yaml's top-level keys is written.
    """
    given = next((entry for entry in entries if entry.name == QUARTER_FILE), None)
    if given is not None and given.kind == "file":
        return read_quarter_file(root, quarter_id, problems, files, written)
    if given is not None and given.kind == "folder":
        problems.append(
            problem(
                "OKR023",
                Location(given.shown),
                f"{quote(QUARTER_FILE)} is a folder, not a file; it holds the quarter's dates and "
                "status: replace the folder with the file, or remove it",
            )
        )
    # No quarter.yaml, one refused (reported), or a folder that cannot be listed (reported).
    start, end = calendar_quarter(quarter_id)
    return Quarter(quarter_id, start, end, location=Location(f"{OKRS}/{quarter_id}"))


def _attach_checkins(
    root: Path,
    folder: str,
    stem: str,
    has_csv: bool,
    plan_file: PlanFile | None,
    quarter: Quarter,
    problems: list[Problem],
    files: list[str],
    kept: dict[str, bytes] | None,
) -> UnitPlan | None:
    """The unit's plan with each KR's check-ins from UNIT.csv (if a file), in file order; kept
    receives the CSV's bytes when given."""
    relative = f"{folder}/{stem}.csv"
    if not has_csv:
        return plan_file.plan if plan_file else None
    files.append(relative)
    if plan_file is None:
        problems.append(
            problem(
                "OKR030",
                Location(relative),
                f"has no {stem}.yaml beside it; check-ins need the unit's objectives and key "
                "results in the same quarter folder",
            )
        )
        return None
    text, found = read_text(root, relative, kept)
    problems.extend(found)
    if text is None:
        return plan_file.plan
    # Without a readable YAML the kr column cannot be checked; the YAML's errors say why.
    known = plan_file.key_result_refs if plan_file.plan is not None else None
    checkins, found = read_checkins(text, relative, quarter.start, quarter.end, known)
    problems.extend(found)
    if plan_file.plan is None:
        return None
    by_kr: dict[str, list[CheckIn]] = {}
    for checkin in checkins:
        by_kr.setdefault(checkin.kr, []).append(checkin)
    objectives = tuple(
        replace(
            objective,
            key_results=tuple(
                replace(kr, checkins=tuple(by_kr.get(f"{objective.id}/{kr.id}", ())))
                for kr in objective.key_results
            ),
        )
        for objective in plan_file.plan.objectives
    )
    return replace(plan_file.plan, objectives=objectives)


def _check_alignment(
    org: Org,
    org_file: OrgFile,
    quarter_id: str,
    plan_files: dict[str, PlanFile],
    plans: list[UnitPlan],
    problems: list[Problem],
) -> list[UnitPlan]:
    """Each aligns_to names an objective of an ancestor unit this quarter; bad ones are dropped."""
    checked: list[UnitPlan] = []
    for plan in plans:
        plan_file = plan_files.get(plan.unit_id)
        where = dict(plan_file.aligns_at) if plan_file else {}
        objectives: list[Objective] = []
        for objective in plan.objectives:
            location = where.get(objective.id, objective.location)
            message = _alignment_problem(org, org_file, quarter_id, plan_files, plan, objective)
            if message is None:
                objectives.append(objective)
                continue
            code, text = message
            label = f"objective {quote(f'{plan.unit_id}/{objective.id}')}"
            problems.append(problem(code, location, f"{label}: {text}"))
            objectives.append(replace(objective, aligns_to=None))
        checked.append(replace(plan, objectives=tuple(objectives)))
    return checked


def _alignment_problem(
    org: Org,
    org_file: OrgFile,
    quarter_id: str,
    plan_files: dict[str, PlanFile],
    plan: UnitPlan,
    objective: Objective,
) -> tuple[str, str] | None:
    """The code and message of what is wrong with an objective's aligns_to, if anything."""
    target = objective.aligns_to
    if target is None or org_file.org is None:
        return None
    unit_id, slash, objective_id = target.partition("/")
    if not slash or not is_slug(unit_id) or not is_slug(objective_id):
        return "OKR114", f"aligns_to {quote(target)} must be UNIT/OBJECTIVE, e.g. eng/delivery"
    if org.unit(unit_id) is None:
        if unit_id in org_file.named_units:
            return None  # that unit is broken in org.yaml and reported there
        return "OKR114", f"aligns_to {quote(target)} names unit {quote(unit_id)}, not in org.yaml"
    if all(unit.id != unit_id for unit in org.ancestors(plan.unit_id)):
        return (
            "OKR115",
            f"aligns_to {quote(target)}: unit {quote(unit_id)} is not above "
            f"{quote(plan.unit_id)} in org.yaml; align to an ancestor's objective",
        )
    parent_file = plan_files.get(unit_id)
    if parent_file is not None and parent_file.plan is None:
        return None  # the ancestor's YAML could not be read; its errors are reported
    if parent_file is None or objective_id not in parent_file.objective_ids:
        return (
            "OKR114",
            f"aligns_to {quote(target)}: unit {quote(unit_id)} has no objective "
            f"{quote(objective_id)} in {quarter_id}",
        )
    return None


def _load_metrics(
    root: Path, org: Org, org_file: OrgFile, problems: list[Problem], files: list[str]
) -> tuple[tuple[Metric, ...], frozenset[str] | None]:
    """Every unit's standing metrics from okrs/metrics/, with their readings, in org.yaml's
    order; and every metric path declared (None when some unit's metrics could not be read,
    so a KR's improves is then not checked against them)."""
    belongs = "okrs/metrics/ holds UNIT.yaml and UNIT.csv"
    files_by_stem: dict[str, MetricFile] = {}
    csv_stems: list[str] = []
    unreadable = False
    for entry in _listing(root, METRICS_DIR, problems):
        stem, _, suffix = entry.name.rpartition(".")
        if entry.kind == "refused":
            unreadable = True
            continue
        if entry.kind == "folder" or suffix not in ("yaml", "csv"):
            if entry.kind == "folder":
                problems.append(
                    problem(
                        "OKR023",
                        Location(entry.shown),
                        f"{quote(entry.name)} is a folder; {belongs}",
                    )
                )
            else:
                _stray_file(entry.shown, entry.name, belongs, problems)
            continue
        if not is_slug(stem) or (org_file.org is not None and org.unit(stem) is None):
            if is_slug(stem) and stem in org_file.named_units:
                unreadable = True
                continue  # the unit is broken in org.yaml, reported there
            what = "a unit in okrs/org.yaml" if is_slug(stem) else "a valid unit id"
            problems.append(
                problem(
                    "OKR022",
                    Location(entry.shown),
                    f"file name {quote(stem)} is not {what}; name each file after a unit id",
                )
            )
            continue
        if suffix == "csv":
            csv_stems.append(stem)
            continue
        files.append(entry.relative)
        node, found = read_yaml(root, entry.relative)
        problems.extend(found)
        parsed = MetricFile(None, frozenset())
        if node is not None:
            parsed = read_metrics(node, stem, problems)
        unreadable = unreadable or parsed.metrics is None
        files_by_stem[stem] = parsed
    metrics: list[Metric] = []
    for stem in sorted(set(files_by_stem) | set(csv_stems)):
        given = files_by_stem.get(stem)
        readings = _metric_readings(root, stem, stem in csv_stems, given, problems, files)
        for metric in given.metrics or () if given else ():
            mine = tuple(r for r in readings if r.metric == metric.id)
            metrics.append(replace(metric, readings=mine))
    order = {unit.id: index for index, unit in enumerate(org.units)}
    metrics.sort(key=lambda m: (order.get(m.unit_id, len(order)), m.unit_id))
    paths = None if unreadable else frozenset(m.path for m in metrics)
    return tuple(metrics), paths


def _metric_readings(
    root: Path,
    stem: str,
    has_csv: bool,
    read: MetricFile | None,
    problems: list[Problem],
    files: list[str],
) -> tuple[Reading, ...]:
    """The readings of a unit's metrics CSV, if it has one."""
    relative = f"{METRICS_DIR}/{stem}.csv"
    if not has_csv:
        return ()
    files.append(relative)
    if read is None:
        problems.append(
            problem(
                "OKR030",
                Location(relative),
                f"has no {stem}.yaml beside it; readings need the unit's metrics defined in "
                f"{METRICS_DIR}/{stem}.yaml",
            )
        )
        return ()
    text, found = read_text(root, relative)
    problems.extend(found)
    if text is None:
        return ()
    known = read.declared if read.metrics is not None else None
    readings, found = read_readings(text, relative, known)
    problems.extend(found)
    return readings


def _check_improves(
    plan_files: dict[str, PlanFile],
    plans: list[UnitPlan],
    metric_paths: frozenset[str] | None,
    problems: list[Problem],
) -> list[UnitPlan]:
    """Each KR's improves names a standing metric, as UNIT/METRIC or (its own unit's) METRIC;
    written as UNIT/METRIC in the model. A bad one is reported and dropped."""
    checked: list[UnitPlan] = []
    for plan in plans:
        plan_file = plan_files.get(plan.unit_id)
        where = dict(plan_file.improves_at) if plan_file else {}
        objectives = []
        for objective in plan.objectives:
            key_results = []
            for kr in objective.key_results:
                named = kr.improves
                if named is None:
                    key_results.append(kr)
                    continue
                path = named if "/" in named else f"{plan.unit_id}/{named}"
                ref = f"{objective.id}/{kr.id}"
                if metric_paths is None or path in metric_paths:
                    key_results.append(replace(kr, improves=path))
                    continue
                label = f"key result {quote(f'{plan.unit_id}/{ref}')}"
                known = ", ".join(sorted(metric_paths)) or "none yet"
                problems.append(
                    problem(
                        "OKR121",
                        where.get(ref, kr.location),
                        f"{label}: improves {quote(named)} names no standing metric in "
                        f"{METRICS_DIR}/ (write METRIC of this unit or UNIT/METRIC; "
                        f"known: {known[:200]})",
                    )
                )
                key_results.append(replace(kr, improves=None))
            objectives.append(replace(objective, key_results=tuple(key_results)))
        checked.append(replace(plan, objectives=tuple(objectives)))
    return checked
