"""One quarter's site built by Zensical, Material's successor: the same docs folder and theme as
MkDocs gets, in a project folder of its own with a configuration written from the site's settings
(the package's mkdocs.yml with the repository's), built by `zensical build` in a child process
whose diagnostics become okrsite's warnings.

Zensical runs no MkDocs plugins and reads its configuration from a file beside the docs folder
(docs/zensical.md has the evidence behind each choice here):
- the config is the site's settings with okrsite's applied, written back as YAML;
- the theme's layers are laid out without the Material-only files (MATERIAL_ONLY);
- `content: sanitised` is a Markdown extension (zensical_markdown.py) instead of a plugin;
- progress moves by a quarter's unit pages once it is built, as Zensical reports no page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE, THEME_DIR
from okrsite.site.builder.children import die_with_parent
from okrsite.site.builder.docs import DOCS
from okrsite.site.builder.engines import THEME, QuarterBuild
from okrsite.site.builder.overlay import write_theme as write_layers
from okrsite.site.builder.settings import SiteSettings

PROJECT_CONFIG = "zensical.yml"
SITE = "site"
MATERIAL_ONLY = frozenset({"partials/search.html"})
"""theme/ files made for Material alone: Material 9's search form (overridden there for its
dialog's name) would put a second, unstyled search box in Zensical's header, whose own search
is a button opening a dialog it names itself."""

PATCHES: tuple[tuple[str, str, str], ...] = (
    # site_name is escaped once by okrsite (Zensical's templates do not autoescape, and print it
    # raw elsewhere): through `| e` again, the logo's tooltip would read "R&amp;D".
    ("partials/header.html", "{{ config.site_name | e }}", "{{ config.site_name }}"),
    ("partials/nav.html", "{{ config.site_name | e }}", "{{ config.site_name }}"),
    # Without a site_url Zensical still writes a canonical link, from the server's root (/about/
    # for 2026-Q4/about/), naming a page that is not there; MkDocs writes none.
    ("base.html", "{% if page.canonical_url %}", "{% if page.canonical_url and config.site_url %}"),
)
"""Zensical's own templates, copied into the theme layer with one change each: (file, text,
replacement). A file the site overrides itself, or whose text this Zensical lacks, is left."""
_SANITISE_EXTENSION = "okrsite.site.builder.engines.zensical_markdown"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_WARNING = re.compile(r"^(?:warning|error):\s*(?P<text>.+)$", re.IGNORECASE)
_WHERE = re.compile(r"(?P<file>[^\s│|:]+\.md):(?P<line>\d+)(?::\d+)?")
_FAILURE = re.compile(r"RuntimeError: (?P<text>.+)$")
_IN_TEMPLATE = re.compile(r"\(in [^()]+\.html:\d+\)$")


def site_root(settings: SiteSettings, scratch: Path | None = None) -> str:
    """The link from a page at the docs folder's root to the folder of every quarter's site.

    Zensical reads every relative link from the Markdown file, a link leaving the docs folder
    too (MkDocs leaves that one as written), so it is the same for any use_directory_urls.
    """
    return "../"


def build(job: QuarterBuild, built_page: Callable[[], None]) -> Sequence[str]:
    """Build the quarter's docs folder as a Zensical project into its site_dir; Zensical's
    warnings. The project is the docs folder's parent, with theme/ and zensical.yml beside it."""
    project = job.folder
    write_theme(job.settings.theme_layers, job.theme)
    settings = project_config(
        job.config,
        site_name=job.site_name,
        nav=job.nav,
        site_url=job.site_url,
        okrsite=job.page_settings,
        sanitised=job.sanitised,
    )
    (project / PROJECT_CONFIG).write_text(project_yaml(settings), encoding="utf-8")
    messages = run_zensical(project, job.plan.quarter.id)
    job.site_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(project / SITE, job.site_dir)
    plan = job.plan
    for _ in range(sum(1 for p in plan.pages if p.startswith("units/") and p.endswith(".md"))):
        built_page()
    return messages


def project_config(
    config: Mapping[str, Any],
    *,
    site_name: str,
    nav: Sequence[Any],
    site_url: str | None,
    okrsite: Mapping[str, Any],
    sanitised: frozenset[str] | None,
) -> dict[str, Any]:
    """mkdocs.yml's settings with okrsite's applied, for a project folder holding docs/, theme/
    and site/: what MkDocs gets from okrsite, plus what Zensical needs to look and read the same."""
    theme = _settings(config, "theme", "name")
    theme["custom_dir"] = THEME
    # Zensical's own look ("modern") has other fonts, icons and colours, and its active nav link
    # fails WCAG contrast; "classic" is Material's, which theme/main.html styles.
    theme.setdefault("variant", "classic")
    extra = _settings(config, "extra")
    extra["okrsite"] = dict(okrsite)
    return {
        **config,
        "docs_dir": DOCS,
        "site_dir": SITE,
        "site_name": site_name,  # escaped once: Zensical prints it as it is
        "nav": nav,
        # Checked already; "" rather than None, which would mean "none given".
        "site_url": site_url or "",
        "theme": theme,
        "extra": extra,
        "markdown_extensions": markdown_extensions(config.get("markdown_extensions"), sanitised),
    }


class _ProjectWriter(yaml.SafeDumper):
    """YAML as mkdocs.yml holds it: plain values, and Python objects by name (`!!python/name:`,
    as Material's emoji settings name their functions), which Zensical's reader resolves."""


def _python_name(writer: yaml.SafeDumper, value: Any) -> yaml.Node:
    """A function or class as the tag that named it in mkdocs.yml."""
    return writer.represent_scalar(
        f"tag:yaml.org,2002:python/name:{value.__module__}.{value.__qualname__}", ""
    )


_ProjectWriter.add_multi_representer(type, _python_name)
_ProjectWriter.add_multi_representer(types.FunctionType, _python_name)
_ProjectWriter.add_multi_representer(types.BuiltinFunctionType, _python_name)
# The nav's section titles, escaped once already: written as the strings they are.
_ProjectWriter.add_representer(Markup, lambda writer, value: writer.represent_str(str(value)))


def project_yaml(settings: Mapping[str, Any]) -> str:
    """The project's configuration as Zensical reads it; a value YAML cannot hold is an error
    naming mkdocs.yml, where it came from."""
    try:
        return yaml.dump(
            dict(settings), Dumper=_ProjectWriter, allow_unicode=True, sort_keys=True, width=1000
        )
    except yaml.YAMLError as error:
        raise OkrsiteError(
            f"{CONFIG_FILE}: a setting Zensical cannot be given: {error}; write plain values, "
            "or Python objects by name (!!python/name:module.name)"
        ) from error


def markdown_extensions(value: Any, sanitised: frozenset[str] | None) -> list[Any]:
    """mkdocs.yml's Markdown extensions as a list, with what Zensical needs to render as MkDocs.

    Zensical adds SuperFences to every site, whose code blocks Pygments then colours in tones
    that fail WCAG contrast; without a highlight setting of the site's own, code stays plain as
    with MkDocs. The sanitising extension goes last, to clean what every other one wrote.
    """
    if value is None:
        entries: list[Any] = []
    elif isinstance(value, Mapping):
        entries = [{name: conf} for name, conf in value.items()]
    elif isinstance(value, list):
        entries = list(value)
    else:
        raise OkrsiteError(f"{CONFIG_FILE}: markdown_extensions must be a list or a mapping")
    names = {entry if isinstance(entry, str) else next(iter(entry), None) for entry in entries}
    if "pymdownx.highlight" not in names:
        entries.append({"pymdownx.highlight": {"use_pygments": False}})
    if sanitised is not None:
        entries.append({_SANITISE_EXTENSION: {"pages": sorted(sanitised)}})
    return entries


def _settings(config: Mapping[str, Any], key: str, shorthand: str | None = None) -> dict[str, Any]:
    """A section of mkdocs.yml as a mapping of its own: empty when absent, and `theme: material`
    read as MkDocs reads it, `{name: material}`."""
    value = config.get(key)
    if value is None:
        return {}
    if isinstance(value, str) and shorthand is not None:
        return {shorthand: value}
    if not isinstance(value, Mapping):
        raise OkrsiteError(f"{CONFIG_FILE}: {key} must be a mapping of settings")
    return dict(value)


def write_theme(layers: Sequence[Path], target: Path) -> None:
    """The theme layer Zensical reads: the site's theme layers but the Material-only files, then
    Zensical's templates that PATCHES mends."""
    write_layers(layers, target, leave_out=MATERIAL_ONLY)
    templates = require_zensical()
    for relative, text, replacement in PATCHES:
        ours, theirs = target / relative, templates / relative
        if ours.exists() or not theirs.is_file():
            continue  # the site overrides it itself, or this Zensical has no such file
        original = theirs.read_text(encoding="utf-8")
        if text in original:
            ours.parent.mkdir(parents=True, exist_ok=True)
            ours.write_text(original.replace(text, replacement), encoding="utf-8")


def require_zensical() -> Path:
    """The installed Zensical's own theme folder, or an error saying how to install it."""
    try:
        import zensical  # only a Zensical build needs it installed
    except ImportError as error:
        raise OkrsiteError(
            "the zensical engine needs Zensical installed: pip install zensical"
        ) from error
    return Path(zensical.__file__).resolve().parent / "templates"


def run_zensical(project: Path, quarter_id: str) -> list[str]:
    """Build project/ with `zensical build` in a child process; its warnings, one line each,
    or an OkrsiteError saying why it failed.

    A child process, not zensical.build() here: Zensical keeps its configuration in a global,
    writes to the terminal itself and fails with a bare RuntimeError; a process keeps all that
    apart and its diagnostics readable.
    """
    require_zensical()  # a missing Zensical is one clear line, not a child's traceback
    command = [sys.executable, "-m", "zensical", "build", "--clean"]
    command += ["--config-file", str(project / PROJECT_CONFIG)]
    environment = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    try:
        finished = subprocess.run(
            command,
            cwd=project,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )
    except OSError as error:
        raise OkrsiteError(f"cannot run Zensical to build {quarter_id}: {error}") from error
    output = _ANSI.sub("", finished.stderr.decode("utf-8", "replace"))
    output += _ANSI.sub("", finished.stdout.decode("utf-8", "replace"))
    if finished.returncode != 0:
        raise OkrsiteError(failure(output, quarter_id, finished.returncode))
    return diagnostics(output)


def diagnostics(output: str) -> list[str]:
    """Zensical's warnings, each as one line: its text, then the file and line it names.

    Zensical prints `Warning: <text>` and then a drawing of the source around the place, whose
    first line names `<file>.md:<line>:<column>`.
    """
    found: list[str] = []
    lines = output.splitlines()
    for number, line in enumerate(lines):
        matched = _WARNING.match(line.strip())
        if matched is None:
            continue
        text = matched["text"].strip()
        where = None
        for following in lines[number + 1 : number + 4]:
            if _WARNING.match(following.strip()):
                break
            if located := _WHERE.search(following):
                where = f"{located['file']}:{located['line']}"
                break
        found.append(f"{where}: {text}" if where else text)
    return found


def failure(output: str, quarter_id: str, code: int) -> str:
    """Why Zensical failed, in one line: an error in a template (Zensical names it, `(in
    main.html:10)`) is theme/'s; anything else, such as a Markdown extension that cannot be
    loaded, is Zensical's, in its own words."""
    for line in output.splitlines():
        if matched := _FAILURE.search(line):
            text = matched["text"].strip()
            if _IN_TEMPLATE.search(text):
                return f"{THEME_DIR}/: template error building {quarter_id}: {text}"
            return f"Zensical could not build {quarter_id}: {text}"
    last = [line.strip() for line in output.splitlines() if line.strip()]
    reason = "; ".join(last[-3:]) if last else f"it exited with status {code}"
    return f"Zensical could not build {quarter_id}: {reason}"
