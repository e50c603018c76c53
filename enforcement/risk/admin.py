"""Admin of the standards library of typical risk points (风险点标准库), the same for every
jurisdiction; the grading rules are listed read-only (a new version is made on the rules
page, through `services.risk_rules_create`, which checks it and the area)."""

from django.contrib import admin

from enforcement.risk.models import LibraryPoint, RiskRuleSet


@admin.register(LibraryPoint)
class LibraryPointAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "kind"]
    list_filter = ["industry", "kind"]
    search_fields = ["name", "hazard_factors"]
    list_per_page = 50


@admin.register(RiskRuleSet)
class RiskRuleSetAdmin(admin.ModelAdmin):
    list_display = ["area", "version", "note", "created", "created_by"]
    readonly_fields = ["area", "version", "rules", "note", "created", "created_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
