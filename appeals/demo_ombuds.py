"""Demo data for the ombudspersons (never used in production): the demo user ``ombuds`` is the ombudsperson of one
programme (the examination committee demo's, where she also sits on the committee) with a deputy who never signs
in, and one mediation case is open, so that her workspace shows an irregularity file and a case.

``ensure_demo_ombuds()`` is idempotent: running it again changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from config.access import Role
from enrolment.models import AcademicYear, Programme, StudyContract

from .models import MediationCase, OmbudsAssignment
from .services import ombuds as services

DEPUTY = ("demo-ombuds-deputy", "Dana", "Deputy")
DEMO_SUBJECT = "Feedback on a project grade refused (demo)"
DEMO_NOTE = ("The student says the lecturer refused to explain the project grade after the exam period. Agreed to "
             "ask the lecturer for a feedback moment first.")


def _programme(year):
    """The programme whose examination committee seats the demo chair (the committee demo's); else the bachelor
    programme with the most contracts in the latest year (the committee demo's own choice); else any."""
    seated = (Programme.objects.filter(committee__members__user__username="chair", committee__members__role="chair")
              .order_by("code").first())
    if seated is not None:
        return seated
    qs = Programme.objects.annotate(n=Count("contracts", filter=Q(contracts__academic_year=year)))
    return qs.filter(kind="bachelor").order_by("-n", "code").first() or qs.order_by("-n", "code").first()


def _users():
    from students.demo import ensure_demo_users

    User = get_user_model()
    if not User.objects.filter(username__in=["ombuds", "lecturer", "studadmin"]).count() == 3:
        ensure_demo_users()
    users = {u.username: u for u in User.objects.filter(username__in=["ombuds", "lecturer", "studadmin"])}
    username, first, last = DEPUTY
    deputy, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"})
    if created:
        deputy.set_unusable_password()
        deputy.save()
    deputy.groups.add(Group.objects.get_or_create(name=Role.OMBUDSPERSON)[0])
    users["deputy"] = deputy
    return users


def _appoint(user, role, programme, since, by):
    holds = OmbudsAssignment.objects.filter(user=user, role=role, programme=programme, until__isnull=True).first()
    if holds is not None:
        return holds
    assignment, _created, _warnings = services.assign(user=user, role=role, programme=programme, since=since, by=by)
    return assignment


@transaction.atomic
def ensure_demo_ombuds() -> dict | None:
    """Appoint ``ombuds`` (and a deputy) for one demo programme and open one mediation case; returns
    {programme, principal, deputy, case} or None when there is no programme yet."""
    year = AcademicYear.objects.order_by("-starts_on").first()
    programme = _programme(year) if year is not None else None
    if programme is None:
        return None
    users = _users()
    today = timezone.localdate()
    since = min(year.starts_on, today)
    principal = _appoint(users["ombuds"], "principal", programme, since, users["studadmin"])
    deputy = _appoint(users["deputy"], "deputy", programme, since, users["studadmin"])
    return {"programme": programme, "principal": principal, "deputy": deputy,
            "case": _demo_case(programme, year, users, today)}


def _demo_case(programme, year, users, today):
    existing = MediationCase.objects.filter(subject=DEMO_SUBJECT).first()
    if existing is not None:
        return existing
    contract = (StudyContract.objects.filter(programme=programme, academic_year=year, deregistered_on__isnull=True)
                .select_related("student").order_by("student__number").first())
    if contract is None:
        return None
    opened_on = min(today, year.starts_on + timedelta(days=45))
    try:
        case, _created = services.open_mediation(
            student=contract.student, programme=programme, subject=DEMO_SUBJECT, kind="unfair_treatment",
            opened_on=opened_on, by=users["ombuds"], today=today, other_party=users["lecturer"],
            first_note=DEMO_NOTE)
    except services.OmbudsRefused:
        return None  # e.g. the demo ombudsperson declared a tie with that student: leave the demo without a case
    return case
