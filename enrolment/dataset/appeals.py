"""The optional ``appeals`` section of eel-dataset/1 (dataset.md, "Sections added by later features").

Input keys: reference, student, decision_kind, decision_notified_on, postmarked_on, received_on. The export
adds lodge_by (AP-2), in_time (AP-3: postmark on or before lodge_by) and decide_by (AP-7). An appeal is a
fact of its intake: importing the same reference again with other values is reported, never overwritten.
"""

from __future__ import annotations

import re

from appeals import rules
from appeals.models import Appeal, DecisionKind
from config.calendar import holidays_around

REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
KEYS = ("student", "decision_kind", "decision_notified_on", "postmarked_on", "received_on")


def validate(ck, data: dict, student_numbers: set[str]) -> list[dict]:
    """Read the section with the importer's checker ``ck``; return the appeals to load."""
    appeals, seen = [], {}
    for i, raw in enumerate(ck.list(data, "appeals", "")):
        path = f"appeals[{i}]"
        a = ck.obj(raw, path)
        if a is None:
            continue
        reference = ck.str(a, "reference", path, REFERENCE_RE, max_len=40)
        student = ck.str(a, "student", path, max_len=20)
        if student and student not in student_numbers:
            ck.bad(f"{path}.student", f"unknown student '{student}'")
            student = None
        kind = ck.choice(a, "decision_kind", path, set(DecisionKind.values))
        notified = ck.date(a, "decision_notified_on", path)
        postmarked = ck.date(a, "postmarked_on", path)
        received = ck.date(a, "received_on", path)
        if postmarked and received and received < postmarked:
            ck.bad(f"{path}.received_on", f"{received} is before the postmark {postmarked}")
            received = None
        if reference:
            if reference in seen:
                ck.bad(f"{path}.reference", f"appeal '{reference}' appears twice (also {seen[reference]})")
                continue
            seen[reference] = path
        if reference and student and kind and notified and postmarked and received:
            appeals.append({"reference": reference, "student": student, "decision_kind": kind,
                            "decision_notified_on": notified, "postmarked_on": postmarked,
                            "received_on": received, "path": path})
    return appeals


def load(appeals: list[dict], problems: list[str], by) -> int:
    """Create the appeals not yet recorded; report one recorded with other facts. Returns how many were new."""
    from students.models import Student

    students = {s.number: s for s in Student.objects.filter(number__in={a["student"] for a in appeals})}
    existing = {a.reference: a for a in Appeal.objects.filter(reference__in=[a["reference"] for a in appeals])
                .select_related("student")}
    new = []
    for a in appeals:
        have = existing.get(a["reference"])
        if have is not None:
            recorded = {k: have.student.number if k == "student" else getattr(have, k) for k in KEYS}
            for k in KEYS:
                if recorded[k] != a[k]:
                    problems.append(f"{a['path']}.{k}: appeal '{a['reference']}' is already recorded with "
                                    f"{k} {recorded[k]}; an appeal's intake facts are not overwritten")
            continue
        notified = a["decision_notified_on"]
        new.append(Appeal(
            reference=a["reference"], student=students[a["student"]], decision_kind=a["decision_kind"],
            decision_notified_on=notified, postmarked_on=a["postmarked_on"], received_on=a["received_on"],
            lodge_by=rules.lodge_by(notified, holidays_around(notified)),
            decide_by=rules.decide_by(a["received_on"]), recorded_by=by,
        ))
    Appeal.objects.bulk_create(new)
    return len(new)


def export() -> list[dict]:
    return [
        {"reference": a.reference, "student": a.student.number, "decision_kind": a.decision_kind,
         "decision_notified_on": a.decision_notified_on.isoformat(), "postmarked_on": a.postmarked_on.isoformat(),
         "received_on": a.received_on.isoformat(), "lodge_by": a.lodge_by.isoformat(), "in_time": a.in_time,
         "decide_by": a.decide_by.isoformat()}
        for a in Appeal.objects.select_related("student").order_by("reference")
    ]
