"""Small fixes from the new-user trial: the bonus credits of the register are "used", not "earned"; a large
negative correction asks for a tick; a missing register opening is pointed out on the student page."""

from datetime import date

from django.urls import reverse

from students.models import LedgerMovement
from students.services import record_register_opening
from tests.enrolment.factories import make_year


def post(client, url, data, step):
    return client.post(url, {**data, "step": step})


def test_bonus_credits_of_the_register_are_used_not_earned(client_as, student_admin, school):
    client = client_as(student_admin)
    form = client.get(reverse("students:register_opening", args=[school["an"].number])).content.decode()
    assert "Bonus credits already used" in form and "earned" not in form
    record_register_opening(school["an"], 97, date(2026, 9, 1), 12, False)
    page = client.get(reverse("students:detail", args=[school["an"].number])).content.decode()
    assert "97 credits on 2026-09-01; 12 of the 60 bonus credits used" in page and "earned" not in page
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("students:detail", args=[school["an"].number])).content.decode()
    assert "12 van de 60 bonusstudiepunten gebruikt" in page


def test_a_correction_taking_away_more_than_30_credits_asks_for_a_tick(client_as, student_admin, school):
    an = school["an"]
    client = client_as(student_admin)
    url = reverse("students:correction", args=[an.number])
    data = {"credits": "-31", "on": "2026-11-02", "reference": "RvS-2026-9", "reason": "Credits wrongly restored."}
    refused = post(client, url, data, "preview")
    assert refused.templates[0].name == "enrolment/action_form.html"
    assert ("This correction takes away 31 credits, more than 30: check the decision&#x27;s number and sign, then "
            "tick the box to confirm.") in refused.content.decode()
    assert post(client, url, data, "confirm").status_code == 200
    assert not LedgerMovement.objects.filter(student=an, kind="correction").exists()

    ticked = {**data, "confirm_large": "on"}
    preview = post(client, url, ticked, "preview")
    assert ("warning", "This correction takes away 31 credits.") in preview.context["notes"]
    assert post(client, url, ticked, "confirm").status_code == 302
    assert LedgerMovement.objects.get(student=an, kind="correction").credits == -31
    # 30 or less, or a positive correction of any size: no tick needed
    assert post(client, url, {**data, "credits": "-30", "reference": "RvS-2026-10"}, "confirm").status_code == 302
    assert post(client, url, {**data, "credits": "45", "reference": "RvS-2026-11"}, "confirm").status_code == 302


def test_a_missing_register_opening_is_pointed_out(client_as, student_admin, academic_advisor, school):
    an = school["an"]
    url = reverse("students:detail", args=[an.number])
    client = client_as(student_admin)
    assert client.get(url).context["register_hint"] is None  # her first enrolment is in the first year on record
    make_year(2025)  # an earlier academic year on record: she may have studied before
    response = client.get(url)
    hint = response.context["register_hint"]
    assert (hint["first_enrolment_year"].code, hint["first_year_on_record"].code) == ("2026-2027", "2025-2026")
    page = response.content.decode()
    assert 'data-testid="register-hint"' in page
    assert "the first enrolment here is in 2026-2027 (the first academic year on record is 2025-2026)" in page
    assert reverse("students:register_opening", args=[an.number]) in page
    assert reverse("students:register_opening", args=[an.number]) not in \
        client_as(academic_advisor).get(url).content.decode()  # readers see the hint, not the button
    # a student without contracts has no account yet; one with a register opening needs no hint
    assert client.get(reverse("students:detail", args=[school["bram"].number])).context["register_hint"] is None
    record_register_opening(an, 97, date(2026, 9, 1), 0, False)
    assert client.get(url).context["register_hint"] is None
