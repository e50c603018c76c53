from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from geo.models import ApiToken, AuditEntry, DocumentCounter, NumberFormat, Organisation, User


@admin.register(User)
class SafeAtlasUserAdmin(UserAdmin):
    list_display = ["username", "role", "division", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["role", "division", "organisation"]})]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["division"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "division"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["division", "parent"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "expires"]
    readonly_fields = ["prefix", "digest", "created"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "model", "object_pk"]
    list_filter = ["action", "model"]
    search_fields = ["object_pk"]

    def has_change_permission(self, request, obj=None):  # the log is append-only
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberFormat)
class NumberFormatAdmin(admin.ModelAdmin):
    """Each agency's document number formats (文号格式), by kind and area prefix."""

    list_display = ["kind", "area", "template", "abbreviation", "code"]
    list_filter = ["kind"]
    search_fields = ["kind", "area"]


@admin.register(DocumentCounter)
class DocumentCounterAdmin(admin.ModelAdmin):
    """The serials issued so far: read only, numbers come from document_number_next."""

    list_display = ["area", "kind", "year", "last"]
    list_filter = ["kind", "year"]
    search_fields = ["area"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
