"""The main menu offers each role exactly the examination pages its role may open (config.access)."""

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
