"""Admin of the provincial platforms (省级对接平台): a site-wide setting, edited by the
administrators; the form refuses a configuration `config.platform_check` refuses, naming
the field. The cursors are shown read-only: they move only with acknowledgements."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from monitoring.upstream.config import platform_check
from monitoring.upstream.models import Cursor, Platform


class PlatformForm(forms.ModelForm):
    class Meta:
        model = Platform
        fields = "__all__"
        # The key is never written back into the page; left blank on a change, it stays.
        widgets = {"key": forms.PasswordInput(render_value=False)}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key"].required = False

    def clean_key(self) -> str:
        return self.cleaned_data.get("key") or self.instance.key

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            platform_check(Platform(**{f: data.get(f) for f in (
                "kind", "endpoint", "encryption", "key", "delimiter", "tables")}))
        return data


class CursorInline(admin.TabularInline):
    model = Cursor
    extra = 0
    can_delete = False
    readonly_fields = ["table", "acked_seq", "acked_at", "attempted_at", "error"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    form = PlatformForm
    list_display = ["code", "name", "kind", "endpoint", "encryption", "enabled"]
    list_filter = ["kind", "enabled"]
    inlines = [CursorInline]
