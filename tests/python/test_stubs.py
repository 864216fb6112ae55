"""The hand-kept stubs and record shapes match the module."""

import ast
import pathlib
import typing

import pytest

import switchboard
from switchboard import records
from sbtest import add_user

STUB = pathlib.Path(switchboard.__file__).with_name("_switchboard.pyi")


def _stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text())


def _public(names):
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def test_module_names_match_the_stub():
    tree = _stub_tree()
    stubbed = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            stubbed.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            stubbed.add(node.target.id)
    runtime = _public(dir(switchboard._switchboard))
    assert _public(stubbed) == runtime
    assert set(switchboard.__all__) - {"records"} == _public(stubbed)


def test_database_methods_match_the_stub():
    tree = _stub_tree()
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Database")
    stubbed = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    runtime = {n for n in dir(switchboard.Database) if not n.startswith("_")}
    assert {n for n in stubbed if not n.startswith("_")} == runtime
    assert {"__init__", "__enter__", "__exit__"} <= stubbed


def _keys(td) -> set:
    return set(typing.get_type_hints(td))


def test_record_shapes(db, org):
    user, token = add_user(db, org, "agent1")
    assert set(user) == _keys(records.User)
    session = db.sign_in("agent1", "Correct-Horse-42")
    assert set(session) == _keys(records.Session)
    assert set(session["principal"]) == _keys(records.Principal)
    organisation = db.get_organisation(org.admin_token)
    assert set(organisation) == _keys(records.Organisation)
    assert set(organisation["standards"]) == _keys(records.Standards)
    assert set(organisation["constraints"]) == _keys(records.Constraints)
    created_key = db.add_dev_key(org.admin_token, "devops")
    assert set(created_key) == _keys(records.CreatedDevKey)
    assert set(created_key["key"]) == _keys(records.DevKey)
    created = db.create_user(org.admin_token, username="bob", email="bob@acme.example")
    assert set(created) == _keys(records.CreatedUser)
    page = db.list_users(org.admin_token)
    assert set(page) == _keys(records.UserPage)
    activity = db.list_activity(org.admin_token)
    assert set(activity) == _keys(records.ActivityPage)
    assert set(activity["items"][0]) == _keys(records.ActivityEntry)
    mails = db.outbox()
    assert mails and set(mails[0]) == _keys(records.OutboxEmail)


def test_case_call_and_file_record_shapes(db, org):
    user, token = add_user(db, org, "agent1")
    category = db.add_category(org.admin_token, "Abuse")
    assert set(category) == _keys(records.Category)
    ticket = db.create_ticket(org.admin_token, narrative="n", contact={"phone": "+254 711 000001"})
    assert set(ticket) == _keys(records.Ticket)
    assert set(ticket["contact"]) == _keys(records.Contact)
    assert set(db.list_tickets(org.admin_token)) == _keys(records.TicketPage)
    assert set(db.ticket_history(org.admin_token, ticket["id"])[0]) == _keys(records.TicketChange)
    assert set(db.post_message(org.admin_token, ticket["id"], "hi")) == _keys(records.TicketMessage)
    report = db.report_tickets(org.admin_token, "status")
    assert set(report) == _keys(records.PivotReport)
    assert set(report["rows"][0]) == _keys(records.PivotRow)
    f = db.upload_file(org.admin_token, "a.txt", b"x")
    assert set(f) == _keys(records.FileInfo)
    assert set(db.list_files(org.admin_token)) == _keys(records.FilePage)
    call = db.create_call(org.admin_token, agent_id=user["id"])
    assert set(call) == _keys(records.Call)
    assert set(db.list_calls(org.admin_token)) == _keys(records.CallPage)
    qa = db.create_qa(org.admin_token, call_id=call["id"], opening=3, holding=3, politeness=3, enthusiasm=3,
                      personalization=3, troubleshooting=3, listening=3, accuracy=3, resolution=3)
    assert set(qa) == _keys(records.QaRecord)
    assert set(db.list_qa(org.admin_token)) == _keys(records.QaPage)
    assert set(db.stats(org.admin_token)) == _keys(records.HelplineStats)


def _runtime_parameters(method) -> list:
    """Parameter names from pybind11's signature line: "name(self: ..., a: int = 0) -> ..."."""
    first = method.__doc__.splitlines()[0]
    inner = first[first.index("(") + 1:first.rindex(") ->")]
    names, depth, current = [], 0, ""
    for ch in inner + ",":
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            names.append(current.strip())
            current = ""
        else:
            current += ch
    return [n.split(":")[0].split("=")[0].strip().lstrip("*") for n in names if n.strip() not in ("*", "")]


def test_database_parameters_match_the_stub():
    tree = _stub_tree()
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Database")
    checked = 0
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef) or (node.name.startswith("_") and node.name != "__init__"):
            continue
        if any(isinstance(d, ast.Name) and d.id in ("property", "staticmethod") for d in node.decorator_list):
            continue
        a = node.args
        stubbed = [x.arg for x in a.args + a.kwonlyargs] + ([a.kwarg.arg] if a.kwarg else [])
        runtime = _runtime_parameters(getattr(switchboard.Database, node.name))
        assert stubbed == runtime, node.name
        checked += 1
    assert checked > 40


def test_sign_up_result_shape(db):
    result = db.sign_up("Beta", "owner@beta.example", "+254 700 000 002", "Correct-Horse-42")
    assert set(result) == _keys(records.SignUpResult)


@pytest.mark.parametrize("name", records.__all__)
def test_records_are_typed_dicts(name):
    assert typing.is_typeddict(getattr(records, name))
