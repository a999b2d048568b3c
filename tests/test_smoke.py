"""The stack answers: pages, database, Redis. If these fail, look at the machine before the code."""

import os

import pytest
import redis
from django.db import connection
from django.urls import reverse


def test_login_page_answers(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_dashboard_sends_anonymous_users_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_greets_signed_in_user(client_as, student_admin):
    response = client_as(student_admin).get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"Sofie" in response.content


@pytest.mark.django_db
def test_database_is_the_one_database_url_names():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("DATABASE_URL does not name PostgreSQL")
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("test_")


def test_redis_answers_ping():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set (scripts/test.sh sets it)")
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    try:
        assert client.ping() is True
    finally:
        client.close()
