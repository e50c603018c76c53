from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class EvidenceForm(forms.Form):
    """One file and where and when it was taken (filled by the phone's clock and GPS)."""

    file = forms.FileField(label=_("照片、录音或录像"))
    taken_at = forms.DateTimeField(label=_("拍摄（录制）时间"), required=False)
    longitude = forms.FloatField(label=_("经度"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=_("纬度"), required=False, min_value=-90, max_value=90)
    accuracy = forms.FloatField(label=_("定位精度（米）"), required=False, min_value=0)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)
