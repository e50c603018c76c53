"""Admin of laws and regulations (法律法规), the same for every jurisdiction."""

from django.contrib import admin

from registry.knowledge.models import Regulation


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ["title", "issuer", "document_number", "level", "issued", "status"]
    list_filter = ["level", "status"]
    search_fields = ["title", "document_number"]
