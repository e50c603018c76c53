"""Admin of the discretion benchmark (自由裁量基准): violations and their fine ranges per
circumstance, reference data of the province. Cases are handled on their pages."""

from django.contrib import admin

from enforcement.cases.models import DiscretionRange, Violation


class DiscretionRangeInline(admin.TabularInline):
    model = DiscretionRange
    extra = 0


@admin.register(Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "penalty_basis"]
    search_fields = ["code", "name", "legal_basis", "penalty_basis"]
    inlines = [DiscretionRangeInline]
    list_per_page = 50
