"""The write actions: fill in -> preview -> confirm. Each test first shows the refusal for a reader (the academic
advisor) and then the success for the student administration with the same input, so the refusal is proven to
come from the permission. State is built through the services (dataset import, enrolment services)."""

import uuid
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from enrolment.models import EnrolmentException, ProgrammeLine, StudyContract
from students.models import LedgerMovement
from students.services import balance_at
from tests.enrolment.factories import table_counts

END = date(2027, 9, 12)


def post(client, url, data, step):
    return client.post(url, {**data, "step": step})


def refused_then_done(client_as, academic_advisor, student_admin, url, data):
    """The reader gets 403 on every step; the administration sees the preview and confirms."""
    reader = client_as(academic_advisor)
    for step in ("preview", "confirm"):
        assert post(reader, url, data, step).status_code == 403
    admin = client_as(student_admin)
    preview = post(admin, url, data, "preview")
    assert preview.status_code == 200
    assert preview.templates[0].name == "enrolment/action_preview.html"
    return preview, admin


def test_enrol(client_as, academic_advisor, student_admin, school):
    bram, units = school["bram"], school["units"]
    url = reverse("enrolment:enrol", args=[bram.number])
    data = {"academic_year": school["contract"].academic_year_id, "programme": school["ba_inf"].pk,
            "kind": "diploma", "enrolled_on": "2026-09-20",
            "units": [units[c].pk for c in ("INF101", "INF102", "INF103")]}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    assert not StudyContract.objects.filter(student=bram).exists()
    page = preview.content.decode()
    assert "The learning account has 140 credits; this enrolment uses 17." in page
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (0, 123)

    done = post(admin, url, data, "confirm")
    assert done.status_code == 302 and done["Location"] == reverse("students:detail", args=[bram.number])
    contract = StudyContract.objects.get(student=bram)
    assert sorted(contract.lines.values_list("course_unit__code", flat=True)) == ["INF101", "INF102", "INF103"]
    assert balance_at(bram.pk, END) == 123
    page = admin.get(done["Location"]).content.decode()
    assert "is enrolled: BA-INF, 2026-2027" in page


def test_enrol_refused_by_a_rule_is_a_form_error_and_saves_nothing(client_as, student_admin, school):
    bram, units = school["bram"], school["units"]
    url = reverse("enrolment:enrol", args=[bram.number])
    data = {"academic_year": school["contract"].academic_year_id, "programme": school["ba_inf"].pk,
            "kind": "diploma", "enrolled_on": "2026-09-20", "units": [units["INF101"].pk]}
    response = post(client_as(student_admin), url, data, "confirm")
    assert response.status_code == 200
    assert "full first-year programme; missing: INF102, INF103" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not StudyContract.objects.filter(student=bram).exists()
    assert not LedgerMovement.objects.filter(student=bram).exists()


def test_blocking_finding_offers_an_exception_decision(client_as, academic_advisor, student_admin, school):
    bram, units = school["bram"], school["units"]
    url = reverse("enrolment:enrol", args=[bram.number])
    data = {"academic_year": school["contract"].academic_year_id, "programme": school["ba_inf"].pk,
            "kind": "diploma", "enrolled_on": "2026-09-20", "units": [units["INF101"].pk]}
    admin = client_as(student_admin)
    preview = post(admin, url, data, "preview")
    assert [f.rule for f in preview.context["findings"] if f.blocking] == ["EN-2"]
    assert preview.context["allowed"] is False
    assert len(preview.context["exception_forms"]) == 1

    decision = {"exc-rule": "EN-2", "exc-decided_by": "Dr. Vos, director of education", "exc-decided_on": "2026-09-18",
                "exc-reference": "DO-2026-041", "exc-reason": "Individualised programme: part-time job."}
    assert post(client_as(academic_advisor), url, {**data, **decision}, "exception").status_code == 403
    assert not EnrolmentException.objects.exists()

    again = post(admin, url, {**data, **decision}, "exception")
    assert again.status_code == 200
    assert EnrolmentException.objects.get().reference == "DO-2026-041"
    assert again.context["allowed"] is True
    assert post(admin, url, data, "confirm").status_code == 302
    assert StudyContract.objects.filter(student=bram).count() == 1


def test_refresh_shows_the_programme_units_without_errors(client_as, student_admin, school):
    url = reverse("enrolment:enrol", args=[school["bram"].number])
    response = post(client_as(student_admin), url, {"programme": school["ba_mat"].pk, "kind": "credit"}, "refresh")
    assert response.status_code == 200
    page = response.content.decode()
    assert "MAT101" in page and "INF101" not in page
    assert not response.context["form"].is_bound
    assert response.context["searchable"] is True
    found = post(client_as(student_admin), url,
                 {"programme": school["ba_mat"].pk, "kind": "credit", "unit_search": "INF10"}, "refresh")
    assert [u.code for u in found.context["other_units"]] == ["INF101", "INF102", "INF103"]


def test_add_unit(client_as, academic_advisor, student_admin, school):
    contract, an = school["contract"], school["an"]
    url = reverse("enrolment:add_unit", args=[contract.pk])
    data = {"unit": school["units"]["INF201"].pk, "added_on": "2026-10-01"}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    assert not contract.lines.filter(course_unit__code="INF201").exists()
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (123, 117)
    assert post(admin, url, data, "confirm").status_code == 302
    assert contract.lines.filter(course_unit__code="INF201").exists()
    assert LedgerMovement.objects.get(student=an, kind="addition").credits == -6


def test_remove_unit_before_the_cut_off_refunds(client_as, academic_advisor, student_admin, school):
    an = school["an"]
    line = ProgrammeLine.objects.get(contract=school["contract"], course_unit__code="INF101")
    url = reverse("enrolment:remove_unit", args=[line.pk])
    data = {"requested_on": "2026-11-05"}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    page = preview.content.decode()
    assert "Refund: +6 credits come back" in page
    line.refresh_from_db()
    assert line.removed_on is None
    assert post(admin, url, data, "confirm").status_code == 302
    line.refresh_from_db()
    assert line.removed_on == date(2026, 11, 5)
    refund = LedgerMovement.objects.get(student=an, kind="refund")
    assert (refund.credits, refund.on, refund.article) == (6, date(2026, 11, 5), "LA-6")


def test_remove_unit_after_the_cut_off_says_no_refund(client_as, student_admin, school, today):
    # A second-semester unit: its deregistration date (28 March) lies after the 15 March refund cut-off.
    today.set(date(2027, 3, 25))
    line = ProgrammeLine.objects.get(contract=school["contract"], course_unit__code="INF103")
    url = reverse("enrolment:remove_unit", args=[line.pk])
    page = post(client_as(student_admin), url, {"requested_on": "2027-03-20"}, "preview").content.decode()
    assert "No refund: the cut-off has passed" in page
    assert "Requests dated from 2027-03-15 on give no credits back." in page


def test_en6_remove_unit_after_halfway_through_its_period_is_refused(client_as, student_admin, school):
    line = ProgrammeLine.objects.get(contract=school["contract"], course_unit__code="INF101")
    url = reverse("enrolment:remove_unit", args=[line.pk])
    page = post(client_as(student_admin), url, {"requested_on": "2026-11-09"}, "preview").content.decode()
    assert "Deregistration from INF101 was possible until 2026-11-08, halfway through its education period S1" in page
    line.refresh_from_db()
    assert line.removed_on is None and not LedgerMovement.objects.filter(kind="refund").exists()


def test_remove_unit_form_explains_la6(client_as, student_admin, school):
    line = ProgrammeLine.objects.get(contract=school["contract"], course_unit__code="INF101")
    page = client_as(student_admin).get(reverse("enrolment:remove_unit", args=[line.pk])).content.decode()
    assert "before 1 December" in page
    assert "2026-12-01" in page
    assert "dated on or before 2026-11-08, the deregistration date of the unit's education period" in page


def test_withdraw(client_as, academic_advisor, student_admin, school):
    contract, an = school["contract"], school["an"]
    url = reverse("enrolment:withdraw", args=[contract.pk])
    data = {"on": "2026-11-20"}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (123, 140)
    contract.refresh_from_db()
    assert contract.active
    assert post(admin, url, data, "confirm").status_code == 302
    contract.refresh_from_db()
    assert contract.deregistered_on == date(2026, 11, 20)
    assert balance_at(an.pk, END) == 140


def test_change_programme(client_as, academic_advisor, student_admin, school):
    contract, an, units = school["contract"], school["an"], school["units"]
    url = reverse("enrolment:change_programme", args=[contract.pk])
    data = {"programme": school["ba_mat"].pk, "on": "2026-10-15", "units": [units["MAT101"].pk, units["MAT102"].pk]}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    assert preview.context["allowed"] is True
    # the old contract's 17 credits come back (LA-7, before 1 December), the new one takes 12
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (123, 128)
    assert post(admin, url, data, "confirm").status_code == 302
    contract.refresh_from_db()
    assert contract.deregistration_reason == "programme_change"
    assert StudyContract.objects.get(student=an, deregistered_on__isnull=True).programme.code == "BA-MAT"
    assert balance_at(an.pk, END) == 128


def test_register_opening(client_as, academic_advisor, student_admin, school):
    bram = school["bram"]
    url = reverse("students:register_opening", args=[bram.number])
    data = {"balance": "97", "as_of": "2026-09-01", "bonus_used": "12"}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    bram.refresh_from_db()
    assert bram.register_balance is None
    assert "+97" in preview.content.decode()
    assert post(admin, url, data, "confirm").status_code == 302
    bram.refresh_from_db()
    assert (bram.register_balance, bram.register_as_of, bram.register_bonus_used) == (97, date(2026, 9, 1), 12)
    assert balance_at(bram.pk, END) == 97


def test_correction(client_as, academic_advisor, student_admin, school):
    an = school["an"]
    url = reverse("students:correction", args=[an.number])
    data = {"credits": "5", "on": "2026-11-02", "reference": "RvS-2026-118", "reason": "Force majeure (illness)."}
    preview, admin = refused_then_done(client_as, academic_advisor, student_admin, url, data)
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (123, 128)
    assert not LedgerMovement.objects.filter(student=an, kind="correction").exists()
    assert post(admin, url, data, "confirm").status_code == 302
    correction = LedgerMovement.objects.get(student=an, kind="correction")
    assert (correction.credits, correction.reference, correction.article) == (5, "RvS-2026-118", "LA-13")


def test_correction_of_zero_is_a_form_error(client_as, student_admin, school):
    url = reverse("students:correction", args=[school["an"].number])
    response = post(client_as(student_admin), url,
                    {"credits": "0", "on": "2026-11-02", "reference": "X", "reason": "Y"}, "confirm")
    assert response.status_code == 200
    assert "A correction of 0 credits changes nothing." in response.content.decode()


@pytest.mark.parametrize("name", ["enrolment:add_unit", "enrolment:withdraw", "enrolment:change_programme"])
def test_write_buttons_only_for_the_administration(client_as, academic_advisor, student_admin, school, name):
    url = reverse("students:detail", args=[school["an"].number])
    button = reverse(name, args=[school["contract"].pk])
    assert button in client_as(student_admin).get(url).content.decode()
    assert button not in client_as(academic_advisor).get(url).content.decode()


def test_add_unit_of_another_programme_to_a_credit_contract_by_code(client_as, student_admin, school):
    from enrolment.services import enrol

    bram, units = school["bram"], school["units"]
    contract = enrol(bram, school["ba_mat"], school["contract"].academic_year, "credit", date(2026, 9, 20),
                     [units["MAT101"].pk])
    url = reverse("enrolment:add_unit", args=[contract.pk])
    admin = client_as(student_admin)
    assert post(admin, url, {"unit": "NOPE", "added_on": "2026-10-01"}, "preview").context["form"].errors["unit"]
    preview = post(admin, url, {"unit": "INF201", "added_on": "2026-10-01"}, "preview")
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (133, 127)
    assert post(admin, url, {"unit": "INF201", "added_on": "2026-10-01"}, "confirm").status_code == 302
    assert contract.lines.filter(course_unit__code="INF201").exists()


def test_change_programme_preview_counts_the_old_contracts_refunds(client_as, student_admin, school):
    from enrolment.services import enrol
    from students.services import record_register_opening

    bram, units = school["bram"], school["units"]
    record_register_opening(bram, 20, date(2026, 9, 1), 0, False)
    old = enrol(bram, school["ba_inf"], school["contract"].academic_year, "diploma", date(2026, 9, 20),
                [units[c].pk for c in ("INF101", "INF102", "INF103")])
    assert balance_at(bram.pk, date(2026, 11, 20)) == 3
    url = reverse("enrolment:change_programme", args=[old.pk])
    data = {"programme": school["ba_mat"].pk, "on": "2026-11-20", "units": [units["MAT101"].pk, units["MAT102"].pk]}
    preview = post(client_as(student_admin), url, data, "preview")
    la14 = next(f for f in preview.context["findings"] if f.rule == "LA-14")
    assert la14.ok, la14.message  # 3 + the 17 refunded on the day of the change: 12 fit
    assert (preview.context["balance_before"], preview.context["balance_after"]) == (3, 8)


def test_enrol_preview_shows_the_contract_type_as_words(client_as, student_admin, school):
    bram, units = school["bram"], school["units"]
    url = reverse("enrolment:enrol", args=[bram.number])
    data = {"academic_year": school["contract"].academic_year_id, "programme": school["ba_inf"].pk,
            "kind": "diploma", "enrolled_on": "2026-09-20",
            "units": [units[c].pk for c in ("INF101", "INF102", "INF103")]}
    client = client_as(student_admin)
    preview = post(client, url, data, "preview")
    summary = dict(preview.context["summary"])
    assert summary["Contract"] == "Diploma contract"
    assert summary["Course units"] == "INF101, INF102, INF103"
    assert "D, i, p" not in preview.content.decode()
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert dict(post(client, url, data, "preview").context["summary"])["Contract"] == "Diplomacontract"


# --------------------------------------------------------------------------- LA-13: one correction once ----
CORRECTION = {"credits": "5", "on": "2026-11-02", "reference": "RvS-2026-118", "reason": "Force majeure (illness)."}


def test_back_then_confirm_again_records_the_correction_once(client_as, student_admin, school):
    an = school["an"]
    url = reverse("students:correction", args=[an.number])
    client = client_as(student_admin)
    token = client.get(url).context["form"]["token"].value()
    assert token
    data = {**CORRECTION, "token": str(token)}
    assert post(client, url, data, "preview").status_code == 200
    assert post(client, url, data, "confirm").status_code == 302
    before = table_counts()
    balance = balance_at(an.pk, END)
    # Back to the preview, Confirm again: the same form's token
    again = post(client, url, data, "confirm")
    assert again.status_code == 200
    message = ("This correction is already recorded (+5 credits on 2026-11-02, decision RvS-2026-118): nothing was "
               "changed.")
    assert message in " ".join(again.context["form"].non_field_errors())
    assert escape(message) in again.content.decode()
    # and a preview of it says so before anyone confirms
    assert message in " ".join(post(client, url, data, "preview").context["form"].non_field_errors())
    assert table_counts() == before and balance_at(an.pk, END) == balance
    assert LedgerMovement.objects.filter(student=an, kind="correction").count() == 1


def test_the_same_decision_filled_in_again_is_refused_too(client_as, student_admin, school):
    an = school["an"]
    url = reverse("students:correction", args=[an.number])
    client = client_as(student_admin)
    assert post(client, url, {**CORRECTION, "token": str(uuid.uuid4())}, "confirm").status_code == 302
    again = post(client, url, {**CORRECTION, "token": str(uuid.uuid4())}, "confirm")
    assert "already recorded" in " ".join(again.context["form"].non_field_errors())
    # another decision of the same size on the same day is a new correction
    other = {**CORRECTION, "reference": "RvS-2026-119", "token": str(uuid.uuid4())}
    assert post(client, url, other, "confirm").status_code == 302
    assert LedgerMovement.objects.filter(student=an, kind="correction").count() == 2


def test_the_database_keeps_a_form_token_once(school):
    from students.services import CorrectionRefused, record_correction

    token = uuid.uuid4()
    record_correction(school["an"], 5, date(2026, 11, 2), "RvS-1", "x", by=None, token=token)
    with pytest.raises(CorrectionRefused):
        record_correction(school["an"], 3, date(2026, 11, 3), "RvS-2", "y", by=None, token=token)
    first = LedgerMovement.objects.get(form_token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerMovement.objects.create(student=school["an"], on=date(2026, 11, 4), kind="correction", credits=1,
                                      cause="manual:99", form_token=first.form_token)
