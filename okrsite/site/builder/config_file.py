"""mkdocs.yml as its author wrote it (INHERIT and !ENV resolved), read before any engine checks it,
and okrsite's own settings in it: `extra.okrsite`."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE


@dataclass(frozen=True)
class ConfigFile:
    """mkdocs.yml read once: its bytes (for the build's fingerprint) and its settings."""

    data: bytes
    settings: dict[str, Any]


def read_config(root: Path) -> dict[str, Any] | None:
    """root's mkdocs.yml as a plain mapping, unchecked; None when there is no such file."""
    found = read_config_file(root)
    return None if found is None else found.settings


def read_config_file(root: Path) -> ConfigFile | None:
    """root's mkdocs.yml, its bytes and its settings; None when there is no such file."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return None  # loading the configuration for the build reports it
    # MkDocs' own reader, so INHERIT and !ENV mean what they mean to `mkdocs build`.
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(path)))
    try:
        data = path.read_bytes()
        stream = io.BytesIO(data)
        stream.name = str(path)  # where INHERIT's path is read from, as from an open file
        config = yaml_load(stream, loader)
    except MkDocsException as error:
        raise OkrsiteError(f"{CONFIG_FILE}: {error}") from error
    except (OSError, ValueError) as error:
        raise OkrsiteError(f"{CONFIG_FILE}: cannot load: {error}") from error
    if config is None:
        config = {}  # only comments: no settings of its own, the package's apply
    if not isinstance(config, dict):
        raise OkrsiteError(f"{CONFIG_FILE}: must be a mapping of settings, such as site_name: OKRs")
    return ConfigFile(data, config)


def okrsite_settings(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """`extra.okrsite` of a configuration: okrsite's settings, empty when it has none."""
    extra = config.get("extra") if config is not None else None
    # MkDocs hands `extra` over as a mapping of its own (a UserDict), not a dict.
    settings = extra.get("okrsite") if isinstance(extra, Mapping) else None
    return settings if isinstance(settings, Mapping) else {}
