"""switchboard.Error and its subclasses mirror the C++ error codes."""

import pytest

import switchboard

# class name -> the C++ ErrorCode's name (switchboard::to_string(ErrorCode))
CLASSES = {
    "InvalidArgument": "invalid_argument",
    "NotFound": "not_found",
    "AlreadyExists": "already_exists",
    "Unauthorized": "unauthorized",
    "Forbidden": "forbidden",
    "CredentialsError": "credentials",
    "Unverified": "unverified",
    "PasswordChangeRequired": "password_change_required",
    "TooLarge": "too_large",
    "SchemaError": "schema",
    "StorageError": "storage",
    "InternalError": "internal",
}


def test_every_error_code_has_a_subclass_of_error():
    assert issubclass(switchboard.Error, Exception)
    seen = set()
    for name, code in CLASSES.items():
        cls = getattr(switchboard, name)
        assert issubclass(cls, switchboard.Error), name
        assert cls is not switchboard.Error
        assert cls.code == code
        assert cls.__module__ == "switchboard"
        seen.add(cls)
    assert len(seen) == 12


def test_builtin_bases_for_value_and_lookup_errors():
    assert issubclass(switchboard.InvalidArgument, ValueError)
    assert issubclass(switchboard.TooLarge, ValueError)
    assert issubclass(switchboard.NotFound, LookupError)
    assert not issubclass(switchboard.Unauthorized, ValueError)


def test_translated_error_carries_code_field_and_message():
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.check_email("not an address")
    err = info.value
    assert err.code == "invalid_argument"
    assert err.field == "email"
    assert err.message == "email isn't valid"
    assert str(err) == "email isn't valid"
    assert err.args == ("email isn't valid",)


@pytest.mark.parametrize(
    "password, message",
    [
        ("Short1a", "password is too short, minimum length is 12 characters"),
        ("Aa1" + "x" * 126, "password is too long, maximum length is 128 characters"),
        ("alllowercase-1234", "pwd must contain at least one: 1-9, A-Z, a-z character"),
        ("ALLUPPERCASE-1234", "pwd must contain at least one: 1-9, A-Z, a-z character"),
        ("NoDigitsAtAll-here", "pwd must contain at least one: 1-9, A-Z, a-z character"),
    ],
)
def test_check_password_policy_messages(password, message):
    with pytest.raises(switchboard.InvalidArgument) as info:
        switchboard.check_password_policy(password)
    assert str(info.value) == message
    assert info.value.field == "password"


def test_check_functions_accept_good_values():
    assert switchboard.check_password_policy("Correct-Horse-42") is None
    assert switchboard.check_password_policy("Aa1" + "x" * 125) is None  # exactly 128
    assert switchboard.check_email("owner@acme.example") is None
    assert switchboard.check_phone("+254 700 000 001") is None
    with pytest.raises(switchboard.InvalidArgument, match="^phone isn't valid$"):
        switchboard.check_phone("call me")


def test_errors_can_be_raised_from_python():
    err = switchboard.NotFound("no such thing")
    assert err.code == "not_found"
    assert err.field == ""
    with pytest.raises(switchboard.Error):
        raise err


def test_version():
    assert switchboard.version() == switchboard.__version__
    parts = switchboard.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)
