"""The learning-account statement and the previews name every movement in words (students.labels): what was
added, removed, refunded or corrected and why - never an internal cause key such as "enrol:386"."""

import io
import re
from datetime import date

from django.urls import reverse
from pypdf import PdfReader

from enrolment.services import add_unit, change_programme, remove_unit, withdraw
from students.services import record_correction, record_register_opening

CAUSE_KEY = re.compile(r"\b(enrol|add|refund|restore|bonus|degree|rebuild|manual|opening):[\w-]+")


def statement_labels(client, number, as_of="2027-09-01"):
    response = client.get(reverse("students:detail", args=[number]), {"as_of": as_of})
    page = response.content.decode()
    assert not CAUSE_KEY.search(page), CAUSE_KEY.search(page).group(0)
    return [r["label"] for r in response.context["statement"]["rows"]], page


def test_a_unit_added_on_the_enrolment_day_is_a_correction_of_the_enrolment_in_words(client_as, student_admin,
                                                                                       school):
    contract = school["contract"]
    add_unit(contract, school["units"]["INF201"], contract.enrolled_on)
    client = client_as(student_admin)
    labels, page = statement_labels(client, school["an"].number)
    assert labels == [
        "Opening balance at the first enrolment",
        "Enrolment in BA-INF (diploma contract)",
        "Correction of “Enrolment in BA-INF (diploma contract)”: the units taken at enrolment changed",
    ]
    assert "correction of enrol" not in page
    pdf = client.get(reverse("students:statement_pdf", args=[school["an"].number]), {"as_of": "2027-09-01"})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "the units taken at enrolment changed" in text and not CAUSE_KEY.search(text)

    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    labels, _page = statement_labels(client, school["an"].number)
    assert labels == [
        "Beginsaldo bij de eerste inschrijving",
        "Inschrijving in BA-INF (diplomacontract)",
        "Correctie van “Inschrijving in BA-INF (diplomacontract)”: de bij de inschrijving opgenomen "
        "opleidingsonderdelen zijn gewijzigd",
    ]


def test_additions_removals_withdrawals_register_and_corrections_in_words(client_as, student_admin, school):
    an, units, contract = school["an"], school["units"], school["contract"]
    record_register_opening(an, 100, date(2026, 9, 1), 0, False)
    add_unit(contract, units["INF201"], date(2026, 10, 1))
    remove_unit(contract.lines.get(course_unit__code="INF102"), date(2026, 11, 5))
    record_correction(an, 4, date(2026, 11, 6), "RvS-2026-7", "Force majeure (illness).", by=None)
    withdraw(contract, date(2026, 11, 20))
    labels, page = statement_labels(client_as(student_admin), an.number)
    assert "Opening balance from the government's register" in labels
    assert "Enrolment in BA-INF (diploma contract)" in labels
    assert "Addition of INF201 Operating systems" in labels
    assert "Refund of INF102 Databases: removal from the study programme" in labels
    assert "Correction: Force majeure (illness)." in labels
    assert "Refund of INF101 Programming: withdrawal from BA-INF" in labels
    assert "RvS-2026-7" in page  # the decision's reference in its own column


def test_change_of_programme_in_words_in_the_preview_and_the_statement(client_as, student_admin, school):
    contract, units = school["contract"], school["units"]
    client = client_as(student_admin)
    url = reverse("enrolment:change_programme", args=[contract.pk])
    data = {"programme": school["ba_mat"].pk, "on": "2026-10-15", "units": [units["MAT101"].pk, units["MAT102"].pk],
            "step": "preview"}
    preview = client.post(url, data)
    labels = [m["label"] for m in preview.context["movements"]]
    assert "Refund of INF101: change of programme from BA-INF" in labels
    assert "Enrolment in BA-MAT (diploma contract)" in labels
    assert not CAUSE_KEY.search(preview.content.decode())
    change_programme(contract, school["ba_mat"], date(2026, 10, 15), [units["MAT101"].pk, units["MAT102"].pk])
    labels, _page = statement_labels(client, school["an"].number)
    assert "Refund of INF103 Networks: change of programme from BA-INF" in labels


def test_the_add_unit_preview_names_the_unit(client_as, student_admin, school):
    url = reverse("enrolment:add_unit", args=[school["contract"].pk])
    preview = client_as(student_admin).post(url, {"unit": school["units"]["INF201"].pk, "added_on": "2026-10-01",
                                                  "step": "preview"})
    assert [m["label"] for m in preview.context["movements"]] == ["Addition of INF201"]
