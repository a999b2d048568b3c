"""Read side of the ombudspersons' workspace (OM-1 .. OM-3): who holds which appointment, which files an
ombudsperson handles, the file pages, the view log. Each function runs a fixed number of queries.

Scoping lives here and nowhere else: :func:`handled_ids` decides, per file, who handles it with the pure rule
``appeals.rules.om2_who_handles`` (principal, unless she stands aside; then the deputy; then the central
ombudsperson), and every workspace page goes through :func:`files_for` or :func:`access_file`. A file the user
does not handle is answered as missing (404), whether it exists or not.

A programme's principal ombudspersons are those appointed as such (``OmbudsAssignment``) and the ombudsperson
seated on its examination committee (``CommitteeMember`` with the role ``ombudsperson``, UH 14.1.4): both are
"the ombudsperson for the programme", and counting both shows a file rather than hides it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from config.access import Role
from enrolment.models import Programme, StudyContract
from examinations.models import CommitteeMember, Hearing, Irregularity, Meeting, TieDeclaration

from . import rules
from .models import (
    Appeal,
    FileKind,
    FileView,
    MediationCase,
    OmbudsAssignment,
    OmbudsRole,
    StandAside,
)

#: Who may open the workspace (her files); the scope narrows it to the files she handles.
WORKSPACE_ROLES = (Role.OMBUDSPERSON,)
#: Who keeps the appointments (OM-1) and reads the view log: the student administration.
ADMINISTRATION_ROLES = (Role.STUDENT_ADMIN,)

MODELS = {FileKind.APPEAL: Appeal, FileKind.IRREGULARITY: Irregularity, FileKind.MEDIATION: MediationCase}
KIND_OF_MODEL = {model: kind for kind, model in MODELS.items()}
#: What each list and file page shows, in the same query.
RELATED = {
    FileKind.APPEAL: ("student", "programme", "contested_decision__programme",
                      "contested_decision__exam_period__academic_year", "contested_irregularity__course_unit",
                      "contested_irregularity__exam_period__academic_year"),
    FileKind.IRREGULARITY: ("student", "course_unit", "committee__programme", "exam_period__academic_year"),
    FileKind.MEDIATION: ("student", "programme", "other_party"),
}


def kind_of(obj) -> str:
    try:
        return KIND_OF_MODEL[type(obj)]
    except KeyError:
        raise TypeError(f"{type(obj).__name__} is not an appeal, irregularity or mediation case.")


# --- Appointments (OM-1) -----------------------------------------------------------------------------------------


@dataclass
class Appointments:
    """Everyone's appointments on one day: per programme its principals and deputies, and the central ones."""

    on: date
    programmes: dict[int, rules.ProgrammeOmbuds]
    central: frozenset[int]
    seated: dict[int, frozenset[int]] = field(default_factory=dict)  # committee seats, per programme

    def of_programmes(self, programme_ids) -> dict[int, rules.ProgrammeOmbuds]:
        return {p: self.programmes.get(p, rules.ProgrammeOmbuds()) for p in programme_ids}

    def programmes_of(self, user_id: int) -> set[int]:
        """The programmes where this user is a principal or a deputy."""
        return {p for p, people in self.programmes.items() if user_id in people.principals | people.deputies}

    def is_central(self, user_id: int) -> bool:
        return user_id in self.central


def current_q(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}since__lte": day}) & (Q(**{f"{prefix}until__isnull": True})
                                                | Q(**{f"{prefix}until__gte": day}))


def appointments_on(day: date) -> Appointments:
    """Two queries: the current appointments and the current ombudsperson seats on examination committees."""
    principals, deputies, central = defaultdict(set), defaultdict(set), set()
    for user_id, programme_id, role in (OmbudsAssignment.objects.filter(current_q(day))
                                        .values_list("user_id", "programme_id", "role")):
        if role == OmbudsRole.CENTRAL:
            central.add(user_id)
        elif role == OmbudsRole.PRINCIPAL:
            principals[programme_id].add(user_id)
        else:
            deputies[programme_id].add(user_id)
    seated = defaultdict(set)
    for user_id, programme_id in (CommitteeMember.objects.filter(current_q(day), role="ombudsperson")
                                  .values_list("user_id", "committee__programme_id")):
        principals[programme_id].add(user_id)
        seated[programme_id].add(user_id)
    programmes = {p: rules.ProgrammeOmbuds(frozenset(principals.get(p, ())), frozenset(deputies.get(p, ())))
                  for p in set(principals) | set(deputies)}
    return Appointments(day, programmes, frozenset(central), {p: frozenset(u) for p, u in seated.items()})


# --- Who handles a file (OM-2) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFacts:
    kind: str
    pk: int
    student_id: int
    programme_ids: frozenset[int]
    other_party_id: int | None = None
    with_central: bool = False


def _candidates(kind: str, appointments: Appointments, user_id: int | None) -> QuerySet:
    """The files whose handler this user may be (a superset; the rule decides). ``None``: every file."""
    qs = MODELS[kind].objects.all()
    if user_id is None or appointments.is_central(user_id):
        return qs
    mine = appointments.programmes_of(user_id)
    if kind == FileKind.IRREGULARITY:
        return qs.filter(committee__programme_id__in=mine)
    if kind == FileKind.MEDIATION:
        return qs.filter(programme_id__in=mine)
    contracts = StudyContract.objects.filter(student_id=OuterRef("student_id"), programme_id__in=mine)
    return qs.filter(Q(Exists(contracts)) | Q(programme_id__in=mine) | Q(contested_decision__programme_id__in=mine)
                     | Q(contested_irregularity__committee__programme_id__in=mine))


def _facts(kind: str, qs: QuerySet) -> list[FileFacts]:
    """One query per kind (two for appeals: their student's contracts)."""
    if kind == FileKind.IRREGULARITY:
        return [FileFacts(kind, pk, student_id, frozenset({programme_id}))
                for pk, student_id, programme_id in qs.values_list("pk", "student_id", "committee__programme_id")]
    if kind == FileKind.MEDIATION:
        return [FileFacts(kind, pk, student_id, frozenset({programme_id}), other_party_id, with_central)
                for pk, student_id, programme_id, other_party_id, with_central
                in qs.values_list("pk", "student_id", "programme_id", "other_party_id", "with_central")]
    rows = list(qs.values_list("pk", "student_id", "decision_notified_on", "programme_id",
                               "contested_decision__programme_id", "contested_irregularity__committee__programme_id",
                               "contested_decision__exam_period__academic_year_id",
                               "contested_irregularity__exam_period__academic_year_id"))
    contracts = defaultdict(list)
    for student_id, programme_id, year_id, starts_on, ends_on in (
            StudyContract.objects.filter(student_id__in={r[1] for r in rows})
            .values_list("student_id", "programme_id", "academic_year_id", "academic_year__starts_on",
                         "academic_year__ends_on")):
        contracts[student_id].append(rules.ContractFact(programme_id, year_id, starts_on, ends_on))
    return [FileFacts(kind, pk, student_id,
                      rules.om2_appeal_programmes(notified_on, contracts[student_id], (programme_id, decision_programme,
                                                                                       irregularity_programme),
                                                  (decision_year, irregularity_year)))
            for (pk, student_id, notified_on, programme_id, decision_programme, irregularity_programme, decision_year,
                 irregularity_year) in rows]


@dataclass(frozen=True)
class Asides:
    """Who stands aside on the files: declared (per file) and by a declared tie (per student)."""

    declared: dict[int, set[int]]
    tied: dict[int, set[int]]

    def of(self, facts: FileFacts) -> frozenset[int]:
        return rules.om2_standing_aside(self.declared.get(facts.pk, ()), self.tied.get(facts.student_id, ()),
                                        facts.other_party_id)


def _asides(kind: str, facts: list[FileFacts]) -> Asides:
    """Two queries: the stand-asides recorded on these files, the ties declared with their students."""
    declared, tied = defaultdict(set), defaultdict(set)
    column = f"{kind}_id"
    for user_id, file_id in (StandAside.objects.filter(**{f"{column}__in": [f.pk for f in facts]})
                             .values_list("user_id", column)):
        declared[file_id].add(user_id)
    for person_id, student_id in (TieDeclaration.objects.filter(student_id__in={f.student_id for f in facts})
                                  .values_list("person_id", "student_id")):
        tied[student_id].add(person_id)
    return Asides(declared, tied)


def handling_of(facts: FileFacts, appointments: Appointments, asides: Asides) -> rules.Handling:
    return rules.om2_who_handles(appointments.of_programmes(facts.programme_ids), appointments.central,
                                 asides.of(facts), central_first=facts.with_central)


def handled_ids(user, kind: str, today: date, appointments: Appointments | None = None) -> list[int]:
    """The files of this kind the user handles today (at most six queries, whatever the number of files)."""
    appointments = appointments or appointments_on(today)
    if not appointments.programmes_of(user.pk) and not appointments.is_central(user.pk):
        return []
    facts = _facts(kind, _candidates(kind, appointments, user.pk))
    asides = _asides(kind, facts)
    return [f.pk for f in facts if handling_of(f, appointments, asides).handles(user.pk)]


def files_for(user, kind: str, today: date, appointments: Appointments | None = None) -> QuerySet:
    """The workspace's list of one kind: the files this user handles, with what the list shows."""
    return MODELS[kind].objects.filter(pk__in=handled_ids(user, kind, today, appointments)).select_related(
        *RELATED[kind])


@dataclass
class FilePage:
    """A file this user handles, with who handles it and why."""

    kind: str
    obj: object
    facts: FileFacts
    handling: rules.Handling
    appointments: Appointments
    stand_asides: list = field(default_factory=list)
    ties: list = field(default_factory=list)
    people: dict = field(default_factory=dict)
    programmes: list = field(default_factory=list)
    central: list = field(default_factory=list)

    def capacity_of(self, user_id: int) -> str | None:
        return self.handling.handlers.get(user_id)


def access_file(user, kind: str, pk: int, today: date) -> FilePage:
    """The file if this user handles it today, else 404 ("missing" and "not yours" alike)."""
    if kind not in MODELS:
        raise Http404("No such kind of file.")
    appointments = appointments_on(today)
    facts = _facts(kind, MODELS[kind].objects.filter(pk=pk))
    if not facts:
        raise Http404("No such file.")
    asides = _asides(kind, facts)
    handling = handling_of(facts[0], appointments, asides)
    if not handling.handles(user.pk):
        raise Http404("No such file.")
    obj = MODELS[kind].objects.select_related(*RELATED[kind]).get(pk=pk)
    return FilePage(kind, obj, facts[0], handling, appointments)


def file_page(user, kind: str, pk: int, today: date) -> FilePage:
    """Everything a file page shows around the file: the programmes, their ombudspersons, who stands aside and
    why (recorded stand-asides and declared ties), who handles it now."""
    page = access_file(user, kind, pk, today)
    page.stand_asides = list(StandAside.objects.filter(**{f"{kind}_id": pk}).select_related("user", "recorded_by"))
    page.ties = list(TieDeclaration.objects.filter(student_id=page.facts.student_id).select_related("person"))
    programmes = page.appointments.of_programmes(page.facts.programme_ids)
    ids = set(page.appointments.central) | {u for p in programmes.values() for u in p.principals | p.deputies}
    page.people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    names = dict(Programme.objects.filter(pk__in=page.facts.programme_ids).values_list("pk", "code"))
    aside = {s.user_id for s in page.stand_asides} | {t.person_id for t in page.ties}
    if page.facts.other_party_id:
        aside.add(page.facts.other_party_id)
    page.programmes = [
        {"code": names.get(pid, pid),
         "people": [(page.people.get(u), role, u in aside, page.handling.handlers.get(u))
                    for role, users in ((rules.OMBUDS_PRINCIPAL, people.principals),
                                        (rules.OMBUDS_DEPUTY, people.deputies))
                    for u in sorted(users)]}
        for pid, people in sorted(programmes.items(), key=lambda item: str(names.get(item[0], item[0])))]
    page.central = [(page.people.get(u), u in aside, page.handling.handlers.get(u))
                    for u in sorted(page.appointments.central)]
    return page


def mediation_record(case: MediationCase) -> dict:
    """The confidential part of a mediation case: its notes and its transitions (two queries)."""
    return {"notes": list(case.notes.select_related("author")),
            "transitions": list(case.transitions.select_related("by"))}


# --- The workspace -----------------------------------------------------------------------------------------------


def workspace(user, today: date) -> dict:
    """The ombudsperson's overview: her appointments, the number of files of each kind she handles, the open
    mediation cases, and what she attends (OM-3): coming committee meetings of her programmes and hearings of
    the irregularity files she handles."""
    appointments = appointments_on(today)
    ids = {kind: handled_ids(user, kind, today, appointments) for kind in MODELS}
    principal_of = {p for p, people in appointments.programmes.items() if user.pk in people.principals}
    return {
        "assignments": list(OmbudsAssignment.objects.filter(current_q(today), user=user)
                            .select_related("programme")),
        "seats": list(CommitteeMember.objects.filter(current_q(today), user=user, role="ombudsperson")
                      .select_related("committee__programme")),
        "counts": {kind: len(pks) for kind, pks in ids.items()},
        "open_cases": list(MediationCase.objects.filter(pk__in=ids[FileKind.MEDIATION])
                           .exclude(status="closed").select_related(*RELATED[FileKind.MEDIATION])[:10]),
        "meetings": list(Meeting.objects.filter(committee__programme_id__in=principal_of, held_on__gte=today,
                                                status__in=["planned", "open"])
                         .select_related("committee__programme", "exam_period__academic_year")
                         .order_by("held_on")[:10]),
        "hearings": list(Hearing.objects.filter(irregularity_id__in=ids[FileKind.IRREGULARITY], held_on__gte=today)
                         .select_related("irregularity__student", "irregularity__course_unit")
                         .order_by("held_on")[:10]),
    }


def mediation_programmes_for(user, today: date) -> QuerySet:
    """The programmes for which this user may open a mediation case: where she is a principal or a deputy;
    every programme for the central ombudsperson."""
    appointments = appointments_on(today)
    if appointments.is_central(user.pk):
        return Programme.objects.all()
    return Programme.objects.filter(pk__in=appointments.programmes_of(user.pk))


# --- The student administration's pages --------------------------------------------------------------------------


def coverage(today: date) -> dict:
    """OM-1 for every programme: its current principals, deputies and warnings, plus the central ombudspersons
    (four queries)."""
    appointments = appointments_on(today)
    programmes = list(Programme.objects.order_by("code"))
    per_programme = {p.pk: appointments.programmes.get(p.pk, rules.ProgrammeOmbuds()) for p in programmes}
    warnings = rules.om1_coverage_warnings(per_programme, appointments.central)
    ids = set(appointments.central) | {u for p in per_programme.values() for u in p.principals | p.deputies}
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    by_programme = defaultdict(list)
    for w in warnings:
        by_programme[w.programme_id].append(w.kind)
    rows = [{"programme": p,
             "principals": [people[u] for u in sorted(per_programme[p.pk].principals)],
             "seated": appointments.seated.get(p.pk, frozenset()),
             "deputies": [people[u] for u in sorted(per_programme[p.pk].deputies)],
             "warnings": by_programme.get(p.pk, [])}
            for p in programmes]
    return {"rows": rows, "central": [people[u] for u in sorted(appointments.central)],
            "no_central": "no_central" in by_programme.get(None, []),
            "gaps": sum(1 for r in rows if r["warnings"])}


def assignments() -> QuerySet:
    return OmbudsAssignment.objects.select_related("user", "programme", "recorded_by")


def file_views() -> QuerySet:
    """The view log, newest first, with who and which file (one query per page)."""
    return FileView.objects.select_related("user", "appeal__student", "irregularity__student",
                                           "irregularity__course_unit", "mediation__student")


def views_of_file(kind: str, pk: int) -> tuple[object, QuerySet]:
    """The file (404 when missing) and its views. The log is read by the administration whatever the scope."""
    if kind not in MODELS:
        raise Http404("No such kind of file.")
    obj = MODELS[kind].objects.select_related("student").filter(pk=pk).first()
    if obj is None:
        raise Http404("No such file.")
    return obj, file_views().filter(**{f"{kind}_id": pk})
