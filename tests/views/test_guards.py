"""The previews run the services' guards: what confirming would refuse is refused at the preview, with the reason
on the form, and the pages offer no action that the guard refuses (a deregistered contract, a removed unit, a unit
with a result, a contract of an academic year that has ended)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from enrolment.models import ProgrammeLine, StudyContract
from enrolment.services import EnrolmentRefused, preview_addition, preview_removal, remove_unit, withdraw
from students.models import LedgerMovement
from tests.enrolment.factories import record_result, table_counts


def post(client, url, data, step):
    return client.post(url, {**data, "step": step})


def refused_at_preview(client, url, data, reason):
    """The preview answers the form again with the service's reason as a form error, and nothing is saved."""
    before = table_counts()
    response = post(client, url, data, "preview")
    assert response.status_code == 200
    assert response.templates[0].name != "enrolment/action_preview.html"
    errors = " ".join(response.context["form"].non_field_errors())
    assert reason in errors
    assert escape(reason) in response.content.decode()
    assert table_counts() == before
    return response


def line(school, code):
    return ProgrammeLine.objects.get(contract=school["contract"], course_unit__code=code)


def test_adding_a_unit_before_the_enrolment_date_is_refused_at_the_preview(client_as, student_admin, school):
    url = reverse("enrolment:add_unit", args=[school["contract"].pk])
    refused_at_preview(client_as(student_admin), url, {"unit": school["units"]["INF201"].pk, "added_on": "2026-09-01"},
                       "The date must fall between the enrolment (2026-09-10) and the end of the academic year "
                       "(2027-09-12).")


def test_removing_a_unit_with_a_result(client_as, student_admin, school):
    inf101 = line(school, "INF101")
    record_result(inf101, 8)
    client = client_as(student_admin)
    url = reverse("enrolment:remove_unit", args=[inf101.pk])
    reason = "INF101 already has a result; it cannot be removed."
    form = client.get(url)
    assert form.context["refusal"] == reason
    assert 'data-testid="refusal"' in form.content.decode()
    refused_at_preview(client, url, {"requested_on": "2026-11-20"}, reason)
    # the student page offers no "Remove" for it, but still for the other units
    page = client.get(reverse("students:detail", args=[school["an"].number])).content.decode()
    assert url not in page
    assert reverse("enrolment:remove_unit", args=[line(school, "INF102").pk]) in page
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert "INF101 heeft al een resultaat; het kan niet geschrapt worden." in client.get(url).content.decode()


def test_removing_a_unit_twice(client_as, student_admin, school):
    inf101 = line(school, "INF101")
    remove_unit(inf101, date(2026, 11, 5))
    client = client_as(student_admin)
    url = reverse("enrolment:remove_unit", args=[inf101.pk])
    reason = "INF101 was already removed on 2026-11-05."
    assert client.get(url).context["refusal"] == reason
    refused_at_preview(client, url, {"requested_on": "2026-11-06"}, reason)


@pytest.mark.parametrize("name", ["enrolment:withdraw", "enrolment:change_programme", "enrolment:add_unit"])
def test_a_deregistered_contract_takes_no_more_changes(client_as, student_admin, school, name):
    contract = school["contract"]
    withdraw(contract, date(2026, 11, 20))
    client = client_as(student_admin)
    url = reverse(name, args=[contract.pk])
    reason = "This contract was deregistered on 2026-11-20; it can no longer be changed."
    form = client.get(url)
    assert form.context["refusal"] == reason
    assert 'value="preview" class="btn btn-primary" disabled' in form.content.decode()
    units = school["units"]
    data = {
        "enrolment:withdraw": {"on": "2026-11-25"},
        "enrolment:change_programme": {"programme": school["ba_mat"].pk, "on": "2026-11-25",
                                       "units": [units["MAT101"].pk, units["MAT102"].pk]},
        "enrolment:add_unit": {"unit": units["INF201"].pk, "added_on": "2026-11-25"},
    }[name]
    refused_at_preview(client, url, data, reason)
    assert StudyContract.objects.filter(student=school["an"]).count() == 1


def test_the_deregistered_contract_shows_no_write_buttons(client_as, student_admin, school):
    contract = school["contract"]
    withdraw(contract, date(2026, 11, 20))
    page = client_as(student_admin).get(reverse("students:detail", args=[school["an"].number])).content.decode()
    for name in ("enrolment:add_unit", "enrolment:withdraw", "enrolment:change_programme"):
        assert reverse(name, args=[contract.pk]) not in page
    assert reverse("enrolment:remove_unit", args=[line(school, "INF101").pk]) not in page


def test_a_contract_of_an_ended_academic_year_shows_no_write_buttons(client_as, student_admin, school, today):
    contract = school["contract"]
    client = client_as(student_admin)
    url = reverse("students:detail", args=[school["an"].number])
    assert reverse("enrolment:withdraw", args=[contract.pk]) in client.get(url).content.decode()
    today.set(date(2027, 9, 13))  # the day after 2026-2027 ends
    page = client.get(url).content.decode()
    for name in ("enrolment:add_unit", "enrolment:withdraw", "enrolment:change_programme"):
        assert reverse(name, args=[contract.pk]) not in page
    assert reverse("enrolment:remove_unit", args=[line(school, "INF101").pk]) not in page
    assert reverse("enrolment:enrol", args=[school["an"].number]) in page  # enrolling in a new year still can


def test_the_service_previews_refuse_like_the_services(school):
    inf101 = line(school, "INF101")
    record_result(inf101, 12)
    with pytest.raises(EnrolmentRefused, match="already has a result"):
        preview_removal(inf101, date(2026, 11, 20))
    with pytest.raises(EnrolmentRefused, match="already has a result"):
        remove_unit(inf101, date(2026, 11, 20))
    with pytest.raises(EnrolmentRefused, match="between the enrolment"):
        preview_addition(school["contract"], school["units"]["INF201"], date(2026, 9, 1))
    assert not LedgerMovement.objects.filter(student=school["an"], kind="refund").exists()


# ------------------------------------------------------------------------- request dates after today ----
@pytest.mark.parametrize("name", ["enrolment:remove_unit", "enrolment:withdraw", "enrolment:change_programme"])
def test_a_request_dated_after_today_is_refused(client_as, student_admin, school, today, name):
    units = school["units"]
    target = line(school, "INF103").pk if name == "enrolment:remove_unit" else school["contract"].pk
    url = reverse(name, args=[target])
    field = "requested_on" if name == "enrolment:remove_unit" else "on"
    data = {"programme": school["ba_mat"].pk, "units": [units["MAT101"].pk, units["MAT102"].pk]} \
        if name == "enrolment:change_programme" else {}
    client = client_as(student_admin)
    reason = ("The date of the student's request (2027-01-16) is after today (2027-01-15): record a request once "
              "it has been made.")
    refused_at_preview(client, url, {**data, field: "2027-01-16"}, reason)
    response = post(client, url, {**data, field: "2027-01-16"}, "confirm")  # a forged confirmation too
    assert reason in " ".join(response.context["form"].non_field_errors())
    # today itself is fine
    assert post(client, url, {**data, field: "2027-01-15"}, "preview").templates[0].name == \
        "enrolment/action_preview.html"


def test_the_future_request_rule_takes_today_as_an_argument():
    from enrolment.rules import ContractState, LineState, deregistration_refusal, removal_refusal

    contract = ContractState("BA-INF", "diploma", date(2026, 9, 10), "2026-2027", date(2027, 9, 12))
    inf101 = LineState("INF101", date(2026, 9, 10))
    assert removal_refusal(contract, inf101, date(2026, 11, 20), today=date(2026, 11, 20)) is None
    assert "after today" in removal_refusal(contract, inf101, date(2026, 11, 21), today=date(2026, 11, 20))
    assert deregistration_refusal(contract, date(2026, 12, 1), today=date(2027, 1, 1)) is None
    assert "after today" in deregistration_refusal(contract, date(2027, 1, 2), today=date(2027, 1, 1))
