"""Read side of the appeals' intake: who sees which appeal (:func:`appeals_for`), the list, the appeal's file page,
each in a fixed number of queries.

Scoping, in one place (:func:`appeals_for`): the appeals committee's secretary and the student administration
(read only) see every appeal; the chair every appeal but one he excluded himself from (AP-5); a member of the
appeals committee the appeals she sits on (:func:`member_scope`, the committee module's predicate); an
ombudsperson the appeals she handles: her programmes', unless she stood aside (:func:`ombuds_scope`, the
ombudspersons' module's rule); anybody else none. An appeal outside one's scope is answered as missing (404).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from config.access import Role, has_role, user_roles

from . import queries_committee, queries_ombuds, rules
from .models import AdmissibilityCheck, AdmissibilityPoint, Appeal, AppealStatus, EvidenceDocument
from .services import intake as services

#: Who may open the list and the appeal's file at all (the object scope narrows it further).
FILE_READERS = (Role.APPEALS_SECRETARY, Role.APPEALS_CHAIR, Role.APPEALS_MEMBER, Role.STUDENT_ADMIN,
                Role.OMBUDSPERSON)
#: Who registers a letter as an appeal (UH 19.3.3: the secretary receives it for the chair).
INTAKE = (Role.APPEALS_SECRETARY,)
#: Who keeps the file: the checklist, the arguments of a conservatory appeal, the evidence (UH 19.4.1).
FILE_KEEPERS = (Role.APPEALS_SECRETARY, Role.APPEALS_CHAIR)
#: Who may download evidence: those who handle the appeal. The student administration reads the facts and the
#: status, not the documents (they may hold medical or personal evidence it does not need).
DOCUMENT_READERS = (Role.APPEALS_SECRETARY, Role.APPEALS_CHAIR, Role.APPEALS_MEMBER, Role.OMBUDSPERSON)

#: "Decision due soon": within this many calendar days.
SOON_DAYS = 7
OPEN_STATUSES = tuple(s for s in AppealStatus.values if s != AppealStatus.DECIDED)


def member_scope(user, today: date | None = None) -> Q:
    """The appeals an appeals committee member sits on and was not excluded from (AP-5; the committee module's
    predicate, ``appeals.queries_committee.member_scope``)."""
    return queries_committee.member_scope(user, today)


def chair_scope(user) -> Q:
    """The chair sees every appeal except one he excluded himself from as involved (AP-5, UH 19.1.2)."""
    return ~queries_committee.excluded_scope(user)


def ombuds_scope(user, today: date | None = None) -> Q:
    """The appeals an ombudsperson handles today: those of her programmes, unless she stood aside (then her deputy
    or the central ombudsperson handles them; OM-1, OM-2), as the ombudspersons' workspace decides
    (``appeals.queries_ombuds.handled_ids``)."""
    return Q(pk__in=queries_ombuds.handled_ids(user, "appeal", today or timezone.localdate()))


def appeals_for(user, today: date | None = None) -> QuerySet:
    """The appeals this user may see, with what the list shows (one query per page)."""
    qs = Appeal.objects.select_related("student", "programme")
    if not user.is_authenticated:
        return qs.none()
    roles = user_roles(user)
    if user.is_superuser or roles & {Role.APPEALS_SECRETARY, Role.STUDENT_ADMIN}:
        return qs
    if Role.APPEALS_CHAIR in roles:
        return qs.filter(chair_scope(user))
    q = Q(pk__in=[])
    if Role.APPEALS_MEMBER in roles:
        q |= member_scope(user, today)
    if Role.OMBUDSPERSON in roles:
        q |= ombuds_scope(user, today)
    return qs.filter(q)


def access_appeal(user, pk: int, today: date | None = None) -> Appeal:
    """The appeal, or 404 when it does not exist or is not this user's to see."""
    try:
        return appeals_for(user, today).select_related(
            "contested_decision__programme", "contested_decision__exam_period__academic_year",
            "contested_decision__proclamation", "contested_irregularity__course_unit",
            "contested_irregularity__exam_period__academic_year", "recorded_by").get(pk=pk)
    except Appeal.DoesNotExist:
        raise Http404("No such appeal.")


def may_keep_file(user) -> bool:
    return has_role(user, FILE_KEEPERS)


def may_read_documents(user) -> bool:
    return has_role(user, DOCUMENT_READERS)


def deadline_q(kind: str, today: date) -> Q:
    """The list's deadline filter: the decision (AP-7) due within :data:`SOON_DAYS`, or past, on open appeals."""
    open_ = Q(status__in=OPEN_STATUSES)
    if kind == "soon":
        return open_ & Q(decide_by__gte=today, decide_by__lte=today + timedelta(days=SOON_DAYS))
    if kind == "past":
        return open_ & Q(decide_by__lt=today)
    return Q()


def row_state(appeal: Appeal, today: date) -> dict:
    """What a list row shows beside the facts: days left to decide (AP-7), and whether that is soon or past."""
    left = rules.days_left(appeal.decide_by, today)
    decided = appeal.status == AppealStatus.DECIDED
    return {"days_left": left, "days_past": -left, "overdue": not decided and left < 0,
            "soon": not decided and 0 <= left <= SOON_DAYS, "decided": decided}


def deadlines(appeal: Appeal, today: date) -> list[dict]:
    """The file page's deadlines: AP-2's last day (met or late, by the postmark) and AP-7's decision date with the
    days that remain."""
    decided = appeal.status == AppealStatus.DECIDED
    left = rules.days_left(appeal.decide_by, today)
    return [
        {"what": "lodge", "rule": "AP-2", "article": "UH 19.3.2", "due": appeal.lodge_by,
         "done_on": appeal.postmarked_on, "state": "met" if appeal.in_time else "late", "days_left": None},
        {"what": "decide", "rule": "AP-7", "article": "UH 19.4.3-5", "due": appeal.decide_by, "done_on": None,
         "state": "closed" if decided else ("overdue" if left < 0 else "open"),
         "days_left": None if decided else left, "days_past": -left},
    ]


def checklists_of(appeal: Appeal) -> list[AdmissibilityCheck]:
    """Every version of the checklist, newest first, with its answers in the order of the article."""
    checks = list(AdmissibilityCheck.objects.filter(appeal=appeal).select_related("recorded_by")
                  .prefetch_related("answers").order_by("-version"))
    order = {p: i for i, p in enumerate(rules.POINTS)}
    for c in checks:
        c.ordered_answers = sorted(c.answers.all(), key=lambda a: order.get(a.point, 99))
    return checks


def file_page(user, pk: int, today: date) -> dict:
    """Everything the appeal's page shows: the facts, deadlines, the checklists, the other appeals on the same
    decision, the documents, the status history, and what this user may do."""
    appeal = access_appeal(user, pk, today)
    others = services.other_appeals(appeal)
    keeper = may_keep_file(user)
    computed = services.computed_points(appeal, others)
    labels = dict(AdmissibilityPoint.choices)
    arguments_pending = appeal.conservatory and appeal.arguments_received_on is None
    return {
        "appeal": appeal,
        "deadlines": deadlines(appeal, today),
        "checklists": checklists_of(appeal),
        "others": others,
        "computed_rows": [{"point": p, "label": labels[p], "ok": ok, "reason": reason}
                          for p, (ok, reason) in computed.items()],
        "arguments_label": labels[rules.ARGUMENTS],
        "documents": list(EvidenceDocument.objects.filter(appeal=appeal).select_related("uploaded_by")),
        "transitions": list(appeal.transitions.select_related("by")),
        "arguments_pending": arguments_pending,
        "can_check": keeper and appeal.status in (AppealStatus.RECEIVED, AppealStatus.ADMISSIBLE,
                                                  AppealStatus.INADMISSIBLE),
        "can_record_arguments": keeper and arguments_pending and appeal.status != AppealStatus.DECIDED,
        "can_add_document": keeper and appeal.status != AppealStatus.DECIDED,
        "can_read_documents": may_read_documents(user),
    }


def document_for(user, appeal_pk: int, doc_pk: int, today: date) -> EvidenceDocument:
    """An evidence document of an appeal this user may see, or 404."""
    appeal = access_appeal(user, appeal_pk, today)
    try:
        return EvidenceDocument.objects.select_related("appeal").get(appeal=appeal, pk=doc_pk)
    except EvidenceDocument.DoesNotExist:
        raise Http404("No such document.")


def find_student(number: str):
    from students.models import Student

    return Student.objects.filter(number=(number or "").strip()).first()


def student_programmes(student_id: int):
    """The programmes of the student's contracts (to name the programme of a decision entered by hand)."""
    from enrolment.models import Programme

    return (Programme.objects.filter(contracts__student_id=student_id).distinct()
            .order_by("code"))
