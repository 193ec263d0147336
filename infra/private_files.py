"""Files only the service's user may read: the data directory (0700), the key files and the
embedded SQLite database (0600). SQLite creates its WAL and shared-memory files with the
permissions of the database file, so creating that file 0600 covers them too."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class LooseFile(Exception):
    """Raised when a secret file may be read by other users than the service's."""


def private_dir(path: Path) -> Path:
    """Create the directory 0700 (with its parents). One that exists is left as it is: it may
    be the operator's, holding other things; the files we keep in it are 0600 anyway."""
    if not path.exists():
        path.mkdir(mode=PRIVATE_DIR, parents=True)
        path.chmod(PRIVATE_DIR)  # whatever the umask
    return path


def tighten(path: Path, mode: int) -> None:
    """chmod a file of ours to `mode` when it is looser (a store created before this rule);
    someone else's file is left alone (the operator chose its permissions)."""
    with contextlib.suppress(FileNotFoundError):
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & ~mode:
            path.chmod(mode)


def private_sqlite(database: Path) -> None:
    """The database file (and any WAL, shared-memory or journal file beside it) 0600."""
    private_dir(database.parent)
    descriptor = os.open(database, os.O_CREAT | os.O_RDWR, PRIVATE_FILE)
    os.close(descriptor)
    for suffix in SQLITE_COMPANIONS:
        tighten(database.with_name(database.name + suffix), PRIVATE_FILE)


def create_exclusively(path: Path, content: bytes) -> bool:
    """Write `content` to a new file of mode 0600, complete or not at all; False when the file
    exists already (another process won the race: its content stands)."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(staging, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(staging, path)
    except FileExistsError:
        return False
    finally:
        staging.unlink(missing_ok=True)
    return True


def read_private(path: Path) -> bytes:
    """A secret file's content; refused, like a database server refuses its key file, when
    other users may read it."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        msg = f"{path} may be read by other users (mode {mode:04o}); run: chmod 600 {path}"
        raise LooseFile(msg)
    return path.read_bytes()
