"""Fixtures of the switchboard Python binding tests.

Every test gets its own database file under pytest's tmp_path, opened with
low Argon2 costs (helpers in sbtest.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

import switchboard
from sbtest import Org, new_org, open_db


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "switchboard.db"


@pytest.fixture
def make_db(db_path: Path) -> Iterator[Callable[..., switchboard.Database]]:
    """Opens the test's database with extra options."""
    opened: list[switchboard.Database] = []

    def make(**options) -> switchboard.Database:
        db = open_db(db_path, **options)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.close()


@pytest.fixture
def db(make_db) -> switchboard.Database:
    return make_db()


@pytest.fixture
def org(db) -> Org:
    return new_org(db)
