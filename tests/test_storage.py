"""The file store: writes are whole or absent, readers never see a part, keys never leave the root, and
another implementation plugged in through ``STORAGE_BACKEND`` serves the same pages."""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from judging import storage as storage_module
from judging.storage import LocalStorage, Storage, StorageKeyError, adopt_legacy_folders, get_storage
from judging.submissions import services
from tests.factories import login, minimal_pdf
from tests.submissions.helpers import file_storage


class Failing(io.RawIOBase):
    """A stream that gives ``before`` bytes, then fails as a dropped upload would."""

    def __init__(self, before: int) -> None:
        self.left = before

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            raise ConnectionResetError("the client went away")
        count = min(len(buffer), self.left, 1000)
        buffer[:count] = b"x" * count
        self.left -= count
        return count


def every_file(root: Path) -> list[str]:
    """Every file under ``root``, temporary ones included."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


@pytest.fixture
def store(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "root")


def test_write_then_read_gives_the_bytes_back(store):
    size = store.write("decks/a.pdf", b"%PDF-1.7 one")

    assert size == 12
    assert store.read_bytes("decks/a.pdf") == b"%PDF-1.7 one"
    assert store.exists("decks/a.pdf") and store.size("decks/a.pdf") == 12
    with store.open("decks/a.pdf") as handle:
        assert handle.read() == b"%PDF-1.7 one"
    assert store.local_path("decks/a.pdf") == store.root / "decks" / "a.pdf"


def test_write_of_a_stream_copies_it_to_its_end(store):
    data = bytes(range(256)) * 10_000

    assert store.write("certificates/big.pdf", io.BytesIO(data)) == len(data)
    assert store.read_bytes("certificates/big.pdf") == data


def test_stream_failing_half_way_leaves_no_file_and_no_temporary(store):
    with pytest.raises(ConnectionResetError):
        store.write("decks/broken.pdf", io.BufferedReader(Failing(before=5000)))

    assert not store.exists("decks/broken.pdf")
    assert every_file(store.root) == []


def test_failed_overwrite_keeps_the_previous_content_whole(store):
    store.write("decks/a.pdf", b"first version")

    with pytest.raises(ConnectionResetError):
        store.write("decks/a.pdf", io.BufferedReader(Failing(before=3000)))

    assert store.read_bytes("decks/a.pdf") == b"first version"
    assert every_file(store.root) == ["decks/a.pdf"]


def test_reader_never_sees_a_file_being_written(store):
    store.write("decks/a.pdf", b"old " * 1000)
    opened_before = store.open("decks/a.pdf")

    with store.writer("decks/a.pdf") as out:
        out.write(b"new " * 500)
        out.flush()
        assert store.read_bytes("decks/a.pdf") == b"old " * 1000  # half written: still the old file
        assert list(store.keys("decks/")) == ["decks/a.pdf"]
        out.write(b"new " * 500)

    assert store.read_bytes("decks/a.pdf") == b"new " * 1000
    with opened_before:
        assert opened_before.read() == b"old " * 1000  # a reader that had it open keeps the whole old file


def test_new_key_appears_only_when_its_write_completes(store):
    with store.writer("certificate-builds/x.zip") as out:
        out.write(b"PK partial")
        assert not store.exists("certificate-builds/x.zip")
        assert list(store.keys()) == []

    assert store.read_bytes("certificate-builds/x.zip") == b"PK partial"


def test_exception_inside_writer_publishes_nothing(store):
    with pytest.raises(RuntimeError), store.writer("certificate-builds/x.zip") as out:
        out.write(b"PK partial")
        raise RuntimeError("rendering failed")

    assert every_file(store.root) == []


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../outside",
        "decks/../../outside",
        "decks/./a.pdf",
        "decks//a.pdf",
        "decks/",
        "decks\\a.pdf",
        "decks/a\x00.pdf",
        "decks/a\n.pdf",
        ".hidden",
        "decks/.a.pdf.1234.tmp",
        "a" * 1025,
    ],
)
def test_bad_keys_are_refused_by_every_operation(store, key):
    for operation in (store.exists, store.open, store.read_bytes, store.size, store.delete, store.local_path):
        with pytest.raises(StorageKeyError):
            operation(key)
    with pytest.raises(StorageKeyError):
        store.write(key, b"x")
    assert not store.root.exists() or every_file(store.root) == []


def test_keys_lists_by_prefix_in_order_without_temporary_files(store):
    for key in ("decks/b.pdf", "decks/a.pdf", "certificates/c.pdf", "certificate-assets/l.png", "top.txt"):
        store.write(key, b"x")
    (store.root / "decks" / ".a.pdf.abcd.tmp").write_bytes(b"half")

    assert list(store.keys("decks/")) == ["decks/a.pdf", "decks/b.pdf"]
    assert list(store.keys("certificate")) == ["certificate-assets/l.png", "certificates/c.pdf"]
    assert list(store.keys("decks/a")) == ["decks/a.pdf"]
    assert list(store.keys()) == [
        "certificate-assets/l.png",
        "certificates/c.pdf",
        "decks/a.pdf",
        "decks/b.pdf",
        "top.txt",
    ]
    assert list(store.keys("nothing/")) == []
    with pytest.raises(StorageKeyError):
        list(store.keys("../"))


def test_delete_removes_and_tolerates_a_missing_key(store):
    store.write("decks/a.pdf", b"x")

    store.delete("decks/a.pdf")
    store.delete("decks/a.pdf")

    assert not store.exists("decks/a.pdf")
    with pytest.raises(FileNotFoundError):
        store.read_bytes("decks/a.pdf")


def test_modified_is_the_time_of_the_last_write(store):
    before = datetime.now(UTC).replace(microsecond=0)
    store.write("decks/a.pdf", b"x")

    assert before <= store.modified("decks/a.pdf").replace(microsecond=0) <= datetime.now(UTC)


def test_application_store_is_the_upload_folder_unless_storage_root_is_set(app, monkeypatch, tmp_path):
    assert isinstance(get_storage(), Storage) and isinstance(MEMORY, Storage)
    assert get_storage().local_path("decks/a.pdf") == Path(app.config["UPLOAD_FOLDER"], "decks", "a.pdf")

    monkeypatch.setitem(app.config, "STORAGE_ROOT", str(tmp_path / "shared"))

    get_storage().write("decks/a.pdf", b"x")
    assert (tmp_path / "shared" / "decks" / "a.pdf").read_bytes() == b"x"


def test_legacy_instance_folders_move_under_the_root(tmp_path):
    instance, root = tmp_path / "instance", tmp_path / "instance" / "uploads"
    (instance / "certificate-assets").mkdir(parents=True)
    (instance / "certificate-assets" / "logo.png").write_bytes(b"png")
    (root / "certificates").mkdir(parents=True)
    (instance / "certificates").mkdir()
    (instance / "certificates" / "old.pdf").write_bytes(b"kept where it is")

    adopt_legacy_folders(instance, root)

    assert LocalStorage(root).read_bytes("certificate-assets/logo.png") == b"png"
    assert not (instance / "certificate-assets").exists()
    assert (instance / "certificates" / "old.pdf").exists()  # the root has one already: left alone


class MemoryStorage:
    """A store that keeps files in a dictionary and has no local paths, as an object store has none."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    @contextmanager
    def writer(self, key: str) -> Iterator[io.BytesIO]:
        LocalStorage("/").path(key)  # the same key rules
        buffer = io.BytesIO()
        yield buffer
        self.files[key] = buffer.getvalue()

    def write(self, key: str, data) -> int:
        with self.writer(key) as out:
            out.write(data if isinstance(data, bytes) else data.read())
        return len(self.files[key])

    def open(self, key: str) -> io.BytesIO:
        return io.BytesIO(self.read_bytes(key))

    def read_bytes(self, key: str) -> bytes:
        if key not in self.files:
            raise FileNotFoundError(key)
        return self.files[key]

    def exists(self, key: str) -> bool:
        return key in self.files

    def size(self, key: str) -> int:
        return len(self.read_bytes(key))

    def modified(self, key: str) -> datetime:
        self.read_bytes(key)
        return datetime.now(UTC)

    def delete(self, key: str) -> None:
        self.files.pop(key, None)

    def keys(self, prefix: str = "") -> Iterator[str]:
        return iter(sorted(key for key in self.files if key.startswith(prefix)))

    def local_path(self, key: str) -> None:
        return None


MEMORY = MemoryStorage()


def memory_backend(app) -> MemoryStorage:
    return MEMORY


def test_plugged_in_backend_stores_and_serves_a_deck(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "tests.test_storage:memory_backend")
    MEMORY.files.clear()

    services.attach_deck(world.submission_a, file_storage(), actor=world.entrant_a)
    response = login(client, world.organiser).get(f"/entries/{world.submission_a.id}/deck")

    assert [key.split("/")[0] for key in MEMORY.files] == ["decks"]
    assert response.status_code == 200
    assert response.data == minimal_pdf()
    assert not Path(app.config["UPLOAD_FOLDER"], "decks").exists()
    assert get_storage() is MEMORY


@pytest.mark.parametrize("backend", [None, "tests.test_storage:memory_backend"])
def test_send_stored_sends_a_large_file_without_reading_it_whole(app, monkeypatch, backend):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", backend)
    monkeypatch.setattr(storage_module, "IN_MEMORY_BYTES", 10)
    data = b"PK" + bytes(range(256)) * 100
    get_storage().write("certificate-builds/big.zip", data)

    with app.test_request_context():
        response = storage_module.send_stored("certificate-builds/big.zip", mimetype="application/zip")
        response.direct_passthrough = False
        try:
            assert response.get_data() == data
            assert response.content_length == len(data)
        finally:
            response.close()
    with app.test_request_context(), pytest.raises(FileNotFoundError):
        storage_module.send_stored("certificate-builds/missing.zip", mimetype="application/zip")


def test_stale_temporary_files_of_a_killed_writer_are_removed(store):
    store.write("decks/a.pdf", b"whole")
    stale = store.root / "decks" / ".b.pdf.dead1234.tmp"
    stale.write_bytes(b"half a file")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    fresh = store.root / "decks" / ".c.pdf.live5678.tmp"
    fresh.write_bytes(b"being written")

    assert store.remove_stale_temporaries(timedelta(hours=1)) == ["decks/.b.pdf.dead1234.tmp"]
    assert every_file(store.root) == ["decks/.c.pdf.live5678.tmp", "decks/a.pdf"]


def test_tick_command_clears_abandoned_temporary_files(app):
    get_storage().write("decks/a.pdf", b"whole")
    abandoned = Path(app.config["UPLOAD_FOLDER"], "decks", ".b.pdf.dead1234.tmp")
    abandoned.write_bytes(b"half a file")
    os.utime(abandoned, (1_000_000_000, 1_000_000_000))

    result = app.test_cli_runner().invoke(args=["tick"])

    assert result.exit_code == 0, result.output
    assert "1 abandoned temporary file(s) removed from the file store." in result.output
    assert not abandoned.exists() and get_storage().read_bytes("decks/a.pdf") == b"whole"


def test_concurrent_readers_see_only_whole_versions(store):
    versions = [bytes([n]) * 300_000 for n in range(5)]
    store.write("certificates/x.pdf", versions[0])
    reads, partial = [], []
    done = threading.Event()

    def read_until_done() -> None:
        while not done.is_set():
            data = store.read_bytes("certificates/x.pdf")
            reads.append(len(data))
            if data not in versions:
                partial.append(len(data))

    readers = [threading.Thread(target=read_until_done) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for round_ in range(40):
            store.write("certificates/x.pdf", io.BytesIO(versions[round_ % len(versions)]))
    finally:
        done.set()
        for reader in readers:
            reader.join()

    assert reads and partial == []
    assert every_file(store.root) == ["certificates/x.pdf"]
