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


def test_sign_up_result_shape(db):
    result = db.sign_up("Beta", "owner@beta.example", "+254 700 000 002", "Correct-Horse-42")
    assert set(result) == _keys(records.SignUpResult)


@pytest.mark.parametrize("name", records.__all__)
def test_records_are_typed_dicts(name):
    assert typing.is_typeddict(getattr(records, name))
