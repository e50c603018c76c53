"""Admin of the chemicals catalogue (危险化学品目录), the same for every jurisdiction."""

from django.contrib import admin

from registry.hazards.models import Chemical


@admin.register(Chemical)
class ChemicalAdmin(admin.ModelAdmin):
    list_display = ["name", "cas", "un_number", "gb18218_seq", "critical_quantity"]
    search_fields = ["name", "aliases", "cas", "un_number"]
    list_per_page = 50
