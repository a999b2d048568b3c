"""The project's own template filters, loaded with ``{% load eel %}`` (registered in settings.TEMPLATES as the
library "eel", since config is not an app)."""

from django import template

register = template.Library()


@register.filter
def columns(form, spec: str):
    """The fields of ``form`` named by ``spec``, each with the grid classes of its column, in that order.

    ``spec`` is ``"name:classes; name:classes; ..."``, e.g. ``"q:col-lg-4; status?:col-sm-6 col-lg-3"``. A name
    ending in ``?`` is left out when the form has no such field (a filter that only some lists have); any other
    unknown name is an error, so a misspelt field does not silently vanish from the page.
    """
    out = []
    for item in spec.split(";"):
        if not item.strip():
            continue
        name, _, classes = item.partition(":")
        name = name.strip()
        optional = name.endswith("?")
        name = name.rstrip("?")
        if name not in form.fields:
            if optional:
                continue
            raise template.TemplateSyntaxError(f"the form {type(form).__name__} has no field {name!r}")
        out.append((form[name], classes.strip()))
    return out
