"""The site okrsite ships (okrsite/site/defaults/: mkdocs.yml, theme/, help/) with a repository's
own mkdocs.yml, theme/ and content/ over it, each optional.

The rules (the Help page help/customising.md says them to users):
- mkdocs.yml: a mapping merges key by key, any other value (a list, a string) replaces ours;
  markdown_extensions and plugins merge by name: one of ours named again takes its settings
  merged over ours, a new one is added after ours, and `name: false` turns one of ours off,
  except the extensions the generated pages are written in (REQUIRED_EXTENSIONS): that is an
  error naming it.
- theme/ (or the folder theme.custom_dir names): its files are laid over ours, a file of the same
  path replacing ours; our blocks are in okrsite.html, so a main.html of theme/ can extend them.
- content/: its pages are added to the Help pages, a page of the same path replacing ours.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE, THEME_DIR

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
"""okrsite/site/defaults/: the package's mkdocs.yml, theme/ and help/."""
DEFAULT_CONFIG = DEFAULTS / CONFIG_FILE
DEFAULT_THEME = DEFAULTS / THEME_DIR
HELP = "help"
"""The Help pages' folder, in the package's defaults and in the site's docs folder alike."""
THEME_NAME = "material"
"""The theme okrsite's templates extend (Zensical draws Material's classic look from it too)."""

NAMED_LISTS = ("markdown_extensions", "plugins")
"""Settings whose entries merge by name, not as lists that replace ours."""
REQUIRED_EXTENSIONS: dict[str, str] = {
    "attr_list": "the anchors and classes written as {: #id } on headings and charts",
    "pymdownx.details": 'each chart\'s data, folded under ??? note "Chart data"',
    "tables": "every table of scores",
    "toc": "the headings' anchors and each page's table of contents",
}
"""The Markdown extensions the generated pages are written for, and what each one draws."""


def default_config() -> dict[str, Any]:
    """The package's mkdocs.yml, read afresh (callers may change what they get)."""
    loaded = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):  # the package's own file: a broken install
        raise OkrsiteError(f"{DEFAULT_CONFIG}: not a mapping of settings; reinstall okrsite")
    return loaded


def merged_config(theirs: Mapping[str, Any] | None) -> dict[str, Any]:
    """The package's mkdocs.yml with a repository's over it (None: it has none), checked: the
    theme is Material and every extension the pages need is on. theme.custom_dir is left out:
    it names the repository's theme layer (see theme_layers), not the build's."""
    ours = default_config()
    ours["theme"] = _theme(ours.get("theme"))
    if theirs is None:
        return ours
    given = dict(theirs)
    if "theme" in given:
        given["theme"] = _theme(given["theme"])
    merged: dict[str, Any] = _merge(ours, given)
    for key in NAMED_LISTS:
        merged[key] = _merge_named(key, ours.get(key), given.get(key))
    merged["theme"].pop("custom_dir", None)
    name = merged["theme"].get("name")
    if name != THEME_NAME:
        raise OkrsiteError(
            f"{CONFIG_FILE}: theme.name is {name!r}; okrsite's pages and theme are made for "
            f"{THEME_NAME}: write name: {THEME_NAME}, or leave theme.name out"
        )
    names = [_entry_name(key, entry) for key, entry in _entries("markdown_extensions", merged)]
    for extension, needed_for in REQUIRED_EXTENSIONS.items():
        if extension not in names:
            raise OkrsiteError(
                f"{CONFIG_FILE}: markdown_extensions: {extension} is turned off, but okrsite's "
                f"pages need it for {needed_for}; remove `{extension}: false`"
            )
    return merged


def theme_layers(project: Path, theirs: Mapping[str, Any] | None) -> tuple[Path, ...]:
    """The theme folders laid one over the other into the build's theme, the last winning: the
    package's, then the repository's theme.custom_dir if its mkdocs.yml names one, else its
    theme/ if it has one."""
    theme = _theme(theirs.get("theme")) if theirs is not None else {}
    value = theme.get("custom_dir")
    if value is None:
        own = project / THEME_DIR
        return (DEFAULT_THEME, own) if own.is_dir() else (DEFAULT_THEME,)
    if not isinstance(value, str) or not value:
        raise OkrsiteError(
            f"{CONFIG_FILE}: theme.custom_dir must be a folder's path, such as {THEME_DIR}"
        )
    folder = project / value
    if not folder.is_dir():
        raise OkrsiteError(
            f"{CONFIG_FILE}: theme.custom_dir is {value!r}, which is not a folder in {project}; "
            f"write the folder of the site's theme overrides, such as {THEME_DIR}"
        )
    return (DEFAULT_THEME, folder)


def write_theme(layers: Sequence[Path], target: Path, leave_out: Iterable[str] = ()) -> None:
    """One theme folder from layers, each file of a later layer replacing an earlier one's of the
    same path; leave_out: relative paths not copied from any layer."""
    skipped = frozenset(leave_out)
    target.mkdir(parents=True, exist_ok=True)
    for layer in layers:
        for path in sorted(p for p in layer.rglob("*") if p.is_file()):
            relative = path.relative_to(layer)
            if relative.as_posix() in skipped or "__pycache__" in relative.parts:
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)


def _theme(value: Any) -> dict[str, Any]:
    """mkdocs.yml's theme as a mapping: `theme: material` read as MkDocs reads it."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"name": value}
    if not isinstance(value, Mapping):
        raise OkrsiteError(f"{CONFIG_FILE}: theme must be a mapping of settings, or a name")
    return dict(value)


def _merge(ours: Any, theirs: Any) -> Any:
    """theirs over ours: mappings key by key, anything else replaced."""
    if isinstance(ours, Mapping) and isinstance(theirs, Mapping):
        merged = dict(ours)
        for key, value in theirs.items():
            merged[key] = _merge(ours[key], value) if key in ours else value
        return merged
    return theirs


def _entries(key: str, config: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A setting of named entries as (key, entry) pairs: a list of names and one-key mappings,
    or a mapping of names (as MkDocs also reads them)."""
    value = config.get(key)
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(key, {name: settings}) for name, settings in value.items()]
    if isinstance(value, list):
        return [(key, entry) for entry in value]
    raise OkrsiteError(f"{CONFIG_FILE}: {key} must be a list, such as - {_EXAMPLE[key]}")


_EXAMPLE = {"markdown_extensions": "admonition", "plugins": "search"}


def _entry_name(key: str, entry: Any) -> str:
    """The name of one entry of a named list: `name` or `name: settings`."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and len(entry) == 1:
        name = next(iter(entry))
        if isinstance(name, str):
            return name
    raise OkrsiteError(
        f"{CONFIG_FILE}: {key}: each entry is a name or `name: settings`, not {entry!r}"
    )


def _merge_named(key: str, ours: Any, theirs: Any) -> list[Any]:
    """A named list with theirs over ours: see the module's rules."""
    merged: dict[str, Any] = {}
    for _, entry in _entries(key, {key: ours}):
        name = _entry_name(key, entry)
        merged[name] = None if isinstance(entry, str) else entry[name]
    for _, entry in _entries(key, {key: theirs}):
        name = _entry_name(key, entry)
        settings = None if isinstance(entry, str) else entry[name]
        if settings is False:
            merged.pop(name, None)
        elif settings is None:
            merged.setdefault(name, None)  # named again, bare: ours as they are
        else:
            merged[name] = _merge(merged.get(name), settings)
    return [name if settings is None else {name: settings} for name, settings in merged.items()]
