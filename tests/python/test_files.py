"""Files: upload, info, read, list, their refusals, and where they live."""

import array
import hashlib
from pathlib import Path

import pytest

import switchboard
from sbtest import add_user, new_org, open_db


def test_upload_and_read_round_trip(db, org, db_path):
    data = bytes(range(256)) * 4
    f = db.upload_file(org.admin_token, "report.bin", data, mime="application/x-test")
    assert (f["name"], f["mime"], f["size"]) == ("report.bin", "application/x-test", 1024)
    assert f["sha256"] == hashlib.sha256(data).hexdigest()
    assert f["uploaded_by"] == org.admin_id
    assert db.read_file(org.admin_token, f["id"]) == data
    assert isinstance(db.read_file(org.admin_token, f["id"]), bytes)
    assert db.file_info(org.admin_token, f["id"]) == f

    # Stored by content hash beside the database, never under the client's name.
    assert db.files_dir == str(db_path.parent / "files")
    stored = Path(db.files_dir) / f["sha256"][:2] / f["sha256"][2:]
    assert stored.read_bytes() == data
    assert not list(Path(db.files_dir).rglob("report*"))

    # Any bytes-like object; the same content is stored once.
    again = db.upload_file(org.admin_token, "copy.bin", bytearray(data))
    assert again["sha256"] == f["sha256"] and again["id"] != f["id"]
    assert again["mime"] == "application/octet-stream"
    view = db.upload_file(org.admin_token, "view.bin", memoryview(data)[:10])
    assert view["size"] == 10
    words = db.upload_file(org.admin_token, "words.bin", array.array("B", b"abc"))
    assert words["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert len([p for p in Path(db.files_dir).rglob("*") if p.is_file()]) == 3

    page = db.list_files(org.admin_token)
    assert page["total"] == 4
    assert [x["id"] for x in page["items"]] == sorted((x["id"] for x in page["items"]), reverse=True)
    assert db.list_files(org.admin_token, filters={"name": "copy.bin"})["items"] == [again]
    assert db.list_files(org.admin_token, filters={"sha256": f["sha256"]})["total"] == 2


def test_read_a_part_at_a_time(db, org):
    data = bytes(range(256)) * 40
    f = db.upload_file(org.admin_token, "call.wav", data, mime="audio/wav")
    assert db.read_file_range(org.admin_token, f["id"], 256, 4) == b"\x00\x01\x02\x03"
    assert db.read_file_range(org.admin_token, f["id"], len(data) - 3, 100) == data[-3:]
    assert db.read_file_range(org.admin_token, f["id"], len(data), 100) == b""
    parts = [db.read_file_range(org.admin_token, f["id"], at, 1000) for at in range(0, len(data), 1000)]
    assert [len(p) for p in parts] == [1000] * 10 + [240]
    assert b"".join(parts) == data

    with pytest.raises(switchboard.InvalidArgument) as info:
        db.read_file_range(org.admin_token, f["id"], len(data) + 1, 1)
    assert info.value.field == "offset"
    assert str(info.value) == f"the offset {len(data) + 1} is not in file {f['id']} ({len(data)} bytes)"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.read_file_range(org.admin_token, f["id"], 0, -1)
    assert info.value.field == "length"
    with pytest.raises(switchboard.NotFound):
        db.read_file_range(org.admin_token, f["id"] + 100, 0, 1)

    # Content that lost bytes is refused, not read short.
    stored = Path(db.files_dir) / f["sha256"][:2] / f["sha256"][2:]
    stored.write_bytes(data[:100])
    with pytest.raises(switchboard.StorageError):
        db.read_file_range(org.admin_token, f["id"], 0, 10)


def test_upload_refusals(make_db, db_path):
    db = make_db(max_file_bytes=1024)
    org = new_org(db)
    for name in ("../etc/passwd", "a/b.txt", "a\\b.txt", "..", "bad\nname", "x" * 256):
        with pytest.raises(switchboard.InvalidArgument) as info:
            db.upload_file(org.admin_token, name, b"x")
        assert info.value.field == "name", name
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.upload_file(org.admin_token, "empty.txt", b"")
    assert info.value.field == "file"
    with pytest.raises(switchboard.TooLarge) as info:
        db.upload_file(org.admin_token, "big.bin", b"x" * 1025)
    assert info.value.code == "too_large" and info.value.field == "file"
    assert isinstance(info.value, ValueError)
    assert db.upload_file(org.admin_token, "max.bin", b"x" * 1024)["size"] == 1024
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.upload_file(org.admin_token, "text.txt", "not bytes")
    assert info.value.field == "data"
    with pytest.raises(switchboard.InvalidArgument) as info:
        db.upload_file(org.admin_token, "n.txt", 42)
    assert info.value.field == "data"
    with pytest.raises(switchboard.Unauthorized):
        db.upload_file("y" * 32, "ok.txt", b"x")
    assert db.list_files(org.admin_token)["total"] == 1  # nothing stored by the refusals
    with pytest.raises(switchboard.NotFound):
        db.read_file(org.admin_token, 9999)
    with pytest.raises(switchboard.InvalidArgument) as info:
        make_db(max_file_bytes=0)
    assert info.value.field == "max_file_bytes"


def test_who_sees_which_file(db, org):
    admin_file = db.upload_file(org.admin_token, "admin.txt", b"admin")
    _, agent_token = add_user(db, org, "kioko")
    mine = db.upload_file(agent_token, "photo.jpg", b"\xff\xd8\xff", mime="image/jpeg")
    assert db.list_files(agent_token)["items"] == [mine]
    with pytest.raises(switchboard.NotFound):
        db.file_info(agent_token, admin_file["id"])
    with pytest.raises(switchboard.NotFound):
        db.read_file(agent_token, admin_file["id"])
    assert db.read_file(org.admin_token, mine["id"]) == b"\xff\xd8\xff"  # admins see every file

    other = new_org(db, "Beta Helpline", "owner@beta.example", "+254 700 000 002")
    for call in (lambda: db.read_file(other.admin_token, mine["id"]),
                 lambda: db.file_info(other.admin_token, admin_file["id"])):
        with pytest.raises(switchboard.NotFound):
            call()
    assert db.list_files(other.admin_token)["total"] == 0


def test_altered_content_is_detected(db, org):
    f = db.upload_file(org.admin_token, "a.txt", b"original")
    stored = Path(db.files_dir) / f["sha256"][:2] / f["sha256"][2:]
    stored.write_bytes(b"tampered")
    with pytest.raises(switchboard.StorageError):
        db.read_file(org.admin_token, f["id"])
    stored.unlink()
    with pytest.raises(switchboard.StorageError):
        db.read_file(org.admin_token, f["id"])


def test_files_dir_option_and_memory_databases(tmp_path):
    elsewhere = tmp_path / "blobs"
    with open_db(tmp_path / "a.db", files_dir=elsewhere) as db:
        assert db.files_dir == str(elsewhere)
        assert not elsewhere.exists()  # made on first use, not on open
        org = new_org(db)
        f = db.upload_file(org.admin_token, "a.txt", b"hello")
        assert (elsewhere / f["sha256"][:2] / f["sha256"][2:]).read_bytes() == b"hello"
        assert not (tmp_path / "files").exists()

    with open_db(Path(":memory:")) as mem:
        assert mem.files_dir is None
        org = new_org(mem)
        for call in (lambda: mem.upload_file(org.admin_token, "a.txt", b"x"),
                     lambda: mem.file_info(org.admin_token, 1),
                     lambda: mem.read_file(org.admin_token, 1),
                     lambda: mem.list_files(org.admin_token)):
            with pytest.raises(switchboard.InvalidArgument) as info:
                call()
            assert info.value.field == "files_dir"
        # The rest works without a files directory.
        assert mem.create_ticket(org.admin_token, narrative="n")["ticket_no"] == "TK000001"

    with open_db(Path(":memory:"), files_dir=tmp_path / "mem-files") as mem:
        org = new_org(mem)
        f = mem.upload_file(org.admin_token, "a.txt", b"kept")
        assert mem.read_file(org.admin_token, f["id"]) == b"kept"


def test_closed_database_refuses_file_calls(db, org):
    f = db.upload_file(org.admin_token, "a.txt", b"x")
    db.close()
    with pytest.raises(switchboard.StorageError):
        db.read_file(org.admin_token, f["id"])
    with pytest.raises(switchboard.StorageError):
        db.list_tickets(org.admin_token)
