"""Admin for the registry's reference data: catalogues that are the same for every
jurisdiction (chemicals, laws, plan templates), edited by administrators. Layers get their
scoped admin from `layers.admin`; jurisdiction-owned records are edited on their pages."""

from django.contrib import admin

from registry.hazard_models import Chemical
from registry.knowledge_models import Regulation
from registry.plan_models import PlanTemplate


@admin.register(Chemical)
class ChemicalAdmin(admin.ModelAdmin):
    list_display = ["name", "cas", "un_number", "gb18218_seq", "critical_quantity"]
    search_fields = ["name", "aliases", "cas", "un_number"]
    list_per_page = 50


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "document_number", "level", "issued", "status"]
    list_filter = ["level", "status"]
    search_fields = ["title", "document_number"]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "industry"]
    list_filter = ["kind"]
    search_fields = ["title"]
