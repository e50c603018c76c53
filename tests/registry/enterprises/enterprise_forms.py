"""Build the POST body of the enterprise file form the way a browser would send it."""

from __future__ import annotations

from django import forms as djforms

from registry.enterprises.forms import FileForms


def _add(data: dict, form) -> None:
    for bf in form:
        value = bf.value()
        if value is None:
            continue
        if isinstance(bf.field, djforms.MultipleChoiceField):
            data[bf.html_name] = list(value)
        elif isinstance(value, list):
            data[bf.html_name] = ",".join(str(v) for v in value)
        elif isinstance(bf.field, djforms.BooleanField):
            if value:
                data[bf.html_name] = "on"
        else:
            data[bf.html_name] = str(value)


def file_post(enterprise, **overrides) -> dict:
    """The form as rendered for `enterprise`, with `overrides` (html names) applied."""
    enterprise.refresh_from_db()
    bundle = FileForms(enterprise)
    data: dict = {}
    _add(data, bundle.main)
    for form in bundle.profiles.values():
        _add(data, form)
    for formset in bundle.children.values():
        _add(data, formset.management_form)
        for form in formset.forms:
            _add(data, form)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
