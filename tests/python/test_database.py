"""Opening, closing and migrating the database; secrets at rest; threads."""

import re
import threading

import pytest

import switchboard
from sbtest import LOW_COST, PASSWORD, add_user, new_org, open_db, reset_code


def _file_schema_version(path) -> int:
    """The schema version as the closed file holds it: SQLite's user_version,
    bytes 60-63 of the database header, big-endian."""
    assert not path.with_name(path.name + "-wal").exists()  # nothing newer waits in a write-ahead log
    with open(path, "rb") as f:
        header = f.read(100)
    assert header[:16] == b"SQLite format 3\0"
    return int.from_bytes(header[60:64], "big")


def test_schema_version(db, db_path):
    latest = switchboard.latest_schema_version()
    assert latest >= 1
    assert switchboard.Database.latest_schema_version() == latest
    assert db.schema_version == latest
    db.close()
    assert _file_schema_version(db_path) == latest


def test_a_newer_schema_is_refused_and_left_alone(db, db_path):
    new_org(db)
    db.close()
    newer = switchboard.latest_schema_version() + 1
    # A newer program has migrated the file. Only SQLite itself can stand in
    # for it: this sets the header's version and reads nothing of the library's.
    import sqlite3
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute(f"PRAGMA user_version = {newer}")
    con.close()
    assert _file_schema_version(db_path) == newer
    with pytest.raises(switchboard.SchemaError) as info:
        open_db(db_path)
    assert info.value.code == "schema"
    assert _file_schema_version(db_path) == newer


def test_reopen_keeps_the_data(db, db_path):
    org = new_org(db)
    db.close()
    with open_db(db_path) as again:
        assert again.authenticate(org.admin_token)["user_id"] == org.admin_id
        assert again.sign_in("owner@acme.example", PASSWORD)["principal"]["org_id"] == org.id


def test_path_may_be_a_path_object(db_path):
    with switchboard.Database(db_path, **LOW_COST) as db:
        assert db.path == str(db_path)
        assert db.schema_version == switchboard.latest_schema_version()
    assert db_path.exists()
    with pytest.raises(TypeError):
        switchboard.Database(42, **LOW_COST)


def test_create_false_needs_an_existing_file(tmp_path):
    with pytest.raises(switchboard.NotFound) as info:
        switchboard.Database(str(tmp_path / "missing.db"), create=False, **LOW_COST)
    assert info.value.field == "path"
    assert not (tmp_path / "missing.db").exists()


def test_unopenable_path_is_a_storage_error(tmp_path):
    with pytest.raises(switchboard.StorageError):
        switchboard.Database(str(tmp_path / "no" / "such" / "dir" / "x.db"), **LOW_COST)


def test_in_memory_database():
    with switchboard.Database(":memory:", **LOW_COST) as db:
        org = new_org(db)
        assert db.list_users(org.admin_token)["total"] == 1


def test_close_and_context_manager(db_path):
    with open_db(db_path) as db:
        assert db.closed is False
        assert db.path == str(db_path)
        assert repr(db) == f"<switchboard.Database {str(db_path)!r}>"
    assert db.closed is True
    assert repr(db).endswith("(closed)>")
    with pytest.raises(switchboard.StorageError, match="closed"):
        db.sign_in("owner@acme.example", PASSWORD)
    with pytest.raises(switchboard.StorageError):
        db.schema_version
    db.close()  # idempotent


def test_context_manager_closes_on_error(db_path):
    with pytest.raises(RuntimeError):
        with open_db(db_path) as db:
            raise RuntimeError("boom")
    assert db.closed is True


def _directory_bytes(path) -> bytes:
    """Every file beside the database, read as bytes: the database, its
    write-ahead log, shared memory and journal, the key file."""
    files = sorted(p for p in path.parent.rglob("*") if p.is_file())
    assert path in files
    return b"".join(p.read_bytes() for p in files)


def test_no_plaintext_password_or_token_in_the_file(db, db_path):
    org = new_org(db)
    pass_key = db.add_dev_key(org.admin_token, "devops")["pass_key"]
    dev_token = db.issue_dev_token("owner@acme.example", "devops", pass_key)["token"]
    user, agent_token = add_user(db, org, "agent1")
    temporary = db.admin_reset_password(org.admin_token, user["id"])
    temp_session = db.sign_in("agent1", temporary)["token"]
    db.request_password_reset("owner@acme.example")
    code = reset_code(db, "owner@acme.example")
    session = db.sign_in("owner@acme.example", PASSWORD)["token"]

    data = _directory_bytes(db_path)
    assert len(data) > 4096  # the data is there (WAL or main file) ...
    assert b"owner@acme.example" in data  # ... and readable
    for secret in (PASSWORD, org.admin_token, session, pass_key, dev_token, agent_token, temporary,
                   temp_session):
        assert secret.encode() not in data, secret
    # The outbox keeps the emails it is to send (the reset code is in one,
    # in its text and in its template's values); the code itself is stored
    # only as a hash next to the user: wherever the digits are in the files,
    # they are the email's.
    at = [m.start() for m in re.finditer(re.escape(code.encode()), data)]
    assert at, "the reset email is not in the files"
    for i in at:
        assert (data[max(0, i - 20):i] == b"Your one-time code: "
                or data[max(0, i - 8):i] == b'"code":"'), data[max(0, i - 60):i + 10]


def test_threads_share_one_database(db):
    org = new_org(db)
    users = [add_user(db, org, f"agent{i}")[0] for i in range(4)]
    errors: list[BaseException] = []
    results: dict[int, int] = {}

    def work(i: int) -> None:
        try:
            for _ in range(3):
                token = db.sign_in(f"agent{i}", PASSWORD)["token"]
                results[i] = db.authenticate(token)["user_id"]
                db.update_user(token, users[i]["id"], first_name=f"Agent {i}")
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == {i: users[i]["id"] for i in range(4)}
    names = {u["username"]: u["first_name"] for u in db.list_users(org.admin_token)["items"]}
    assert names == {"owner": "", **{f"agent{i}": f"Agent {i}" for i in range(4)}}


def test_gil_is_released_during_password_hashing(db_path):
    # With a real Argon2 cost one sign-in takes a noticeable time; another
    # Python thread must keep running meanwhile.
    with open_db(db_path, pwhash_opslimit=3, pwhash_memlimit=32 << 20) as db:
        db.sign_up("Acme Helpline", "owner@acme.example", "+254 700 000 001", PASSWORD, email_verified=True)
        done = threading.Event()
        ticks = 0

        def sign_in() -> None:
            try:
                for _ in range(5):
                    db.sign_in("owner@acme.example", PASSWORD)
            finally:
                done.set()

        t = threading.Thread(target=sign_in)
        t.start()
        while not done.is_set():
            ticks += 1
            done.wait(0.001)
        t.join()
        assert ticks > 50
