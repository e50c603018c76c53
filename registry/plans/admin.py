"""Admin of the plan template library (预案模板), the same for every jurisdiction."""

from django.contrib import admin

from registry.plans.models import PlanTemplate


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "industry"]
    list_filter = ["kind"]
    search_fields = ["title"]
