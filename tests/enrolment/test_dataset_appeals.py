"""The optional ``appeals`` section of eel-dataset/1: AP-2 lodge_by, AP-3 in_time, AP-7 decide_by."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from appeals.models import Appeal
from tests.enrolment import datasets as ds
from tests.enrolment.test_dataset_import import import_file, import_refused

pytestmark = pytest.mark.django_db


def appeal(reference="AP-1", notified="2027-02-01", postmarked="2027-02-08", received="2027-02-09",
           student="2600001", kind="exam_decision") -> dict:
    return {"reference": reference, "student": student, "decision_kind": kind, "decision_notified_on": notified,
            "postmarked_on": postmarked, "received_on": received}


def with_appeals(*appeals) -> dict:
    data = ds.dataset(students=[ds.student("2600001")])
    data["appeals"] = list(appeals)
    return data


def exported(reference: str) -> dict:
    out = io.StringIO()
    call_command("export_dataset", stdout=out)
    return next(a for a in json.loads(out.getvalue())["appeals"] if a["reference"] == reference)


def test_ap2_ap7_an_ordinary_week(tmp_path):
    import_file(tmp_path, with_appeals(appeal()))
    assert exported("AP-1") == {**appeal(), "lodge_by": "2027-02-08", "in_time": True,
                                     "decide_by": "2027-03-01"}


def test_ap2_a_seventh_day_on_saturday_moves_to_monday(tmp_path):
    # Notified Saturday 7 November 2026: day 7 is Saturday 14 November -> Monday 16 November.
    import_file(tmp_path, with_appeals(appeal(notified="2026-11-07", postmarked="2026-11-16",
                                              received="2026-11-17")))
    assert exported("AP-1")["lodge_by"] == "2026-11-16"
    assert exported("AP-1")["in_time"] is True


def test_ap2_a_seventh_day_on_a_public_holiday_moves_to_the_next_working_day(tmp_path):
    # Notified 4 November 2026: day 7 is Wednesday 11 November (Armistice) -> Thursday 12 November.
    import_file(tmp_path, with_appeals(appeal(notified="2026-11-04", postmarked="2026-11-13",
                                              received="2026-11-16")))
    row = exported("AP-1")
    assert (row["lodge_by"], row["in_time"]) == ("2026-11-12", False)


def test_ap3_postmark_after_the_last_day_is_late(tmp_path):
    import_file(tmp_path, with_appeals(appeal(postmarked="2027-02-09", received="2027-02-10")))
    assert exported("AP-1")["in_time"] is False
    assert exported("AP-1")["decide_by"] == "2027-03-02"


def test_appeals_import_twice_is_idempotent_and_a_changed_fact_is_refused(tmp_path):
    import_file(tmp_path, with_appeals(appeal()))
    import_file(tmp_path, with_appeals(appeal()))
    assert Appeal.objects.count() == 1
    message, problems = import_refused(tmp_path, with_appeals(appeal(received="2027-02-10")))
    assert any("appeals[0].received_on" in p and "already recorded" in p for p in problems)
    assert Appeal.objects.get().received_on.isoformat() == "2027-02-09"


def test_bad_appeals_load_nothing_and_name_every_problem(tmp_path):
    _, problems = import_refused(tmp_path, with_appeals(
        appeal(student="9999999"), appeal(reference="AP-2", kind="grade_complaint"),
        appeal(reference="AP-3", received="2027-02-01"), appeal(reference="AP-3", notified="yesterday"),
    ))
    text = "\n".join(problems)
    assert "appeals[0].student: unknown student '9999999'" in text
    assert "appeals[1].decision_kind" in text
    assert "appeals[2].received_on" in text
    assert "appeals[3].reference" in text and "appeals[3].decision_notified_on" in text
    assert not Appeal.objects.exists()
