"""The upload storage (tcm_app/services/storage.py): what is written is read back whole, a reader
never sees half a file, a missing file is a clear error, and no key or folder reaches outside the
storage's own folder."""

import threading
from pathlib import Path

import pytest

from tcm_app.services import storage as storage_module
from tcm_app.services.storage import (
    FileMissingError,
    FileSystemStorage,
    InvalidKeyError,
    storage,
)


@pytest.fixture
def files(tmp_path):
    return FileSystemStorage(tmp_path / "uploads")


def names_under(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize("folder", ["", "chat"], ids=["top-folder", "a-named-folder"])
def test_what_is_written_is_read_back(files, folder):
    files.write("a.png", b"\x89PNG one", folder)
    assert files.read("a.png", folder) == b"\x89PNG one"
    assert files.exists("a.png", folder)
    assert not files.exists("a.png", "other" if folder else "chat")


def test_the_stored_file_is_whole_under_its_final_name_only(files):
    files.write("k.png", b"\x89PNG data", "chat")
    assert files.local_path("k.png", "chat") == files.root / "chat" / "k.png"
    assert names_under(files.root) == ["k.png"]  # no temporary file left behind


def test_a_write_that_fails_midway_leaves_neither_a_part_nor_a_changed_file(files, monkeypatch):
    files.write("k.png", b"first version")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module.os, "fsync", disk_full)
    with pytest.raises(OSError):
        files.write("k.png", b"second version, never whole")
    with pytest.raises(OSError):  # nor is a new key created
        files.write("new.png", b"never whole")
    assert files.read("k.png") == b"first version"
    assert names_under(files.root) == ["k.png"]


def test_a_reader_never_sees_a_partly_written_file(files):
    """One thread rewrites the file again and again with whole versions of 1 MB; another reads
    it meanwhile: every read is one whole version."""
    versions = [bytes([n]) * (1024 * 1024) for n in range(1, 4)]
    files.write("big.bin", versions[0])
    seen, stop = [], threading.Event()

    def read_meanwhile():
        while not stop.is_set():
            seen.append(files.read("big.bin"))

    reader = threading.Thread(target=read_meanwhile)
    reader.start()
    try:
        for round_ in range(20):
            files.write("big.bin", versions[round_ % len(versions)])
    finally:
        stop.set()
        reader.join()
    assert seen and all(data in versions for data in seen)


def test_reading_a_missing_file_names_it(files):
    with pytest.raises(FileMissingError, match=r"no stored file 'chat/gone\.png'"):
        files.read("gone.png", "chat")
    assert issubclass(FileMissingError, FileNotFoundError)  # what callers caught before


def test_deleting_is_done_once_and_quietly_after(files):
    files.write("k.png", b"x")
    files.delete("k.png")
    files.delete("k.png")
    assert not files.exists("k.png")


def test_a_stream_appends_piece_by_piece(files):
    for piece in (b"\x1a\x45\xdf\xa3", b"more", b"end"):
        with files.open_for_stream("r.webm", "recordings") as handle:
            handle.write(piece)
    assert files.read("r.webm", "recordings") == b"\x1a\x45\xdf\xa3moreend"


ESCAPES = [
    pytest.param("..", id="parent"),
    pytest.param("../outside.png", id="parent-then-name"),
    pytest.param("/etc/passwd", id="absolute"),
    pytest.param("chat/k.png", id="a-separator"),
    pytest.param("..\\outside.png", id="a-backslash"),
    pytest.param(".", id="the-folder-itself"),
    pytest.param(".k.png.part", id="hidden-like-a-write-in-progress"),
    pytest.param("k\x00.png", id="a-nul"),
    pytest.param("", id="empty"),
]
OPERATIONS = {
    "write": lambda files, key, folder: files.write(key, b"x", folder),
    "read": lambda files, key, folder: files.read(key, folder),
    "delete": lambda files, key, folder: files.delete(key, folder),
    "exists": lambda files, key, folder: files.exists(key, folder),
    "local_path": lambda files, key, folder: files.local_path(key, folder),
    "open_for_stream": lambda files, key, folder: files.open_for_stream(key, folder),
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("key", ESCAPES)
def test_a_key_that_is_not_one_plain_name_is_refused(files, tmp_path, operation, key):
    with pytest.raises(InvalidKeyError):
        OPERATIONS[operation](files, key, "")
    assert names_under(tmp_path) == []


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("folder", [p for p in ESCAPES if p.id != "empty"])
def test_a_folder_that_is_not_one_plain_name_is_refused(files, tmp_path, operation, folder):
    with pytest.raises(InvalidKeyError):
        OPERATIONS[operation](files, "k.png", folder)
    assert names_under(tmp_path) == []


def test_the_app_stores_under_its_upload_folder(app):
    storage().write("k.png", b"x", "chat")
    assert (Path(app.config["UPLOAD_FOLDER"]) / "chat" / "k.png").read_bytes() == b"x"
