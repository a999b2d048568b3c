"""Option lists are wide enough to read their longest option whole, in Dutch, on a laptop screen (1280 px):
the enrolment form (academic year, programme, contract) and the student list's filters."""

import pytest
from django.urls import reverse

from enrolment.dataset.importer import import_dataset
from tests.views.conftest import PROGRAMMES, TODAY, dataset, enrolment, student

pytestmark = pytest.mark.browser

# For each <select>: the width of its longest option's text and the room inside the box (without the padding
# and the arrow), in CSS pixels.
MEASURE = """els => els.map(e => {
  const style = getComputedStyle(e);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const longest = Math.max(...[...e.options].map(o => ctx.measureText(o.text).width));
  const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [e.name, Math.ceil(longest), Math.floor(room)];
})"""


@pytest.fixture(autouse=True)
def today(monkeypatch):
    from tests.clock import Clock

    return Clock(monkeypatch, TODAY)


@pytest.fixture
def long_names(transactional_db):
    programmes = PROGRAMMES + [{"code": "VP-BEC", "name": "Preparatory Programme to the Master of Business Economics",
                                "kind": "preparatory", "credits": 60, "course_units": []}]
    data = dataset(students=[student("2600001", "An", "Peeters", "an.peeters@example.org")],
                   enrolments=[enrolment("2600001")])
    data["programmes"] = programmes
    import_dataset(data)


def test_option_texts_fit_their_lists(page, live_server, login, student_admin, long_names):
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, student_admin)
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    for url in (reverse("enrolment:enrol", args=["2600001"]), reverse("students:list")):
        page.goto(live_server.url + url)
        for name, longest, room in page.eval_on_selector_all("select", MEASURE):
            assert longest <= room, f"{url}: the options of {name} need {longest}px, the list has {room}px"
