"""The main menu offers each role exactly the examination pages its role may open, and lights the entry of the
page's own section only (config.access)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu_links(client) -> set[str]:
    html = client.get(reverse("dashboard")).content.decode()
    names = {"results_units": "/examinations/results/", "committee_list": "/examinations/committees/",
             "irregularity_list": "/examinations/irregularities/", "appeal_list": "/appeals/",
             "committee_appeals": "/appeals/committee/appeals/", "ombuds_workspace": "/appeals/ombuds/",
             "ombuds_assignments": "/appeals/ombuds/assignments/"}
    return {name for name, url in names.items() if f'href="{url}"' in html}


def test_menu_follows_the_pages_roles(client_as, student_admin, lecturer, committee_chair, ombudsperson, outsider):
    assert {"results_units", "committee_list", "irregularity_list", "appeal_list",
            "ombuds_assignments"} <= menu_links(client_as(student_admin))
    assert "ombuds_workspace" in menu_links(client_as(ombudsperson))
    assert "results_units" in menu_links(client_as(lecturer))
    assert "committee_list" not in menu_links(client_as(lecturer))
    assert "committee_list" in menu_links(client_as(committee_chair))
    assert "results_units" not in menu_links(client_as(ombudsperson))
    assert menu_links(client_as(outsider)) == set()


def test_every_menu_entry_opens_for_whom_it_is_shown(client_as, student_admin, lecturer, committee_chair,
                                                     ombudsperson):
    for user in (student_admin, lecturer, committee_chair, ombudsperson):
        client = client_as(user)
        for name in menu_links(client):
            app = "examinations" if name in ("results_units", "committee_list", "irregularity_list") else "appeals"
            assert client.get(reverse(f"{app}:{name}")).status_code == 200, (user, name)


# ---------------------------------------------------------------------------------------------------------------
# Which entry is lit: each entry for the pages of its own section only (config.access.MENU_SECTIONS).

ACTIVE_LINK = re.compile(r'<a class="nav-link active"\s+href="([^"]+)"')


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_staff=True, is_superuser=True)


def active_entries(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    navbar = response.content.decode().split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]
    return ACTIVE_LINK.findall(navbar)


def test_each_menu_entry_is_active_in_its_own_section_only(client_as, superuser, school):
    client = client_as(superuser)
    number = school["an"].number
    expected = {
        reverse("dashboard"): [],
        reverse("students:list"): ["/students/"],
        reverse("students:detail", args=[number]): ["/students/"],
        reverse("enrolment:enrol", args=[number]): ["/students/"],
        reverse("examinations:results_student", args=[number]): ["/students/"],
        reverse("students:audit"): ["/students/audit/"],
        reverse("enrolment:deadlines"): ["/enrolment/deadlines/"],
        reverse("enrolment:outbox"): ["/enrolment/outbox/"],
        reverse("examinations:results_units"): ["/examinations/results/"],
        reverse("examinations:material_errors"): ["/examinations/results/"],
        reverse("examinations:committee_list"): ["/examinations/committees/"],
        reverse("examinations:tie_list"): ["/examinations/committees/"],
        reverse("examinations:irregularity_list"): ["/examinations/irregularities/"],
        reverse("examinations:irregularity_report"): ["/examinations/irregularities/"],
        reverse("appeals:appeal_list"): ["/appeals/"],
        reverse("appeals:appeal_intake"): ["/appeals/"],
        reverse("appeals:committee_appeals"): ["/appeals/committee/appeals/"],
        reverse("appeals:committee_pool"): ["/appeals/committee/appeals/"],
        reverse("appeals:ombuds_workspace"): ["/appeals/ombuds/"],
        reverse("appeals:ombuds_assignments"): ["/appeals/ombuds/assignments/"],
        reverse("appeals:ombuds_view_log"): ["/appeals/ombuds/assignments/"],
    }
    got = {url: active_entries(client, url) for url in expected}
    assert got == expected


def test_enrolment_pages_do_not_light_students_for_whom_sees_both(client_as, student_admin, school):
    client = client_as(student_admin)
    assert active_entries(client, reverse("enrolment:deadlines")) == ["/enrolment/deadlines/"]
    assert active_entries(client, reverse("enrolment:outbox")) == ["/enrolment/outbox/"]
    assert active_entries(client, reverse("students:list")) == ["/students/"]


def test_every_page_of_the_apps_belongs_to_a_menu_entry():
    from django.urls import URLResolver, get_resolver

    from config.access import EXAMINATION_MENU, menu_section

    def url_names(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from url_names(p.url_patterns, p.namespace or namespace)
            elif p.name:
                yield f"{namespace}:{p.name}"

    entries = {"students:list"} | {name for name, _ in EXAMINATION_MENU}
    names = [name for r in get_resolver().url_patterns if isinstance(r, URLResolver)
             and r.namespace in ("students", "enrolment", "examinations", "appeals")
             for name in url_names(r.url_patterns, r.namespace)]
    assert len(names) > 50
    assert {name: menu_section(name) for name in names if menu_section(name) not in entries} == {}
    assert all(menu_section(entry) == entry for entry in entries)
    assert menu_section("dashboard") is None and menu_section(None) is None
