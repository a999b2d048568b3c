"""Demo data for the results pages: the demo user ``lecturer`` coordinates a handful of units, so that "My course
units" has grids to fill in. Idempotent; called by the lead's ``load_demo``. Never used in production."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from enrolment.models import AcademicYear, CourseUnit, ProgrammeLine
from students.demo import ensure_demo_users

from .models import CourseUnitLecturer, ExamPeriod, Proclamation, Result

DEMO_LECTURER = "lecturer"
HANDFUL = 5


def demo_year() -> AcademicYear | None:
    """The latest academic year with study programme lines and no proclamation yet."""
    proclaimed = set(Proclamation.objects.values_list("exam_period__academic_year_id", flat=True))
    for year in AcademicYear.objects.order_by("-starts_on"):
        if year.pk not in proclaimed and ProgrammeLine.objects.filter(academic_year=year).exists():
            return year
    return None


@transaction.atomic
def ensure_demo_results(handful: int = HANDFUL) -> list[str]:
    """Make the demo lecturer the coordinating lecturer of ``handful`` units of one programme in the latest year
    without a proclamation: the units most students take, examined in that year's first exam period, with no
    result yet and no other coordinator. Returns the codes of the units he coordinates in that year."""
    User = get_user_model()
    lecturer = User.objects.filter(username=DEMO_LECTURER).first()
    if lecturer is None:
        ensure_demo_users()
        lecturer = User.objects.get(username=DEMO_LECTURER)
    year = demo_year()
    if year is None:
        return []
    mine = set(CourseUnitLecturer.objects.filter(user=lecturer, coordinating=True).values_list(
        "course_unit__code", flat=True))
    taken = CourseUnit.objects.filter(lines__academic_year=year, lines__removed_on__isnull=True,
                                      lines__exempted=False)
    own_this_year = sorted(mine & set(taken.values_list("code", flat=True)))
    if len(own_this_year) >= handful:
        return own_this_year
    first_period = ExamPeriod.objects.filter(academic_year=year, opportunity=1).order_by("starts_on").first()
    counted = (taken.annotate(students=Count("lines", filter=Q(lines__academic_year=year)))
               .order_by("-students", "code"))
    programme_id = counted.values_list("programme_id", flat=True).first()
    with_results = set(Result.objects.filter(academic_year=year).values_list("course_unit_id", flat=True))
    coordinated = set(CourseUnitLecturer.objects.filter(coordinating=True).values_list("course_unit_id", flat=True))
    candidates = [u for u in counted.filter(programme_id=programme_id)
                  if u.pk not in with_results and u.pk not in coordinated and u.code not in mine]
    if first_period is not None:  # the units examined first come first: grids to fill in now
        candidates.sort(key=lambda u: u.exam_period_code != first_period.code)
    for unit in candidates[:handful - len(own_this_year)]:
        CourseUnitLecturer.objects.update_or_create(course_unit=unit, user=lecturer, defaults={"coordinating": True})
        own_this_year.append(unit.code)
    return sorted(own_this_year)
