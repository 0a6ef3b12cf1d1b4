"""Paths a pull request controls: nothing outside the repository is read, nothing blocks.

A symbolic link out of the repository, a special file (FIFO, socket, device), a name that is not
UTF-8 or a folder okrsite cannot list is a located error in `okrsite check`, and `okrsite build`
refuses it before writing anything. Each test here failed before these fixes, but the two that
keep links inside the repository working.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner, Result

from okrsite.cli import main
from okrsite.load.repository import load
from okrsite.load.text import read_text
from okrsite.model.problems import CODES
from tests.conftest import MINIMAL, PAYMENTS_CSV, WriteRepo

NOV_10 = "1794268800"  # SOURCE_DATE_EPOCH of 2026-11-10: no KR of MINIMAL is stale yet
MKDOCS_YML = "site_name: x\ntheme: {name: material}\n"
THEMED_YML = "site_name: x\ntheme: {name: material, custom_dir: theme}\n"
OUT = "outside the repository; okrsite reads only files inside it: replace the link with the file"
WARNING = "okrs/2026-Q4/payments.csv:3:1: OKR212 "  # MINIMAL on 2026-11-10: a row dated later


class Hung(BaseException):
    """Raised by the alarm: a BaseException, so CliRunner does not swallow it as an exit 1."""


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail a test that blocks (opening a FIFO waits for a writer forever) instead of hanging."""

    def alarm(_signal: int, _frame: FrameType | None) -> None:
        raise Hung("blocked for 30 s: something opened a FIFO or a device")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *args], env={"SOURCE_DATE_EPOCH": NOV_10})


def repo(write_repo: WriteRepo, config: str = MKDOCS_YML) -> Path:
    return write_repo({**MINIMAL, "mkdocs.yml": config})


def link(root: Path, relative: str, target: str) -> None:
    """A symbolic link at root/relative whose text is target, as `git checkout` writes one."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


def fifo(root: Path, relative: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.mkfifo(path)


def outside(root: Path, name: str, text: str) -> str:
    """A file beside the repository, out of it, holding text; its absolute path."""
    path = root.parent / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def bytes_name(root: Path, relative: bytes) -> None:
    """A file whose name is the given bytes (not UTF-8), made through the bytes API."""
    os.makedirs(os.path.dirname(os.fsencode(root) + b"/" + relative), exist_ok=True)
    fd = os.open(os.fsencode(root) + b"/" + relative, os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(fd, b"# hello\n")
    os.close(fd)


SECRET = "SECRET_TOKEN: hunter2\nobjectives: []\n"


def outside_name(root: Path, name: str) -> str:
    """A file beside the repository; its name, for a relative link to it."""
    outside(root, name, SECRET)
    return name


def outside_folder(root: Path, name: str) -> str:
    """A quarter-like folder beside the repository; its name, for a relative link to it."""
    (root.parent / name).mkdir()
    outside(root, f"{name}/payments.yaml", SECRET)
    return name


def git_config_link(root: Path) -> None:
    """What actions/checkout leaves in .git/config: the job's token, by default."""
    (root / ".git").mkdir()
    (root / ".git/config").write_text("[http]\n\textraheader = AUTHORIZATION: basic x\n")
    link(root, "content/config.md", "../.git/config")


def fifo_link(root: Path) -> None:
    fifo(root, "pipe")
    link(root, "content/pipe.md", "../pipe")


def org_folder(root: Path) -> None:
    (root / "okrs/org.yaml").unlink()
    (root / "okrs/org.yaml").mkdir()


Setup = Callable[[Path], None]


def _socket(root: Path) -> None:
    (root / "content").mkdir()
    here = Path.cwd()
    os.chdir(root)  # a socket's path is at most 108 bytes: bind a short relative one
    try:
        server = socket.socket(socket.AF_UNIX)
        server.bind("content/chat.sock")
        server.close()
    finally:
        os.chdir(here)


CASES: list[tuple[str, Setup, str]] = [
    (
        "environment-as-content",
        lambda root: link(root, "content/env.md", "/proc/self/environ"),
        f"content/env.md: OKR050 is a symbolic link to '/proc/self/environ', {OUT}",
    ),
    (
        "passwd-as-content",
        lambda root: link(root, "content/passwd.md", "/etc/passwd"),
        f"content/passwd.md: OKR050 is a symbolic link to '/etc/passwd', {OUT}",
    ),
    (
        "relative-link-out",
        lambda root: link(root, "content/notes.md", "../../" + outside_name(root, "notes.md")),
        f"content/notes.md: OKR050 is a symbolic link to '../../notes.md', {OUT}",
    ),
    (
        "hidden-content",
        lambda root: link(root, "content/.env", "/proc/self/environ"),
        f"content/.env: OKR050 is a symbolic link to '/proc/self/environ', {OUT}",
    ),
    (
        "folder-link-out",
        lambda root: link(root, "content/etc", "/etc"),
        f"content/etc: OKR050 is a symbolic link to '/etc', {OUT}",
    ),
    (
        "theme-template",
        lambda root: link(root, "theme/main.html", "/etc/passwd"),
        f"theme/main.html: OKR050 is a symbolic link to '/etc/passwd', {OUT}",
    ),
    (
        "hidden-theme-template",
        lambda root: link(root, "theme/partials/.x.html", "/etc/passwd"),
        f"theme/partials/.x.html: OKR050 is a symbolic link to '/etc/passwd', {OUT}",
    ),
    (
        "mkdocs-yml",
        lambda root: link(root, "mkdocs.yml", outside(root, "mkdocs.yml", MKDOCS_YML)),
        "mkdocs.yml: OKR050 is a symbolic link to '{parent}/mkdocs.yml', " + OUT,
    ),
    (
        "unit-yaml",
        lambda root: link(root, "okrs/2026-Q4/payments.yaml", outside(root, "x.yaml", SECRET)),
        "okrs/2026-Q4/payments.yaml: OKR050 is a symbolic link to '{parent}/x.yaml', " + OUT,
    ),
    (
        "org-yaml",
        lambda root: link(root, "okrs/org.yaml", outside(root, "org.yaml", SECRET)),
        "okrs/org.yaml: OKR050 is a symbolic link to '{parent}/org.yaml', " + OUT,
    ),
    (
        "quarter-folder",
        lambda root: link(root, "okrs/2026-Q3", "../../" + outside_folder(root, "q3")),
        f"okrs/2026-Q3: OKR050 is a symbolic link to '../../q3', {OUT}",
    ),
    (
        "checkins-to-dev-zero",
        lambda root: link(root, "okrs/2026-Q4/payments.csv", "/dev/zero"),
        f"okrs/2026-Q4/payments.csv: OKR050 is a symbolic link to '/dev/zero', {OUT}",
    ),
    (
        "git-config",
        git_config_link,
        "content/config.md: OKR051 is a symbolic link to '../.git/config', inside the hidden "
        "'.git', which okrsite never reads (hidden folders such as .git hold credentials): "
        "replace the link with the file",
    ),
    (
        "dangling-checkins",
        lambda root: link(root, "okrs/2026-Q4/payments.csv", "checkins.csv"),
        "okrs/2026-Q4/payments.csv: OKR052 is a symbolic link to 'checkins.csv', which does "
        "not exist: replace the link with the file, or remove it",
    ),
    (
        "looping-checkins",
        lambda root: link(root, "okrs/2026-Q4/payments.csv", "payments.csv"),
        "okrs/2026-Q4/payments.csv: OKR052 is a symbolic link to 'payments.csv', which loops "
        "back to itself: replace the link with the file, or remove it",
    ),
    (
        "fifo-checkins",
        lambda root: fifo(root, "okrs/2026-Q4/payments.csv"),
        "okrs/2026-Q4/payments.csv: OKR053 is a named pipe (FIFO), not a regular file or "
        "folder; okrsite reads only regular files and folders: remove it",
    ),
    (
        "fifo-unit-yaml",
        lambda root: fifo(root, "okrs/2026-Q4/payments.yaml"),
        "okrs/2026-Q4/payments.yaml: OKR053 is a named pipe (FIFO), not a regular file or "
        "folder; okrsite reads only regular files and folders: remove it",
    ),
    (
        "fifo-quarter-yaml",
        lambda root: fifo(root, "okrs/2026-Q4/quarter.yaml"),
        "okrs/2026-Q4/quarter.yaml: OKR053 is a named pipe (FIFO), not a regular file or "
        "folder; okrsite reads only regular files and folders: remove it",
    ),
    (
        "link-to-fifo-in-content",
        fifo_link,
        "content/pipe.md: OKR053 is a symbolic link to '../pipe', a named pipe (FIFO), not a "
        "regular file or folder; okrsite reads only regular files and folders: replace the link "
        "with the file",
    ),
    (
        "socket-in-content",
        _socket,
        "content/chat.sock: OKR053 is a socket, not a regular file or folder; okrsite reads only "
        "regular files and folders: remove it",
    ),
    (
        "quarter-yaml-folder",
        lambda root: (root / "okrs/2026-Q4/quarter.yaml").mkdir(),
        "okrs/2026-Q4/quarter.yaml: OKR023 'quarter.yaml' is a folder, not a file; it holds the "
        "quarter's dates and status: replace the folder with the file, or remove it",
    ),
    (
        "org-yaml-folder",
        org_folder,
        "okrs/org.yaml: OKR020 is a folder, not a file; okrs/org.yaml holds the organisation: "
        "replace the folder with the file",
    ),
    (
        "non-utf8-name-in-okrs",
        lambda root: bytes_name(root, b"okrs/2026-Q4/notes\xff.txt"),
        "okrs/2026-Q4/notes\\xff.txt: OKR054 the name is not UTF-8 (byte 0xff), so it cannot be "
        "checked out everywhere or published: rename it in UTF-8",
    ),
    (
        "non-utf8-name-in-content",
        lambda root: bytes_name(root, b"content/caf\xe9.md"),
        "content/caf\\xe9.md: OKR054 the name is not UTF-8 (byte 0xe9), so it cannot be "
        "checked out everywhere or published: rename it in UTF-8",
    ),
]


@pytest.mark.parametrize(("setup", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_check_reports_a_located_error(write_repo: WriteRepo, setup: Setup, line: str) -> None:
    root = repo(write_repo)
    setup(root)
    result = run(root, "check")
    assert result.exit_code == 1, result.output
    assert line.format(parent=root.parent) in result.stdout.splitlines()
    # Nothing from outside was read: not the environment, not a secret's field name.
    assert "PATH=" not in result.output
    assert "SECRET_TOKEN" not in result.output and "hunter2" not in result.output
    assert "root:" not in result.output


def test_a_fifo_unit_file_reports_no_orphan_checkins(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    fifo(root, "okrs/2026-Q4/payments.yaml")
    codes = [p.code for p in load(root).problems]
    assert codes == ["OKR053"]  # not OKR030 for payments.csv: its YAML exists, unreadable


def test_every_new_code_is_an_error_in_the_table() -> None:
    for code in ("OKR050", "OKR051", "OKR052", "OKR053", "OKR054"):
        assert CODES[code].severity == "error"


def test_a_non_utf8_name_is_located_by_a_printable_utf8_path(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    bytes_name(root, b"okrs/2026-Q4/notes\xff\x1b.txt")
    paths = [p.location.path for p in load(root).problems]
    assert paths == ["okrs/2026-Q4/notes\\xff\\x1b.txt"]
    assert all(path.isprintable() and path.encode("utf-8") for path in paths)


def test_an_unreadable_quarter_folder_is_a_located_error(
    write_repo: WriteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(write_repo)
    folder = root / "okrs/2026-Q4"
    folder.chmod(0)
    if os.geteuid() == 0:
        # Root reads every folder whatever its mode: show okrsite what anyone else would see.
        denied = os.fspath(folder)
        real_scandir, real_listdir = os.scandir, os.listdir

        def guard(path: Any) -> None:
            if os.fspath(path) == denied:
                raise PermissionError(13, "Permission denied", denied)

        def scandir(path: Any = ".") -> Any:
            guard(path)
            return real_scandir(path)

        def listdir(path: Any = ".") -> Any:
            guard(path)
            return real_listdir(path)

        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr(os, "listdir", listdir)
    try:
        result = run(root, "check")
        built = run(root, "build", "--out", "site")
    finally:
        folder.chmod(0o755)
    line = (
        "okrs/2026-Q4: OKR001 cannot be read: Permission denied; make it readable by the user "
        "running okrsite"
    )
    assert result.exit_code == 1, result.output
    assert line in result.stdout.splitlines()
    assert built.exit_code == 2, built.output
    assert f"okrsite: error: {line}" in built.output
    assert not (root / "site").exists()


# --- read_text, the one place a data file is opened, refuses what is not a regular file in the
# repository, whoever calls it.


def test_read_text_refuses_a_fifo_without_blocking(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    fifo(root, "okrs/2026-Q4/payments.csv")
    text, problems = read_text(root, "okrs/2026-Q4/payments.csv")
    assert text is None
    assert [p.code for p in problems] == ["OKR053"]


def test_read_text_refuses_a_link_out_of_the_repository(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    link(root, "okrs/2026-Q4/payments.csv", outside(root, "x.csv", PAYMENTS_CSV))
    text, problems = read_text(root, "okrs/2026-Q4/payments.csv")
    assert text is None
    assert [p.code for p in problems] == ["OKR050"]


def test_read_text_refuses_a_file_under_a_folder_link_out(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    (root.parent / "q").mkdir()
    outside(root, "q/payments.csv", PAYMENTS_CSV)
    link(root, "okrs/2026-Q1", "../../q")
    text, problems = read_text(root, "okrs/2026-Q1/payments.csv")
    assert text is None
    assert [(p.location.path, p.code) for p in problems] == [("okrs/2026-Q1", "OKR050")]


def test_read_text_refuses_a_device(write_repo: WriteRepo) -> None:
    root = repo(write_repo)
    link(root, "okrs/2026-Q4/payments.csv", "/dev/zero")
    text, problems = read_text(root, "okrs/2026-Q4/payments.csv")
    assert text is None
    assert [p.code for p in problems] == ["OKR050"]


# --- The build refuses, exit 2, naming the file, and writes nothing.

BUILD_CASES: list[tuple[str, Setup, str, str]] = [
    (
        "environment-as-content",
        lambda root: link(root, "content/env.md", "/proc/self/environ"),
        "content/env.md: OKR050 ",
        MKDOCS_YML,
    ),
    (
        "theme-template",
        lambda root: link(root, "theme/main.html", "/etc/passwd"),
        "theme/main.html: OKR050 ",
        THEMED_YML,
    ),
    (
        "unit-yaml",
        lambda root: link(root, "okrs/2026-Q4/payments.yaml", outside(root, "x.yaml", SECRET)),
        "okrs/2026-Q4/payments.yaml: OKR050 ",
        MKDOCS_YML,
    ),
    (
        "mkdocs-yml",
        lambda root: link(root, "mkdocs.yml", outside(root, "mkdocs.yml", MKDOCS_YML)),
        "mkdocs.yml: OKR050 ",
        MKDOCS_YML,
    ),
    (
        "fifo-unit-yaml",
        lambda root: fifo(root, "okrs/2026-Q4/payments.yaml"),
        "okrs/2026-Q4/payments.yaml: OKR053 ",
        MKDOCS_YML,
    ),
    (
        "non-utf8-name-in-okrs",
        lambda root: bytes_name(root, b"okrs/2026-Q4/notes\xff.txt"),
        "okrs/2026-Q4/notes\\xff.txt: OKR054 ",
        MKDOCS_YML,
    ),
]


@pytest.mark.parametrize(
    ("setup", "located", "config"), [c[1:] for c in BUILD_CASES], ids=[c[0] for c in BUILD_CASES]
)
def test_build_refuses_and_writes_nothing(
    write_repo: WriteRepo, setup: Setup, located: str, config: str
) -> None:
    root = repo(write_repo, config)
    setup(root)
    result = run(root, "build", "--out", "site")
    assert result.exit_code == 2, result.output
    assert f"okrsite: error: {located}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (root / "site").exists()
    assert "PATH=" not in result.output and "root:" not in result.output


# --- Links inside the repository are fine.


def inside_links(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "docs/page.md").write_text("# Shared page\n\nWritten once, linked twice.\n")
    (root / "data").mkdir()
    (root / "data/payments.csv").write_text(PAYMENTS_CSV)
    (root / "content/.well-known").mkdir(parents=True)
    link(root, "content/alias.md", "../docs/page.md")
    link(root, "content/shared", "../docs")  # a folder inside the repository
    link(root, "content/loop", ".")  # a folder loop: must not be walked forever
    link(root, "content/up", "..")  # the repository itself
    link(root, "okrs/2026-Q4/payments.csv", "../../data/payments.csv")
    link(root, "theme/partials/note.html", "../../docs/page.md")


def test_links_inside_the_repository_pass_the_check(write_repo: WriteRepo) -> None:
    root = repo(write_repo, THEMED_YML)
    inside_links(root)
    result = run(root, "check")
    assert result.exit_code == 0, result.output
    assert [line for line in result.stdout.splitlines() if not line.startswith(WARNING)] == []
    loaded = load(root)
    assert loaded.problems == ()
    payments = loaded.repository.quarters[0].plans[-1]
    assert sum(len(kr.checkins) for o in payments.objectives for kr in o.key_results) == 3


@pytest.mark.slow
def test_links_inside_the_repository_build(write_repo: WriteRepo) -> None:
    root = repo(write_repo, THEMED_YML)
    inside_links(root)
    result = run(root, "build", "--out", "site")
    assert result.exit_code == 0, result.output
    page = (root / "site/2026-Q4/alias/index.html").read_text(encoding="utf-8")
    assert "Written once, linked twice." in page


def test_fifos_in_content_and_theme_are_refused_without_blocking(write_repo: WriteRepo) -> None:
    """A FIFO with no writer blocks open() forever: lstat decides first, and nothing opens it."""
    root = repo(write_repo)
    fifo(root, "content/pipe.md")
    fifo(root, "theme/main.html")
    found = [(p.location.path, p.code) for p in load(root).problems]
    assert found == [("content/pipe.md", "OKR053"), ("theme/main.html", "OKR053")]
