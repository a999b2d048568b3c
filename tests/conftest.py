"""Fixtures shared by every test: role groups, one user per role, and clients signed in as them.

Every user made here has the password ``PASSWORD`` (also the fixture ``user_password``), for tests that sign in
through the log-in form; ``client_as(user)`` skips the form.
"""

import os
from functools import cache

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.utils import translation

from config.access import Role

PASSWORD = "eel-office-test-pw"
ROLE_NAMES = [value for name, value in vars(Role).items() if name.isupper()]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """Without --reuse-db, each pytest process gets its own test database (test_<name>_<pid>), so two runs on
    one machine (two developers' sessions, CI beside a developer) never drop each other's database."""
    if request.config.getoption("reuse_db", False):
        return
    from django.conf import settings

    for alias in settings.DATABASES:
        db = settings.DATABASES[alias]
        if db["ENGINE"].endswith("sqlite3"):
            continue
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{os.getpid()}"


@pytest.fixture(scope="session", autouse=True)
def _static_files_without_manifest():
    # Outside DEBUG the settings use WhiteNoise's manifest storage, and {% static %} fails until collectstatic
    # has written the manifest. Tests render pages without collecting static files first.
    from django.conf import settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": plain}
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language: a request with the Dutch cookie leaves Dutch active in its
    thread, and rules translate their messages in the active language."""
    translation.deactivate()
    yield
    translation.deactivate()


@cache
def _password_hash():
    # Argon2 is slow on purpose; hash once per run, not once per user.
    return make_password(PASSWORD)


@pytest.fixture
def user_password():
    return PASSWORD


@pytest.fixture
def role_groups(db):
    """Every role group of config.access.Role, by name."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_NAMES}


@pytest.fixture
def make_user(db, role_groups):
    """make_user("username", Role.LECTURER, ...) -> a user with those roles and the password PASSWORD."""

    def make(username, *roles, **fields):
        fields.setdefault("email", f"{username}@example.org")
        user = get_user_model()(username=username, password=_password_hash(), **fields)
        user.save()
        user.groups.set([role_groups[role] for role in roles])
        return user

    return make


@pytest.fixture
def student_admin(make_user):
    return make_user("student_admin", Role.STUDENT_ADMIN, first_name="Sofie", last_name="Admin")


@pytest.fixture
def academic_advisor(make_user):
    return make_user("academic_advisor", Role.ACADEMIC_ADVISOR, first_name="Arne", last_name="Advisor")


@pytest.fixture
def lecturer(make_user):
    return make_user("lecturer", Role.LECTURER, first_name="Lien", last_name="Lecturer")


@pytest.fixture
def committee_chair(make_user):
    return make_user("committee_chair", Role.COMMITTEE_CHAIR, first_name="Koen", last_name="Chair")


@pytest.fixture
def ombudsperson(make_user):
    return make_user("ombudsperson", Role.OMBUDSPERSON, first_name="Olga", last_name="Ombuds")


@pytest.fixture
def appeals_secretary(make_user):
    return make_user("appeals_secretary", Role.APPEALS_SECRETARY, first_name="Sam", last_name="Secretary")


@pytest.fixture
def outsider(make_user):
    """Signed in, but in no role group."""
    return make_user("outsider", first_name="Otto", last_name="Outsider")


@pytest.fixture
def client_as(db):
    """client_as(user) -> a new django test Client signed in as that user (one client per call)."""

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in
