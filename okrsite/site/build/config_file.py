"""mkdocs.yml as its author wrote it (INHERIT and !ENV resolved), read before any engine checks it,
and okrsite's own settings in it: `extra.okrsite`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils.yaml import get_yaml_loader, yaml_load

from okrsite.model.errors import OkrsiteError
from okrsite.model.layout import CONFIG_FILE


def read_config(root: Path) -> dict[str, Any] | None:
    """root's mkdocs.yml as a plain mapping, unchecked; None when there is no such file."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return None  # loading the configuration for the build reports it
    # MkDocs' own reader, so INHERIT and !ENV mean what they mean to `mkdocs build`.
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(path)))
    try:
        with path.open("rb") as stream:
            config = yaml_load(stream, loader)
    except MkDocsException as error:
        raise OkrsiteError(f"{CONFIG_FILE}: {error}") from error
    except (OSError, ValueError) as error:
        raise OkrsiteError(f"{CONFIG_FILE}: cannot load: {error}") from error
    if not isinstance(config, dict):
        raise OkrsiteError(f"{CONFIG_FILE}: must be a mapping of settings, such as site_name: OKRs")
    return config


def okrsite_settings(config: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """`extra.okrsite` of a configuration: okrsite's settings, empty when it has none."""
    extra = config.get("extra") if config is not None else None
    # MkDocs hands `extra` over as a mapping of its own (a UserDict), not a dict.
    settings = extra.get("okrsite") if isinstance(extra, Mapping) else None
    return settings if isinstance(settings, Mapping) else {}
