"""The list page's filters (企业列表筛选): one form, read by the view and the export alike."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.enterprises.file_models import Category, EnterpriseStatus
from registry.enterprises.models import RiskLevel


class LicenceState(models.TextChoices):
    """An enterprise's licence state, from its earliest-expiring licence."""

    VALID = "valid", _("有效")
    EXPIRING = "expiring", _("90天内到期")
    EXPIRED = "expired", _("已过期")
    NONE = "none", _("无证照")


def _any(choices) -> list:
    return [("", _("全部")), *choices]


class EnterpriseFilterForm(forms.Form):
    # A code prefix of 2, 4, 6, 9 or 12 digits (province … village), as the counts table links.
    division = forms.RegexField(
        r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$", required=False, label=_("区划"),
        error_messages={"invalid": _("区划代码前缀应为2、4、6、9或12位数字")})
    industry = forms.RegexField(
        r"^[A-Ta-t](\d{1,4})?$", required=False, label=_("行业代码"),
        error_messages={"invalid": _("行业代码应为门类字母加0–4位数字，如 C26")})
    category = forms.ChoiceField(choices=_any(Category.choices), required=False,
                                 label=_("监管类别"))
    risk_level = forms.TypedChoiceField(choices=_any(RiskLevel.choices), coerce=int,
                                        empty_value=None, required=False, label=_("风险等级"))
    licence = forms.ChoiceField(choices=_any(LicenceState.choices), required=False,
                                label=_("证照状态"))
    status = forms.ChoiceField(choices=_any(EnterpriseStatus.choices), required=False,
                               label=_("登记状态"))
    q = forms.CharField(max_length=100, required=False, strip=True, label=_("名称或信用代码"))


@dataclass(frozen=True)
class EnterpriseFilters:
    division: str = ""
    industry: str = ""
    category: str = ""
    risk_level: int | None = None
    licence: str = ""
    status: str = ""
    q: str = ""


def filters_from(data) -> tuple[EnterpriseFilters, EnterpriseFilterForm]:
    """The valid filters in `data` (a QueryDict); an invalid field is dropped, and the
    form keeps its error so the page names the field."""
    form = EnterpriseFilterForm(data)
    form.is_valid()
    values = {name: value for name, value in form.cleaned_data.items()
              if value not in (None, "")}
    if "industry" in values:
        values["industry"] = values["industry"].upper()
    return EnterpriseFilters(**values), form
