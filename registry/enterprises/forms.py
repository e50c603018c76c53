"""Forms of the one-enterprise file: the main record with its point, the category
profiles and the row sets (safety managers, trainings, investments). They only check
and collect; `proposed()` turns them into the JSON file that services validate and
write (directly or through review)."""

from __future__ import annotations

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from registry.enterprises.models import Enterprise
from registry.enterprises.review import (
    CHILDREN,
    MAIN_FIELDS,
    PROFILE_CATEGORIES,
    PROFILES,
    dump,
    profile_fields,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice_arrays_as_checkboxes(form: forms.ModelForm) -> None:
    """ArrayFields of choices become ticked boxes instead of comma-separated text."""
    names = {f.name for f in form._meta.model._meta.get_fields()}
    for name, field in list(form.fields.items()):
        model_field = form._meta.model._meta.get_field(name) if name in names else None
        if isinstance(model_field, ArrayField) and model_field.base_field.choices:
            form.fields[name] = forms.MultipleChoiceField(
                label=model_field.verbose_name, required=False,
                choices=model_field.base_field.choices, widget=forms.CheckboxSelectMultiple)
        elif isinstance(field, forms.DateField):
            field.widget = DATE


class _FileModelForm(forms.ModelForm):
    """A form of the file: no HTML `required` attributes, choice arrays as boxes."""

    def __init__(self, *args, **kwargs):
        kwargs["use_required_attribute"] = False
        super().__init__(*args, **kwargs)
        _choice_arrays_as_checkboxes(self)


class EnterpriseFileForm(_FileModelForm):
    """Registration data, people, standardisation, categories and the point."""

    lon = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180,
                           widget=forms.NumberInput(attrs={"step": "0.000001"}))
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90,
                           widget=forms.NumberInput(attrs={"step": "0.000001"}))

    class Meta:
        model = Enterprise
        fields = [f for f in MAIN_FIELDS if f != "geom"]
        widgets = {"business_scope": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.geom is not None and not self.is_bound:
            self.initial.update(lon=round(self.instance.geom.x, 6),
                                lat=round(self.instance.geom.y, 6))

    def _post_clean(self):
        # Uniqueness and model rules are checked by the services on the whole file;
        # constructing the instance here would write the form into the record object.
        pass

    def values(self) -> dict:
        """JSON form of the main record; "geom" is None when no point was given."""
        data = self.cleaned_data
        out = {n: dump(Enterprise._meta.get_field(n), data.get(n)) for n in self.Meta.fields}
        has_point = data.get("lon") is not None and data.get("lat") is not None
        out["geom"] = [round(data["lon"], 7), round(data["lat"], 7)] if has_point else None
        return out


def _profile_form(model) -> type[forms.ModelForm]:
    class ProfileForm(_FileModelForm):
        class Meta:
            fields = profile_fields(model)

        def _post_clean(self):
            pass

    ProfileForm.Meta.model = model
    return type(f"{model.__name__}Form", (ProfileForm,), {})


PROFILE_FORMS = {key: _profile_form(model) for key, model in PROFILES.items()}


# A copy of each field list: the formset appends its foreign key to the list it is given.
FORMSETS = {key: inlineformset_factory(Enterprise, child.model, form=_FileModelForm,
                                       fields=list(child.fields), extra=1, can_delete=True)
            for key, child in CHILDREN.items()}


class FileForms:
    """The main form, one form per category profile and the safety manager formset,
    bound together; profiles are checked only for the categories ticked."""

    def __init__(self, enterprise: Enterprise, data=None):
        self.enterprise = enterprise
        self.main = EnterpriseFileForm(data, instance=enterprise)
        self.profiles = {
            key: PROFILE_FORMS[key](data, prefix=key, instance=getattr(enterprise, key, None)
                                    if _has(enterprise, key) else None)
            for key in PROFILES}
        self.children = {key: FORMSETS[key](data, instance=enterprise, prefix=child.prefix)
                         for key, child in CHILDREN.items()}

    def profile_sections(self) -> list[tuple[str, str, str, forms.ModelForm]]:
        """(key, title, the categories that call for it, form) per profile."""
        return [(key, PROFILES[key]._meta.verbose_name,
                 " ".join(sorted(PROFILE_CATEGORIES[key])), form)
                for key, form in self.profiles.items()]

    def selected_profiles(self) -> set[str]:
        if self.main.is_bound:
            ticked = set(self.main.cleaned_data.get("categories") or []) \
                if hasattr(self.main, "cleaned_data") else set()
        else:
            ticked = set(self.enterprise.categories or [])
        return {k for k, cats in PROFILE_CATEGORIES.items() if cats & ticked}

    def is_valid(self) -> bool:
        valid = self.main.is_valid()
        for key in self.selected_profiles():
            valid = self.profiles[key].is_valid() and valid
        for formset in self.children.values():
            valid = formset.is_valid() and valid
        return valid

    def proposed(self) -> dict:
        """The file these forms describe, in the JSON form of `review.file_snapshot`."""
        selected = self.selected_profiles()
        profiles = {}
        for key, model in PROFILES.items():
            form = self.profiles[key]
            profiles[key] = ({n: dump(model._meta.get_field(n), form.cleaned_data.get(n))
                              for n in profile_fields(model)} if key in selected else None)
        return {"enterprise": self.main.values(), "profiles": profiles,
                **{key: self._rows(key) for key in CHILDREN}}

    def child_sections(self) -> list[tuple[str, str, object]]:
        return [(key, CHILDREN[key].model._meta.verbose_name_plural, formset)
                for key, formset in self.children.items()]

    def _kept_forms(self, key: str) -> list[forms.ModelForm]:
        """The row forms that describe rows of the file (not deleted, not blank extras)."""
        out = []
        for form in self.children[key].forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and (form.instance.pk or form.has_changed()):
                out.append(form)
        return out

    def _rows(self, key: str) -> list[dict]:
        model, names = CHILDREN[key].model, CHILDREN[key].fields
        return [{"id": form.instance.pk, **{n: dump(model._meta.get_field(n),
                                                    form.cleaned_data.get(n)) for n in names}}
                for form in self._kept_forms(key)]

    def add_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the field it names."""
        if not hasattr(error, "error_dict"):
            self.main.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            self._add_error(key, messages)

    def _add_error(self, key: str, messages: list[str]) -> None:
        head, _sep, rest = key.partition("-")
        if head in self.profiles and rest in self.profiles[head].fields:
            self.profiles[head].add_error(rest, messages)
            return
        keys = {child.prefix: key for key, child in CHILDREN.items()}
        if head in keys and self.children:
            index, _sep, name = rest.partition("-")
            rows = self._kept_forms(keys[head])
            if index.isdigit() and 0 < int(index) <= len(rows) and name in rows[0].fields:
                rows[int(index) - 1].add_error(name, messages)
                return
        field = "lon" if key == "geom" else key
        self.main.add_error(field if field in self.main.fields else None, messages)


def _has(enterprise: Enterprise, key: str) -> bool:
    try:
        getattr(enterprise, key)
    except Exception:  # RelatedObjectDoesNotExist: no profile of this kind yet
        return False
    return True


class CancelForm(forms.Form):
    """Cancellation (核销) of a registration."""

    on = forms.DateField(label=_("核销日期"), widget=DATE)
    reason = forms.CharField(label=_("核销原因"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回原因"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))
