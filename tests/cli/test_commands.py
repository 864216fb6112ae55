"""The other commands of `switchboard`: help, version, `db info`,
`db migrate`, `operator create`, `jobs`, `jobs run`, and their exit codes."""

import re

import pytest

from conftest import run


def test_help_lists_every_command():
    out = run("--help")
    assert out.returncode == 0 and out.stderr == ""
    for command in ["analyze FILE...", "operator create", "db info", "db migrate", "jobs run", "mail test", "exit status"]:
        assert command in out.stdout, command


def test_no_command_is_a_usage_error():
    out = run()
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("usage: switchboard COMMAND")


def test_unknown_command():
    out = run("report", "everything")
    assert out.returncode == 2
    assert out.stderr == 'switchboard: unknown command "report everything" (see switchboard --help)\n'


def test_version():
    out = run("--version")
    assert out.returncode == 0
    assert re.fullmatch(r"switchboard \d+\.\d+\.\d+\S*\n", out.stdout), out.stdout


def test_db_migrate_and_info(tmp_path):
    out = run("db", "migrate", "--data", tmp_path / "var")
    assert out.returncode == 0, out.stderr
    m = re.fullmatch(r"database: (.+)\nschema version: (\d+) \(latest (\d+)\)\n", out.stdout)
    assert m, out.stdout
    assert m.group(1) == str(tmp_path / "var" / "switchboard.db")
    assert m.group(2) == m.group(3)
    assert run("db", "info", "--data", tmp_path / "var").stdout == out.stdout


def test_operator_create(tmp_path):
    data = tmp_path / "var"
    out = run("operator", "create", "--data", data, "--username", "opal", "--email", "opal@example.com",
              "--password", "Correct-Horse-42", "--pwhash-opslimit", "1", "--pwhash-memlimit", "8192")
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"operator created: id=\d+ username=opal email=opal@example\.com\n", out.stdout)
    operator_id = int(re.search(r"id=(\d+)", out.stdout).group(1))
    # The same username again is a failure, not a usage error.
    again = run("operator", "create", "--data", data, "--username", "opal", "--email", "opal2@example.com",
                "--password", "Correct-Horse-42", "--pwhash-opslimit", "1", "--pwhash-memlimit", "8192")
    assert again.returncode == 1
    assert again.stderr.startswith("switchboard: ")
    # One operator opal is there: signing in by the username (which must then
    # match exactly one account with that password) gives the platform operator.
    switchboard = pytest.importorskip("switchboard", reason="the Python bindings are not built")
    with switchboard.Database(data / "switchboard.db", create=False, job_workers=0, pwhash_opslimit=1,
                              pwhash_memlimit=8192) as db:
        who = db.sign_in("opal", "Correct-Horse-42")["principal"]
        assert (who["user_id"], who["username"], who["role"], who["org_id"]) == (operator_id, "opal", "operator", 0)
        with pytest.raises(switchboard.CredentialsError):
            db.sign_in("opal2@example.com", "Correct-Horse-42")


def test_operator_create_usage_errors(tmp_path):
    out = run("operator", "create", "--data", tmp_path, "--email", "x@example.com")
    assert out.returncode == 2
    assert out.stderr == "switchboard: operator create needs --username and --email (see switchboard --help)\n"
    out = run("operator", "create", "--data", tmp_path, "--username", "x", "--email", "x@example.com",
              "--password", "Correct-Horse-42", "--pwhash-opslimit", "many")
    assert out.returncode == 2
    assert out.stderr == 'switchboard: --pwhash-opslimit needs a whole number, not "many" (see switchboard --help)\n'
    out = run("db", "info", "--data")
    assert out.returncode == 2
    assert out.stderr == "switchboard: option --data needs a value (see switchboard --help)\n"


def test_jobs_status_and_run(tmp_path):
    """Texts left queued (a process that ran no job) are counted by `jobs`
    and analysed by `jobs run`."""
    switchboard = pytest.importorskip("switchboard", reason="the Python bindings are not built")
    data = tmp_path / "var"
    data.mkdir()
    with switchboard.Database(data / "switchboard.db", job_workers=0, pwhash_opslimit=1,
                              pwhash_memlimit=8192) as db:
        db.sign_up("Acme Helpline", "owner@example.org", "+254 700 000001", "Correct-Horse-42", email_verified=True)
        admin = db.sign_in("owner@example.org", "Correct-Horse-42")["token"]
        key = db.add_dev_key(admin, "robot")["pass_key"]
        dev = db.issue_dev_token("owner@example.org", "robot", key)["token"]
        rickets = [db.record_text(dev, f"Text {i}: I will call you back tomorrow.")["ricket"] for i in range(30)]
    out = run("jobs", "--data", data)
    assert (out.returncode, out.stdout) == (0, "queued 30\nrunning 0\ndone 0\nfailed 0\n"), out.stderr
    out = run("jobs", "run", "--data", data, "--timeout", "60")
    assert (out.returncode, out.stdout) == (0, "queued 0\nrunning 0\ndone 30\nfailed 0\n"), out.stderr
    with switchboard.Database(data / "switchboard.db", create=False, job_workers=0, pwhash_opslimit=1,
                              pwhash_memlimit=8192) as db:
        assert {db.text_report(dev, r)["status"] for r in rickets} == {"ready"}
    out = run("jobs", "run", "--data", data, "--workers", "0")
    assert out.returncode == 2
    assert out.stderr == "switchboard: --workers must be between 1 and 64 (see switchboard --help)\n"
