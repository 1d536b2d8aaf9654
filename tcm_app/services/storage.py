"""Where uploaded files live (issue 21): a small interface, so that callers name a file by its key
and folder and never build a path, and one implementation over UPLOAD_FOLDER.

Production runs several nodes on one shared folder (mounted on each); an object store could take
its place later behind the same interface. Callers ask `storage()` for the current app's.

A key is one plain file name (`<random hex>.png`) and a folder one plain name ("chat",
"recordings") or none: a separator, `..`, an absolute path or a hidden name is refused, so no key
read from a row or a request can reach a file outside the folder. Writes are atomic: a reader
sees the whole file under its final name or nothing."""

import os
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

EXTENSION_KEY = "storage"


class InvalidKeyError(ValueError):
    """A key or folder that is not one plain name."""


class FileMissingError(FileNotFoundError):
    """No stored file under this key (a FileNotFoundError, as reading a missing path was)."""


class Storage(Protocol):
    def write(self, key: str, data: bytes, folder: str = "") -> None:
        """Store `data` whole under `key` (replacing a file of that key)."""

    def read(self, key: str, folder: str = "") -> bytes:
        """The stored bytes; FileMissingError when there are none."""

    def delete(self, key: str, folder: str = "") -> None:
        """Remove the file; nothing to do when it is already gone."""

    def exists(self, key: str, folder: str = "") -> bool: ...

    def local_path(self, key: str, folder: str = "") -> Path:
        """A real file on this machine, for what needs one (send_file, an OCR program)."""

    def open_for_stream(self, key: str, folder: str = "") -> BinaryIO:
        """The file opened to append to, created if new (a recording written piece by piece)."""


def checked_name(name: str, what: str) -> str:
    """`name` when it is one plain file or folder name; InvalidKeyError otherwise."""
    if (
        not isinstance(name, str)
        or not name
        or name in {".", ".."}
        or name.startswith(".")  # hidden: the temporary names of writes in progress
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or os.path.isabs(name)
    ):
        raise InvalidKeyError(f"the storage {what} {name!r} is not one plain name")
    return name


class FileSystemStorage:
    """Files under one folder (UPLOAD_FOLDER): `<root>/<folder>/<key>`."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str, folder: str = "") -> Path:
        key = checked_name(key, "key")
        if folder:
            return self.root / checked_name(folder, "folder") / key
        return self.root / key

    def write(self, key: str, data: bytes, folder: str = "") -> None:
        """Write a hidden temporary file, flush it to disk, then rename it to its name: the rename
        is atomic on one file system (the shared folder too), so no reader sees half a file."""
        final = self.path(key, folder)
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(f".{key}.{uuid.uuid4().hex}.part")
        try:
            with temp.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def read(self, key: str, folder: str = "") -> bytes:
        try:
            return self.path(key, folder).read_bytes()
        except FileNotFoundError:
            where = f"{folder}/{key}" if folder else key
            raise FileMissingError(f"no stored file {where!r}") from None

    def delete(self, key: str, folder: str = "") -> None:
        self.path(key, folder).unlink(missing_ok=True)

    def exists(self, key: str, folder: str = "") -> bool:
        return self.path(key, folder).is_file()

    def local_path(self, key: str, folder: str = "") -> Path:
        return self.path(key, folder)

    def open_for_stream(self, key: str, folder: str = "") -> BinaryIO:
        path = self.path(key, folder)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("ab")


def init_storage(app) -> None:
    app.extensions[EXTENSION_KEY] = FileSystemStorage(app.config["UPLOAD_FOLDER"])


def storage() -> Storage:
    """The current app's storage."""
    return current_app.extensions[EXTENSION_KEY]
