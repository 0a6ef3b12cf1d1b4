"""The stage layout: a stage imports only its own and earlier stages, and only the CLI prints."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

STAGES: tuple[str, ...] = (
    "model",
    "load",
    "check",
    "score",
    "site",
    "edit",
    "collect",
    "pipeline",
    "cli",
)
"""The stages of okrsite in dependency order: a module may import its own and earlier stages only.

The model is the vocabulary every stage shares, with no I/O, so it comes first. Loading turns the
files into that model; checking judges what was loaded, given the scores as data (their types are
in the model), and never scores itself; scoring computes from the model; the site renders the
scores; editing writes back into the repository and may reuse everything that
reads; the pipeline wires the stages into one run; the CLI, last, is the one shell that parses
arguments, prints and exits. So any stage can be read, tested and changed with only the stages
before it in mind. A new folder under okrsite/ must be placed here deliberately.
"""

NOT_STAGES = frozenset({"__init__.py", "py.typed", "__pycache__"})
"""Entries directly under okrsite/ that are not stages."""

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "okrsite"
ROOT_STAGE = -1
"""The stage of okrsite/__init__.py: before every stage, since every import runs it."""

OUTPUT_CALLS = frozenset(
    {
        "print",
        "exit",
        "quit",
        "sys.exit",
        "os._exit",
        "click.echo",
        "click.secho",
        "sys.stdout.write",
        "sys.stderr.write",
        "sys.stdout.writelines",
        "sys.stderr.writelines",
        "sys.stdout.buffer.write",
        "sys.stderr.buffer.write",
    }
)
"""Calls that print or exit, by the dotted name they resolve to through the module's imports."""

EXIT_EXCEPTIONS = frozenset({"SystemExit", "click.exceptions.Exit"})
"""Exceptions whose raising exits the process."""

PROBE = r"""
import importlib, json, sys, traceback
out, root, names = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, root)
def ours(key):
    return key == "okrsite" or key.startswith("okrsite.")
results = {}
for name in names:
    for key in [key for key in sys.modules if ours(key)]:
        del sys.modules[key]
    error = None
    try:
        importlib.import_module(name)
    except BaseException as exc:
        error = "".join(traceback.format_exception_only(exc)).strip()
    origin = getattr(sys.modules.get("okrsite"), "__file__", None)
    loaded = sorted(key for key in sys.modules if ours(key))
    results[name] = {"loaded": loaded, "error": error, "origin": origin}
with open(out, "w", encoding="utf-8") as stream:
    json.dump(results, stream)
"""
"""Imports each named module after dropping every okrsite module, and records what got loaded."""


@dataclass(frozen=True)
class Module:
    """One okrsite module on disk: its dotted name and its file."""

    name: str
    path: Path

    @property
    def is_package(self) -> bool:
        """Whether the file is a package's __init__.py."""
        return self.path.name == "__init__.py"

    @property
    def rel(self) -> str:
        """The file's path from the repository root, for messages."""
        return self.path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Import:
    """One okrsite module named by an import in a module's source."""

    target: str
    line: int
    at_import_time: bool
    """False inside a function or under `if TYPE_CHECKING:`, where importing the module skips it."""


@dataclass(frozen=True)
class Probe:
    """What importing one module in a clean interpreter loaded, and whether it failed."""

    loaded: tuple[str, ...]
    error: str | None
    origin: str | None


def ours(name: str) -> bool:
    """Whether a dotted name is okrsite or inside it."""
    return name == "okrsite" or name.startswith("okrsite.")


def stage_of(name: str) -> int | None:
    """The stage index of an okrsite name: ROOT_STAGE for the package itself, None if unknown."""
    parts = name.split(".")
    if parts[0] != "okrsite":
        return None
    if len(parts) == 1:
        return ROOT_STAGE
    return STAGES.index(parts[1]) if parts[1] in STAGES else None


def is_later(name: str, stage: int) -> bool:
    """Whether a module belongs to a stage after `stage`, or to no known stage."""
    other = stage_of(name)
    return other is None or other > stage


def describe(name: str) -> str:
    """A module name with its stage, numbered from 1, for messages."""
    stage = stage_of(name)
    if stage is None:
        label = "no known stage"
    elif stage == ROOT_STAGE:
        label = "the package root"
    else:
        label = f"stage {stage + 1} {STAGES[stage]!r}"
    return f"{name} ({label})"


def module_name(path: Path) -> str:
    """The dotted name of a module file under the repository root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover() -> list[Module]:
    """Every module under okrsite/ on disk, sorted by stage and then by name."""
    paths = (path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)
    modules = (Module(module_name(path), path) for path in paths)

    def order(module: Module) -> tuple[int, str]:
        """Stage order first, unknown stages last, then the name."""
        stage = stage_of(module.name)
        return (len(STAGES) if stage is None else stage, module.name)

    return sorted(modules, key=order)


MODULES = discover()
BY_NAME: Mapping[str, Module] = {module.name: module for module in MODULES}
STAGED = [module for module in MODULES if stage_of(module.name) is not None]
"""The modules of the package root and the known stages; unknown folders fail on their own."""
PROGRAMS = {
    "okrsite.collect.supervise": "the supervisor collect runs a command under, a script of its own"
}
"""Modules that are programs of their own, started as scripts: they exit with a status."""
NOT_CLI = [
    module
    for module in MODULES
    if stage_of(module.name) != STAGES.index("cli") and module.name not in PROGRAMS
]


def entry_name(child: Path) -> str:
    """The stage name of an entry directly under okrsite/: a folder's name or a module's stem."""
    return child.stem if child.is_file() and child.suffix == ".py" else child.name


@cache
def parse(module: Module) -> ast.Module:
    """The module's syntax tree."""
    return ast.parse(module.path.read_text(encoding="utf-8"), filename=module.rel)


def is_type_checking(test: ast.expr) -> bool:
    """Whether an `if` test is `TYPE_CHECKING` or `typing.TYPE_CHECKING`."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


class _ImportFinder(ast.NodeVisitor):
    """Collects the okrsite modules a module's source imports, noting which run at import time."""

    def __init__(self, module: Module) -> None:
        """Start with nothing found, at import time."""
        self.module = module
        self.found: list[Import] = []
        self._deferred = 0

    def _add(self, target: str, node: ast.stmt | ast.expr) -> None:
        """Record an import of target at the node's line."""
        self.found.append(Import(target, node.lineno, self._deferred == 0))

    def _visit_deferred(self, nodes: list[ast.stmt]) -> None:
        """Visit statements that do not run when the module is imported."""
        self._deferred += 1
        for child in nodes:
            self.visit(child)
        self._deferred -= 1

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        """Imports in a function body run only when it is called."""
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_deferred(node.body)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        """Imports in a coroutine body run only when it is awaited."""
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_deferred(node.body)

    def visit_If(self, node: ast.If) -> None:
        """Imports under `if TYPE_CHECKING:` never run."""
        if not is_type_checking(node.test):
            self.generic_visit(node)
            return
        self._visit_deferred(node.body)
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        """`import okrsite.x.y [as z]`."""
        for alias in node.names:
            if ours(alias.name):
                self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """`from okrsite.x import y` and relative imports; `y` counts if it is a module."""
        base = self._absolute(node)
        if not ours(base):
            return
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            self._add(submodule if submodule in BY_NAME else base, node)

    def visit_Call(self, node: ast.Call) -> None:
        """`importlib.import_module("okrsite.x")` and `__import__("okrsite.x")` with a literal."""
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else None
        if isinstance(function, ast.Name):
            name = function.id
        if name in {"import_module", "__import__"} and node.args:
            first = node.args[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and ours(first.value)
            ):
                self._add(first.value, node)
        self.generic_visit(node)

    def _absolute(self, node: ast.ImportFrom) -> str:
        """The absolute module a `from ... import` names, resolving leading dots."""
        if node.level == 0:
            return node.module or ""
        package = self.module.name.split(".")
        if not self.module.is_package:
            package.pop()
        kept = len(package) - (node.level - 1)
        if kept <= 0:
            return ""
        return ".".join(package[:kept] + ([node.module] if node.module else []))


@cache
def imports_of(module: Module) -> tuple[Import, ...]:
    """Every okrsite module the module's source imports, once per target and line."""
    finder = _ImportFinder(module)
    finder.visit(parse(module))
    return tuple(dict.fromkeys(finder.found))


@cache
def import_graph() -> Mapping[str, Mapping[str, int | None]]:
    """Each module's import-time imports and its parent package, with lines; unparsable: parent."""
    graph: dict[str, dict[str, int | None]] = {}
    for module in MODULES:
        edges: dict[str, int | None] = {}
        parent = module.name.rpartition(".")[0]
        if parent:
            edges[parent] = None
        try:
            found = imports_of(module)
        except SyntaxError:
            found = ()
        for item in found:
            if item.at_import_time:
                edges.setdefault(item.target, item.line)
        graph[module.name] = edges
    return graph


def chain(start: str, goal: str) -> list[str] | None:
    """The shortest import-time chain of modules from start to goal, if the source shows one."""
    graph = import_graph()
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        name = queue.popleft()
        if name == goal:
            path = [name]
            while path[-1] != start:
                path.append(previous[path[-1]])
            return path[::-1]
        for following in graph.get(name, {}):
            if following != start and following not in previous:
                previous[following] = name
                queue.append(following)
    return None


def crossing_lines(module: str, later: list[str]) -> list[str]:
    """One line per import that first steps into a later stage, with the chain leading to it."""
    stage = stage_of(module)
    assert stage is not None
    graph = import_graph()
    crossings: dict[tuple[str, ...], None] = {}
    for name in later:
        path = chain(module, name)
        if path is None:
            crossings[(module, "... (no import in the source explains it)", name)] = None
            continue
        cut = next(index for index, step in enumerate(path) if is_later(step, stage))
        crossings[tuple(path[: cut + 1])] = None
    lines = []
    for steps in sorted(crossings):
        importer, target = steps[-2], steps[-1]
        line = graph.get(importer, {}).get(target)
        where = f"  [{BY_NAME[importer].rel}:{line}]" if line and importer in BY_NAME else ""
        lines.append("  " + " -> ".join([*steps[:-1], describe(target)]) + where)
    return lines


def read_probe(raw: object) -> dict[str, Probe]:
    """The probe's JSON report, checked for shape."""
    assert isinstance(raw, dict)
    probes: dict[str, Probe] = {}
    for name, entry in raw.items():
        assert isinstance(name, str) and isinstance(entry, dict)
        loaded, error, origin = entry["loaded"], entry["error"], entry["origin"]
        assert isinstance(loaded, list) and all(isinstance(item, str) for item in loaded)
        assert error is None or isinstance(error, str)
        assert origin is None or isinstance(origin, str)
        probes[name] = Probe(tuple(loaded), error, origin)
    return probes


def run_probe(out: Path) -> None:
    """Run PROBE over every staged module in a fresh interpreter, writing its report to `out`."""
    names = [module.name for module in STAGED]
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), str(ROOT), *names],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(f"the import probe crashed:\n{completed.stderr}", pytrace=False)


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Probe]:
    """What importing each staged module alone loads, from one fresh interpreter."""
    out = tmp_path_factory.mktemp("layout") / "probe.json"
    run_probe(out)
    result = read_probe(json.loads(out.read_text(encoding="utf-8")))
    expected = str(PACKAGE / "__init__.py")
    strays = {probe.origin for probe in result.values()} - {expected, None}
    assert not strays, f"the probe imported okrsite from {strays}, not {expected}"
    return result


@pytest.mark.parametrize("module", STAGED, ids=[module.name for module in STAGED])
def test_importing_loads_no_later_stage(module: Module, probes: dict[str, Probe]) -> None:
    """Importing a module alone, in a clean interpreter, loads nothing from a later stage."""
    stage = stage_of(module.name)
    assert stage is not None
    probe = probes[module.name]
    later = [name for name in probe.loaded if is_later(name, stage)]
    problems = []
    if probe.error is not None:
        problems.append(f"  importing it failed: {probe.error}")
    if later:
        problems.append("  it pulls in a later stage at import time:")
        problems.extend("  " + line for line in crossing_lines(module.name, later))
        problems.append(f"    later-stage modules loaded: {', '.join(later)}")
    if problems:
        pytest.fail(
            f"{describe(module.name)} [{module.rel}]:\n" + "\n".join(problems), pytrace=False
        )


@pytest.mark.parametrize("module", STAGED, ids=[module.name for module in STAGED])
def test_source_imports_no_later_stage(module: Module) -> None:
    """Every okrsite import in the source, even inside a function, names no later stage."""
    stage = stage_of(module.name)
    assert stage is not None
    found = [item for item in imports_of(module) if is_later(item.target, stage)]
    lines = [
        f"  {module.rel}:{item.line}: imports {describe(item.target)}"
        + ("" if item.at_import_time else " (deferred: in a function or under TYPE_CHECKING)")
        for item in found
    ]
    if lines:
        pytest.fail(
            f"{describe(module.name)} imports a later stage:\n" + "\n".join(lines), pytrace=False
        )


def dotted(node: ast.expr, aliases: Mapping[str, str]) -> str | None:
    """The dotted name an expression like `a.b.c` refers to, through the module's imports."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = dotted(node.value, aliases)
        return None if base is None else f"{base}.{node.attr}"
    return None


def output_calls(module: Module) -> list[tuple[int, str]]:
    """The line and resolved name of every call that prints or exits, and every exit raised."""
    tree = parse(module)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = dotted(node.func, aliases)
            if name in OUTPUT_CALLS:
                found.append((node.lineno, f"{name}(...)"))
        elif isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = dotted(raised, aliases)
            if name in EXIT_EXCEPTIONS:
                found.append((node.lineno, f"raise {name}"))
    return sorted(found)


@pytest.mark.parametrize("module", NOT_CLI, ids=[module.name for module in NOT_CLI])
def test_only_the_cli_prints_or_exits(module: Module) -> None:
    """No module outside okrsite/cli prints, writes to stdout or stderr, or exits."""
    lines = [f"  {module.rel}:{line}: {what}" for line, what in output_calls(module)]
    if lines:
        message = f"{module.name} prints or exits, which only okrsite.cli may do:\n"
        pytest.fail(message + "\n".join(lines), pytrace=False)


def test_every_entry_is_a_known_stage() -> None:
    """Every folder or module directly under okrsite/ is a stage placed in STAGES."""
    assert len(set(STAGES)) == len(STAGES), f"STAGES names a stage twice: {STAGES}"
    unknown = [
        child.relative_to(ROOT).as_posix()
        for child in sorted(PACKAGE.iterdir())
        if child.name not in NOT_STAGES and entry_name(child) not in STAGES
    ]
    if unknown:
        pytest.fail(
            f"not a known stage: {', '.join(unknown)}; add each to STAGES in tests/test_layout.py, "
            "after every stage it imports and before every stage that imports it",
            pytrace=False,
        )


def test_every_stage_is_on_disk() -> None:
    """Every stage in STAGES is a folder or module under okrsite/, so none is a stale name."""
    missing = [
        stage
        for stage in STAGES
        if not (PACKAGE / stage).is_dir() and not (PACKAGE / f"{stage}.py").is_file()
    ]
    assert missing == [], "stages in STAGES that are not under okrsite/: remove them from STAGES"


SITE_FLOORS: tuple[str, ...] = ("markup", "charts", "pages", "builder", "output", "serve")
"""The sub-stages of okrsite/site in dependency order, as the stages are: escaping for HTML and
Markdown; the charts; the pages that show them; the build (settings, engines, caches, worker
processes) that turns pages into each quarter's site; the output folder (lock, swap, versions.json)
written from the built quarters; and the preview server that serves it. A site module imports
only its own and earlier floors, so each can be read with only those below it in mind."""


def site_floor(name: str) -> int | None:
    """The floor of a module under okrsite.site; None for the package itself or outside it."""
    parts = name.split(".")
    if parts[:2] != ["okrsite", "site"] or len(parts) < 3:
        return None
    return SITE_FLOORS.index(parts[2]) if parts[2] in SITE_FLOORS else len(SITE_FLOORS)


SITE_MODULES = [module for module in MODULES if site_floor(module.name) is not None]


SITE_DATA = frozenset({"defaults"})
"""Folders under okrsite/site/ that hold package data, not code: defaults/ is the site every
repository's own mkdocs.yml, theme/ and content/ are laid over (builder/overlay.py reads it)."""


def test_every_site_entry_is_a_known_floor() -> None:
    """Every module or folder directly under okrsite/site/ is a floor placed in SITE_FLOORS, or
    package data named in SITE_DATA, which holds no Python."""
    site = PACKAGE / "site"
    unknown = [
        child.relative_to(ROOT).as_posix()
        for child in sorted(site.iterdir())
        if child.name not in NOT_STAGES | SITE_DATA and entry_name(child) not in SITE_FLOORS
    ]
    assert not [p for name in SITE_DATA for p in (site / name).rglob("*.py")]
    assert unknown == [], f"add each to SITE_FLOORS in tests/test_layout.py: {unknown}"
    missing = [
        f for f in SITE_FLOORS if not (site / f).is_dir() and not (site / f"{f}.py").is_file()
    ]
    assert missing == [], f"floors in SITE_FLOORS that are not under okrsite/site/: {missing}"


@pytest.mark.parametrize("module", SITE_MODULES, ids=[module.name for module in SITE_MODULES])
def test_site_modules_import_no_later_floor(module: Module) -> None:
    """Every import of a site module, even inside a function, names its own or an earlier floor."""
    floor = site_floor(module.name)
    assert floor is not None
    found = [
        item
        for item in imports_of(module)
        if (other := site_floor(item.target)) is not None and other > floor
    ]
    lines = [
        f"  {module.rel}:{item.line}: imports {item.target} "
        f"(floor {SITE_FLOORS[site_floor(item.target) or 0]!r}, above {SITE_FLOORS[floor]!r})"
        for item in found
    ]
    if lines:
        pytest.fail(
            f"{module.name} imports a later floor of site/:\n" + "\n".join(lines), pytrace=False
        )
