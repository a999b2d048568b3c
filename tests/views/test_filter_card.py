"""The filter card above the lists (templates/includes/filter_card.html) and its ``columns`` filter
(config/templatetags/eel.py)."""

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

from config.templatetags.eel import columns


class ListFilter(forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(label="Status", choices=[("", "All"), ("open", "Open")], required=False)
    ordering = forms.ChoiceField(label="Order by", choices=[("new", "Newest first")], required=False)


def test_columns_lists_the_named_fields_in_order_with_their_classes():
    form = ListFilter()
    got = [(field.name, classes) for field, classes in columns(form, "ordering:col-sm-4 ; q: col-lg-5 col-md-6;")]
    assert got == [("ordering", "col-sm-4"), ("q", "col-lg-5 col-md-6")]


def test_an_optional_field_the_form_lacks_is_left_out_and_a_misspelt_one_is_an_error():
    form = ListFilter()
    assert [f.name for f, _ in columns(form, "q:col; kind?:col; status?:col")] == ["q", "status"]
    with pytest.raises(TemplateSyntaxError):
        columns(form, "q:col; stauts:col")


CARD = Template('{% include "includes/filter_card.html" with form=form fields="q:col-lg-4; status:col-sm-6" %}')
CARD_FILTERED = Template('{% include "includes/filter_card.html" with form=form fields="q:col-lg-4"'
                         ' show_clear=filtered clear_url="/elsewhere/" %}')


def render(template, query="", **context):
    request = RequestFactory().get("/list/" + query)
    return template.render(Context({"request": request, "form": ListFilter(request.GET), **context}))


def test_the_card_is_a_get_search_form_with_the_fields_in_their_columns():
    html = render(CARD)
    assert '<form method="get" class="card card-body shadow-sm mb-3 pb-0" role="search">' in html
    assert html.index('<div class="col-lg-4">') < html.index('name="q"') < html.index('<div class="col-sm-6">') \
        < html.index('name="status"')
    assert 'name="ordering"' not in html
    assert '<button type="submit" class="btn btn-primary">Search</button>' in html
    assert "Clear" not in html


def test_clear_leads_back_to_the_list_once_the_page_has_a_query():
    assert '<a class="btn btn-link" href="/list/">Clear</a>' in render(CARD, "?q=x")


def test_a_page_may_say_itself_when_clear_is_shown_and_where_it_leads():
    assert "Clear" not in render(CARD_FILTERED, "?page=2", filtered=False)
    assert '<a class="btn btn-link" href="/elsewhere/">Clear</a>' in render(CARD_FILTERED, "?q=x", filtered=True)


def test_the_buttons_keep_their_translations():
    with translation.override("nl"):
        html = render(CARD, "?q=x")
    with translation.override("nl"):
        search, clear = translation.gettext("Search"), translation.gettext("Clear")
    assert search != "Search" and clear != "Clear"
    assert f">{search}</button>" in html and f">{clear}</a>" in html
