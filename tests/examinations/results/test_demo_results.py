"""ensure_demo_results: the demo lecturer gets a handful of units with grids to fill in; running it twice changes
nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from examinations.demo_results import ensure_demo_results
from examinations.models import CourseUnitLecturer, Result
from students.demo import ensure_demo_users

pytestmark = pytest.mark.django_db


def test_demo_lecturer_coordinates_a_handful_of_units_without_results(client):
    call_command("load_demo", students=30, stdout=StringIO())
    codes = ensure_demo_results()
    assert len(codes) == 5
    links = CourseUnitLecturer.objects.filter(user__username="lecturer", coordinating=True).select_related(
        "course_unit")
    assert {link.course_unit.code for link in links} == set(codes)
    assert len({link.course_unit.programme_id for link in links}) == 1
    assert not Result.objects.filter(course_unit__code__in=codes, academic_year__code="2026-2027").exists()
    assert ensure_demo_results() == codes  # idempotent
    assert CourseUnitLecturer.objects.count() == 5

    from django.contrib.auth import get_user_model
    client.force_login(get_user_model().objects.get(username="lecturer"))
    response = client.get(reverse("examinations:results_units") + "?academic_year=2026-2027")
    rows = [r for r in response.context["object_list"] if r.period.opportunity == 1]
    assert {r.unit.code for r in rows} == set(codes)
    assert all(r.expected > 0 and r.entered == 0 for r in rows)


def test_demo_results_on_an_empty_database_makes_nothing(db):
    ensure_demo_users()
    assert ensure_demo_results() == []
