"""Admin of the checklists (排查清单): reference data kept by the platform's administrators,
the same for every jurisdiction; the items in levels are edited inline."""

from django.contrib import admin

from enforcement.dangers.check_models import Checklist, ChecklistItem


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = ["order", "code", "level", "parent", "content", "basis", "major"]
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "source", "active"]
    list_filter = ["category", "active"]
    search_fields = ["name", "items__content"]
    inlines = [ItemInline]
