"""Who gets what on every page: the one role-by-page table of the project, walked by test_url_walk.py.

Every URL pattern of the project (config/urls.py, recursively, the admin included) needs at least one row here;
a new page without a row fails ``test_every_url_pattern_has_a_row``. A row names a page, the records its URL
points to (attributes of tests/security/world.py, e.g. ``"committee.pk"``; ``"=text"`` is the literal text) and
the answer each persona gets:

- ``ok``: these personas get ``code`` (200 for a page; 302 for an action that redirects after doing its work);
- ``missing``: these get 404 (the object-level rules: "not yours" answers like "does not exist");
- ``answers``: any other answer for a persona, spelled out;
- every other signed-in persona gets 403, and the anonymous visitor 302 to the log-in page.

The sets below are written out persona by persona on purpose, not imported from the views: the table is the
specification the views are checked against, so that removing a check from a view makes the walk fail.

GET for pages, POST (with an empty form) for actions that only accept POST. Object-level rows come in pairs:
a record the persona may see and one she may not (see world.py for who may not see what).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .world import PERSONAS

ANON, OUT, ADM, ADV, LEC, CH, SEC, MEM, OMB, APS, APC, APM, SU = PERSONAS

EVERYONE = frozenset(PERSONAS) - {ANON}
STUDENT_READERS = {ADM, ADV, SU}
STUDENT_WRITERS = {ADM, SU}
RESULT_ENTRY = {ADM, LEC, SU}
EXAM_SEATS = {CH, SEC, MEM, OMB, ADV}  # the demo committee's seats (BA-REV)
COMMITTEE_READERS = {ADM, SU} | EXAM_SEATS
IRREGULARITY_READERS = {ADM, CH, SEC, MEM, OMB, SU}
APPEAL_READERS = {ADM, APS, APC, APM, OMB, SU}
APPEAL_KEEPERS = {APS, APC, SU}
APPEALS_COMMITTEE = {APS, APC, APM, SU}


@dataclass(frozen=True)
class Row:
    name: str  # URL name; for an unnamed pattern, the route
    args: dict = field(default_factory=dict)
    ok: frozenset = frozenset()
    code: int = 200
    missing: frozenset = frozenset()
    answers: dict = field(default_factory=dict)
    method: str = "GET"
    query: str = ""
    path: str = ""  # for unnamed patterns: the path, with {attribute} placeholders
    anonymous: int = 302
    public: bool = False  # the anonymous visitor is not sent to the log-in page

    def expected(self, persona: str) -> int:
        if persona in self.answers:
            return self.answers[persona]
        if persona == ANON:
            return self.anonymous
        if persona in self.ok:
            return self.code
        if persona in self.missing:
            return 404
        return 403

    @property
    def label(self) -> str:
        shown = ",".join(f"{k}={v}" for k, v in self.args.items())
        return f"{self.method} {self.name or self.path}({shown}){self.query}"


def row(name, args=None, *, ok=(), missing=(), **kw) -> Row:
    return Row(name, dict(args or {}), frozenset(ok), missing=frozenset(missing), **kw)


def post(name, args=None, **kw) -> Row:
    kw.setdefault("code", 302)
    return row(name, args, method="POST", **kw)


ROWS: list[Row] = [
    # ------------------------------------------------------------------------ shell
    row("dashboard", ok=EVERYONE),
    row("login", ok=EVERYONE, answers={ANON: 200}, public=True),
    post("logout", ok=EVERYONE, anonymous=302, public=True),
    post("set_language", ok=EVERYONE, anonymous=302, public=True),
    # ------------------------------------------------------------------------ students
    row("students:list", ok=STUDENT_READERS),
    row("students:list", ok=STUDENT_READERS, query="?format=csv"),
    row("students:audit", ok={ADM, SU}),
    row("students:audit", ok={ADM, SU}, query="?record_type=student&user=a&reason=x&date_from=2026-01-01"),
    row("students:detail", {"number": "student.number"}, ok=STUDENT_READERS),
    row("students:detail", {"number": "=0000000"}, missing=STUDENT_READERS),
    row("students:statement_pdf", {"number": "student.number"}, ok=STUDENT_READERS),
    row("students:register_opening", {"number": "student.number"}, ok=STUDENT_WRITERS),
    row("students:correction", {"number": "student.number"}, ok=STUDENT_WRITERS),
    # ------------------------------------------------------------------------ enrolment
    row("enrolment:enrol", {"number": "other_student.number"}, ok=STUDENT_WRITERS),
    row("enrolment:add_unit", {"pk": "contract.pk"}, ok=STUDENT_WRITERS),
    row("enrolment:withdraw", {"pk": "contract.pk"}, ok=STUDENT_WRITERS),
    # Deadlines (issue 5): the student administration, and the committee roles (their programmes' records only)
    row("enrolment:deadlines", ok={ADM, CH, SEC, MEM, SU}),
    row("enrolment:deadline_run", {"pk": "sweep_run.pk"}, ok={ADM, CH, SEC, MEM, SU}),
    row("enrolment:deadline_run", {"pk": "=999999"}, missing={ADM, CH, SEC, MEM, SU}),
    # The outbox: the student administration only
    row("enrolment:outbox", ok={ADM, SU}),
    post("enrolment:outbox_retry", {"pk": "notice.pk"}, ok={ADM, SU}),
    post("enrolment:outbox_retry_all", ok={ADM, SU}),
    row("enrolment:change_programme", {"pk": "contract.pk"}, ok=STUDENT_WRITERS),
    row("enrolment:remove_unit", {"pk": "line.pk"}, ok=STUDENT_WRITERS),
    # ------------------------------------------------------------------------ results
    row("examinations:results_units", ok=RESULT_ENTRY),
    row("examinations:results_import", ok=RESULT_ENTRY),
    row("examinations:results_grid", {"code": "own_unit.code", "year": "year.code", "period": "own_period.code"},
        ok=RESULT_ENTRY),
    row("examinations:results_grid", {"code": "own_unit.code", "year": "year.code", "period": "own_period.code"},
        ok=RESULT_ENTRY, query="?format=csv"),
    row("examinations:results_grid", {"code": "other_unit.code", "year": "year.code",
                                      "period": "other_unit_period.code"}, ok={ADM, SU}, missing={LEC}),
    row("examinations:results_student", {"number": "student.number"}, ok={ADM, ADV, CH, SEC, MEM, SU}),
    row("examinations:results_student", {"number": "other_student.number"}, ok={ADM, ADV, SU},
        missing={CH, SEC, MEM}),
    row("examinations:results_second_opportunity", {"number": "student.number", "year": "year.code"},
        ok={ADM, SU}),
    row("examinations:results_retake", {"number": "student.number", "year": "year.code"}, ok={ADM, SU}),
    row("examinations:material_errors", ok={ADM, SU}),
    row("examinations:material_error", {"pk": "material_error.pk"}, ok={ADM, SU}),
    row("examinations:material_error_report", {"pk": "result.pk"}, ok={ADM, SU}),
    # ------------------------------------------------------------------------ examination committees
    row("examinations:committee_list", ok=COMMITTEE_READERS),
    post("examinations:committee_create", ok={ADM, SU}),
    row("examinations:committee_detail", {"pk": "committee.pk"}, ok=COMMITTEE_READERS),
    row("examinations:committee_detail", {"pk": "other_committee.pk"}, ok={ADM, SU}, missing=EXAM_SEATS),
    row("examinations:member_add", {"pk": "committee.pk"}, ok={ADM, SU}),
    post("examinations:member_end", {"pk": "committee.pk", "member_pk": "member_seat.pk"}, ok={ADM, SU}),
    row("examinations:tie_list", ok={ADM, SU}),
    row("examinations:meeting_create", {"pk": "committee.pk"}, ok={ADM, CH, SEC, SU}),
    row("examinations:meeting_create", {"pk": "other_committee.pk"}, ok={ADM, SU}, missing={CH, SEC, MEM}),
    row("examinations:meeting_detail", {"pk": "meeting.pk"}, ok=COMMITTEE_READERS),
    row("examinations:meeting_detail", {"pk": "other_meeting.pk"}, ok={ADM, SU}, missing=EXAM_SEATS),
    post("examinations:meeting_attendance", {"pk": "meeting.pk"}, ok={ADM, CH, SEC, SU}),
    post("examinations:meeting_attendance", {"pk": "other_meeting.pk"}, ok={ADM, SU}, missing={CH, SEC, MEM}),
    post("examinations:meeting_open", {"pk": "meeting.pk"}, ok={ADM, CH, SEC, SU}),
    post("examinations:meeting_close", {"pk": "meeting.pk"}, ok={ADM, CH, SEC, SU}),
    post("examinations:meeting_close", {"pk": "other_meeting.pk"}, ok={ADM, SU}, missing={CH, SEC, MEM}),
    post("examinations:meeting_sign", {"pk": "meeting.pk"}, ok={CH, SEC, MEM, SU}),
    post("examinations:meeting_sign", {"pk": "other_meeting.pk"}, ok={SU}, missing={CH, SEC, MEM}),
    post("examinations:meeting_proclaim", {"pk": "meeting.pk"}, ok={ADM, SU}),
    row("examinations:meeting_deliberation", {"pk": "meeting.pk"}, ok=COMMITTEE_READERS),
    row("examinations:meeting_deliberation", {"pk": "other_meeting.pk"}, ok={ADM, SU}, missing=EXAM_SEATS),
    row("examinations:decision", {"pk": "meeting.pk", "number": "student.number"}, ok={CH, SEC, SU}),
    # EC-4: the secretary declared a tie with this student; the chair decides, she may not.
    row("examinations:decision", {"pk": "meeting.pk", "number": "tied_student.number"}, ok={CH, SU}),
    row("examinations:decision", {"pk": "other_meeting.pk", "number": "student.number"}, missing={CH, SEC, MEM},
        answers={SU: 404}),
    post("examinations:tolerance_choice", {"pk": "meeting.pk", "number": "student.number"},
         ok={ADM, CH, SEC, SU}),
    post("examinations:tolerance_choice", {"pk": "meeting.pk", "number": "tied_student.number"},
         ok={ADM, CH, SU}),
    row("examinations:meeting_report", {"pk": "meeting.pk"}, ok=COMMITTEE_READERS),
    row("examinations:meeting_report", {"pk": "other_meeting.pk"}, ok={ADM, SU}, missing=EXAM_SEATS),
    # ------------------------------------------------------------------------ irregularities
    row("examinations:irregularity_list", ok=IRREGULARITY_READERS),
    row("examinations:irregularity_list", ok=IRREGULARITY_READERS, query="?format=csv"),
    row("examinations:irregularity_report", ok={ADM, CH, SEC, SU}),
    row("examinations:irregularity_detail", {"pk": "irregularity.pk"}, ok=IRREGULARITY_READERS),
    row("examinations:irregularity_detail", {"pk": "other_irregularity.pk"}, ok={ADM, SU},
        missing={CH, SEC, MEM, OMB}),
    row("examinations:irregularity_letter", {"pk": "irregularity.pk"}, missing=IRREGULARITY_READERS),
    row("examinations:irregularity_action", {"pk": "irregularity.pk", "action": "=plan-hearing"},
        ok={ADM, CH, SEC, SU}),
    row("examinations:irregularity_action", {"pk": "other_irregularity.pk", "action": "=plan-hearing"},
        ok={ADM, SU}, missing={CH, SEC, MEM}),
    # ------------------------------------------------------------------------ appeals: intake
    row("appeals:appeal_list", ok=APPEAL_READERS),
    row("appeals:appeal_list", ok=APPEAL_READERS, query="?format=csv"),
    row("appeals:appeal_intake", ok={APS, SU}),
    row("appeals:appeal_detail", {"pk": "appeal.pk"}, ok=APPEAL_READERS),
    row("appeals:appeal_detail", {"pk": "excluded_appeal.pk"}, ok=APPEAL_READERS - {APM}, missing={APM}),
    row("appeals:appeal_detail", {"pk": "other_appeal.pk"}, ok=APPEAL_READERS - {OMB}, missing={OMB}),
    row("appeals:appeal_admissibility", {"pk": "appeal.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:appeal_arguments", {"pk": "appeal.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:appeal_document_add", {"pk": "excluded_appeal.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:appeal_document", {"pk": "excluded_appeal.pk", "doc": "document.pk"}, ok={APS, APC, OMB, SU},
        missing={APM}),
    # ------------------------------------------------------------------------ appeals committee
    row("appeals:committee_pool", ok=APPEAL_KEEPERS),
    row("appeals:committee_pool", ok=APPEAL_KEEPERS, query="?format=csv"),
    post("appeals:committee_pool_add", ok=APPEAL_KEEPERS, code=400),  # the empty form: the pool page, 400
    post("appeals:committee_pool_end", {"pk": "pool_member.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:committee_appeals", ok=APPEALS_COMMITTEE),
    row("appeals:committee_appeal", {"pk": "appeal.pk"}, ok=APPEALS_COMMITTEE),
    row("appeals:committee_appeal", {"pk": "excluded_appeal.pk"}, ok=APPEALS_COMMITTEE - {APM}, missing={APM}),
    row("appeals:committee_exclude", {"pk": "excluded_appeal.pk"}, ok={APC, SU}),
    row("appeals:committee_hearing_plan", {"pk": "excluded_appeal.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:committee_hearing_record", {"pk": "appeal.pk", "hearing_pk": "hearing.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:committee_motion", {"pk": "excluded_appeal.pk"}, ok=APPEAL_KEEPERS),
    post("appeals:committee_vote", {"pk": "appeal.pk", "motion_pk": "motion.pk"}, ok=APPEALS_COMMITTEE),
    # A voting member votes; closing the vote is for the chair and the secretary.
    post("appeals:committee_vote_close", {"pk": "appeal.pk", "motion_pk": "motion.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:committee_later_date", {"pk": "excluded_appeal.pk"}, ok=APPEAL_KEEPERS),
    row("appeals:committee_letter", {"pk": "appeal.pk"}, ok=APPEALS_COMMITTEE),
    row("appeals:committee_letter", {"pk": "excluded_appeal.pk"}, missing=APPEALS_COMMITTEE),
    post("appeals:committee_letter_send", {"pk": "appeal.pk"}, ok=APPEAL_KEEPERS),
    # ------------------------------------------------------------------------ ombudspersons
    row("appeals:ombuds_workspace", ok={OMB, SU}),
    row("appeals:ombuds_files", {"kind": "=appeal"}, ok={OMB, SU}),
    row("appeals:ombuds_files", {"kind": "=irregularity"}, ok={OMB, SU}),
    row("appeals:ombuds_files", {"kind": "=mediation"}, ok={OMB, SU}),
    row("appeals:ombuds_files", {"kind": "=bogus"}, missing={OMB, SU}),
    row("appeals:ombuds_file", {"kind": "=appeal", "pk": "appeal.pk"}, ok={OMB}, missing={SU}),
    row("appeals:ombuds_file", {"kind": "=appeal", "pk": "other_appeal.pk"}, missing={OMB, SU}),
    row("appeals:ombuds_file", {"kind": "=irregularity", "pk": "irregularity.pk"}, ok={OMB}, missing={SU}),
    row("appeals:ombuds_file", {"kind": "=irregularity", "pk": "other_irregularity.pk"}, missing={OMB, SU}),
    row("appeals:ombuds_file", {"kind": "=mediation", "pk": "mediation.pk"}, ok={OMB}, missing={SU}),
    row("appeals:ombuds_file", {"kind": "=mediation", "pk": "other_mediation.pk"}, missing={OMB, SU}),
    row("appeals:ombuds_stand_aside", {"kind": "=mediation", "pk": "mediation.pk"}, ok={OMB}, missing={SU}),
    row("appeals:ombuds_stand_aside", {"kind": "=mediation", "pk": "other_mediation.pk"}, missing={OMB, SU}),
    row("appeals:ombuds_mediation_open", ok={OMB, SU}),
    post("appeals:ombuds_mediation_note", {"pk": "mediation.pk"}, ok={OMB}, missing={SU}),
    post("appeals:ombuds_mediation_note", {"pk": "other_mediation.pk"}, missing={OMB, SU}),
    row("appeals:ombuds_mediation_move", {"pk": "mediation.pk"}, ok={OMB}, missing={SU}, query="?target=mediating"),
    row("appeals:ombuds_mediation_move", {"pk": "other_mediation.pk"}, missing={OMB, SU}, query="?target=mediating"),
    row("appeals:ombuds_assignments", ok={ADM, SU}),
    row("appeals:ombuds_assignment_add", ok={ADM, SU}),
    row("appeals:ombuds_assignment_end", {"pk": "other_assignment.pk"}, ok={ADM, SU}),
    row("appeals:ombuds_view_log", ok={ADM, SU}),
    row("appeals:ombuds_file_views", {"kind": "=appeal", "pk": "appeal.pk"}, ok={ADM, SU}),
]

# ---------------------------------------------------------------------------- the admin
# Only superusers (staff) reach the admin; everybody else is sent to the admin's log-in page (302). What the
# superuser gets on each model's pages: (changelist, add, change, delete, history).
FULL = (200, 200, 200, 200, 200)
NO_DELETE = (200, 200, 200, 403, 200)
# Records written by the office's own pages (services): the admin shows them, adds none and deletes none.
READ_ONLY = (200, 403, 200, 403, 200)
NO_ADD = (200, 403, 200, 200, 200)
ADMIN_MODELS = {
    "auth.group": FULL,
    "auth.user": FULL,
    "students.student": FULL,
    "students.ledgermovement": READ_ONLY,
    "enrolment.academicyear": FULL,
    "enrolment.programme": FULL,
    "enrolment.courseunit": FULL,
    "examinations.examperiod": NO_DELETE,
    "examinations.examcommittee": FULL,
    "examinations.tiedeclaration": FULL,
    "examinations.meeting": READ_ONLY,
    "examinations.decision": READ_ONLY,
    "examinations.meetingsignature": READ_ONLY,
    "examinations.tolerancechoice": READ_ONLY,
    "examinations.result": READ_ONLY,
    "examinations.materialerror": READ_ONLY,
    "examinations.secondopportunityregistration": READ_ONLY,
    "examinations.retakerequest": READ_ONLY,
    "examinations.courseunitlecturer": FULL,
    "examinations.irregularity": READ_ONLY,
    "appeals.poolmember": READ_ONLY,
    "appeals.appealexclusion": READ_ONLY,
    "appeals.appealhearing": READ_ONLY,
    "appeals.appealmotion": READ_ONLY,
    "appeals.appealdecision": READ_ONLY,
    "appeals.laterdecisionnotice": READ_ONLY,
    "appeals.appeal": READ_ONLY,
    "appeals.admissibilitycheck": READ_ONLY,
    "appeals.ombudsassignment": FULL,
    "appeals.standaside": READ_ONLY,
    "appeals.fileview": READ_ONLY,
    "axes.accessattempt": NO_ADD,
    "axes.accessfailurelog": NO_ADD,
    "axes.accesslog": NO_ADD,
}


def admin(name, args=None, su=200, **kw) -> Row:
    """An admin page: the superuser gets ``su``; everybody else, the anonymous visitor included, is sent to the
    admin's log-in page (302, not 403: they are not staff)."""
    return row(name, args, answers={**{p: 302 for p in PERSONAS if p != SU}, SU: su}, **kw)


ROWS += [
    admin("admin:index"),
    row("admin:login", ok=EVERYONE - {SU}, answers={ANON: 200, SU: 302}, public=True),
    admin("admin:logout", method="POST", su=302, public=True),  # signs out, back to the admin's front page
    admin("admin:password_change"),
    admin("admin:password_change_done"),
    admin("admin:autocomplete", su=403),
    admin("admin:jsi18n"),
    admin("admin:view_on_site", {"content_type_id": "student_type.pk", "object_id": "student.pk"}, su=404),
    admin("admin:app_list", {"app_label": "=students"}),
    admin("", path="/admin/no-such-page/", su=404),
    admin("admin:auth_user_password_change", {"id": "users.outsider.pk"}),
]
for label, codes in ADMIN_MODELS.items():
    prefix = "admin:" + label.replace(".", "_")
    obj = f"admin_objects.{label.replace('.', '_')}.pk"
    for page, code in zip(("changelist", "add", "change", "delete", "history"), codes, strict=True):
        ROWS.append(admin(f"{prefix}_{page}", {} if page in ("changelist", "add") else {"object_id": obj}, su=code))
    # The bare object URL redirects to its change page.
    ROWS.append(admin("", path=f"/admin/{label.replace('.', '/')}/{{{obj}}}/", su=302))
