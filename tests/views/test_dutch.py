"""Dutch pages say everything in Dutch: the checks' findings and refusals (enrolment.rules, the services), the
notes of the previews, the labels of the movements, the option lists ("6 studiepunten", not "6 cr")."""

from html.parser import HTMLParser

from django.urls import reverse

from tests.enrolment.factories import record_result

# English that must not survive on a Dutch page (the programme names of the test data are English themselves).
ENGLISH = ("The ", " the ", " credits", "cannot", " cr)", "enrolment", "Refund", "contract for", "Already in")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        self.parts += [v for k, v in attrs if k in ("title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(response) -> str:
    parser = VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def assert_dutch(response, *expected):
    text = visible(response)
    for phrase in expected:
        assert phrase in text, phrase
    left = [e for e in ENGLISH if e in text]
    assert not left, (left, text)


def dutch(client):
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    return client


def test_enrolment_checks_and_refusals_in_dutch(client_as, student_admin, school):
    client = dutch(client_as(student_admin))
    units = school["units"]
    url = reverse("enrolment:enrol", args=[school["bram"].number])
    data = {"academic_year": school["contract"].academic_year_id, "programme": school["ba_inf"].pk,
            "kind": "diploma", "enrolled_on": "2026-09-20", "units": [units["INF101"].pk]}
    assert_dutch(client.post(url, {**data, "step": "preview"}),
                 "Geen enkel opleidingsonderdeel wordt dit academiejaar twee keer opgenomen.",
                 "Het leerkrediet bedraagt 140 studiepunten; deze inschrijving gebruikt er 6.",
                 "Een eerste inschrijving in een bacheloropleiding neemt het volledige modeltraject van het eerste "
                 "jaar op; ontbrekend: INF102, INF103.",
                 "6 studiepunten dit academiejaar (hoogstens 72).",
                 "Beginsaldo bij de eerste inschrijving", "Inschrijving in BA-INF (diplomacontract)")
    assert_dutch(client.post(url, {**data, "step": "confirm"}), "De inschrijving kan niet bewaard worden:")


def test_action_previews_and_forms_in_dutch(client_as, student_admin, school):
    client = dutch(client_as(student_admin))
    contract, units = school["contract"], school["units"]
    add = reverse("enrolment:add_unit", args=[contract.pk])
    assert_dutch(client.get(add), "INF201 Operating systems (6 studiepunten)")
    assert_dutch(client.post(add, {"unit": units["INF201"].pk, "added_on": "2026-10-01", "step": "preview"}),
                 "Toevoeging van INF201", "Het leerkrediet bedraagt 123 studiepunten; deze inschrijving gebruikt er 6.")
    withdraw = reverse("enrolment:withdraw", args=[contract.pk])
    assert_dutch(client.post(withdraw, {"on": "2026-11-20", "step": "preview"}),
                 "Teruggave: +17 studiepunten komen terug op het leerkrediet (LA-7).",
                 "Teruggave voor INF101: uitschrijving uit BA-INF")
    line = contract.lines.get(course_unit__code="INF101")
    record_result(line, 14)
    remove = reverse("enrolment:remove_unit", args=[line.pk])
    assert_dutch(client.post(remove, {"requested_on": "2026-11-20", "step": "preview"}),
                 "INF101 heeft al een resultaat; het kan niet geschrapt worden.")
    assert_dutch(client.get(reverse("students:detail", args=[school["an"].number]), {"as_of": "2027-09-01"}),
                 "Studiecontracten", "Inschrijving in BA-INF (diplomacontract)")


def test_the_preview_lets_long_dutch_words_wrap(client_as, student_admin, school):
    client = dutch(client_as(student_admin))
    response = client.post(reverse("enrolment:withdraw", args=[school["contract"].pk]),
                           {"on": "2026-11-20", "step": "preview"})
    page = response.content.decode()
    assert 'class="row small mb-0 eel-summary"' in page and 'class="eel-movement"' in page
    css = client.get("/static/css/eel.css")
    assert b".eel-movement { min-width: 12rem; overflow-wrap: anywhere; }" in b"".join(css.streaming_content)
