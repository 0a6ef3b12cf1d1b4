"""Paths a unit's YAML names, for the JSON and command sources: inside the repository only."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from okrsite.collect.readings import MESSAGE_LIMIT, SourceError
from okrsite.model.problems import one_line

PATH_LIMIT = 80  # characters of a path quoted in a message


def in_repository(root: Path, relative: str) -> Path:
    """The resolved path of a file or folder relative to root, or SourceError if it is absolute,
    missing, or leaves the repository through .. or a symbolic link."""
    shown = one_line(relative, PATH_LIMIT)
    if not relative or PurePosixPath(relative).is_absolute() or Path(relative).is_absolute():
        raise SourceError(f"'{shown}' must be a path relative to the repository's root")
    top = root.resolve()
    if not Path(os.path.normpath(top / relative)).is_relative_to(top):
        raise SourceError(f"{shown} is outside the repository")
    try:
        resolved = (top / relative).resolve(strict=True)
    except FileNotFoundError:
        raise SourceError(f"{shown} does not exist in the repository") from None
    except (OSError, RuntimeError) as error:  # a symbolic link loop
        raise SourceError(
            f"could not follow {shown}: {one_line(str(error), MESSAGE_LIMIT)}"
        ) from None
    except ValueError:  # a NUL byte
        raise SourceError(f"'{shown}' is not a valid path") from None
    if not resolved.is_relative_to(top):
        raise SourceError(f"{shown} is a symbolic link to outside the repository")
    return resolved
