"""The populated university of tests/security/world.py, built once per test module inside a transaction that is
rolled back when the module ends; each test runs in a savepoint inside it (pytest-django's ``db``)."""

import pytest
from django.db import transaction
from django.test import override_settings

from tests.clock import Clock

from .world import TODAY, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    patch = pytest.MonkeyPatch()
    Clock(patch, TODAY)
    with override_settings(PRIVATE_MEDIA_ROOT=tmp_path_factory.mktemp("private")), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            patch.undo()
