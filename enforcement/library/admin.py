"""Admin of the item list (检查事项清单) and its penalty provisions: national reference data,
the same for every jurisdiction, kept by the system administrator."""

from django.contrib import admin

from enforcement.library.models import CheckItem, PenaltyProvision, PenaltyRange


class PenaltyRangeInline(admin.TabularInline):
    model = PenaltyRange
    extra = 0


@admin.register(PenaltyProvision)
class PenaltyProvisionAdmin(admin.ModelAdmin):
    list_display = ["key", "document", "article", "confidence"]
    search_fields = ["key", "document", "article", "text"]
    inlines = [PenaltyRangeInline]


@admin.register(CheckItem)
class CheckItemAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "title", "basis_document", "basis_article", "penalty",
                    "major_hidden_danger", "active"]
    list_filter = ["category", "major_hidden_danger", "active", "confidence"]
    search_fields = ["code", "title", "content", "basis_document", "source"]
    list_per_page = 50
