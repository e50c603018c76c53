from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet, URLField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider import models as dot

from geo.models import (
    ApiToken,
    AuditEntry,
    DocumentCounter,
    NumberFormat,
    Organisation,
    PortalSystem,
    Role,
    SecurityEvent,
    SessionEnd,
    User,
    UserSession,
)
from geo.sessions import sessions_end
from geo.tokens import token_revoke


class RoleAdmin(admin.ModelAdmin):
    """An admin page for the holders of `roles` only (三权分立), whatever their Django
    permissions or superuser flag say; read-only unless `deletable_by` holds the role."""

    roles: frozenset[str] = frozenset()
    deletable_by: frozenset[str] = frozenset()

    @staticmethod
    def _role(request: HttpRequest) -> str | None:
        user = request.user
        return getattr(user, "role", None) if user.is_active and user.is_staff else None

    def has_module_permission(self, request):
        return self._role(request) in self.roles

    def has_view_permission(self, request, obj=None):
        return self._role(request) in self.roles

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self._role(request) in self.deletable_by

    def has_security_permission(self, request) -> bool:  # for the actions below
        return self._role(request) == Role.SECURITY_ADMIN


@admin.register(User)
class SafeAtlasUserAdmin(UserAdmin):
    list_display = ["username", "role", "division", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [*UserAdmin.fieldsets,
                 (None, {"fields": ["role", "division", "organisation", "posts"]})]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["division"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "division"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["division", "parent"]


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdmin):
    """The security administrator sees every token and revokes the ones at risk."""

    roles = frozenset({Role.SECURITY_ADMIN})
    list_display = ["name", "user", "prefix", "access", "created", "expires", "last_used",
                    "revoked"]
    list_filter = ["access", "revoked"]
    search_fields = ["user__username", "prefix", "name"]
    exclude = ["digest"]
    actions = ["revoke"]

    @admin.action(description=_("吊销所选令牌"), permissions=["security"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = sum(token_revoke(t, request=request) for t in queryset.select_related("user"))
        self.message_user(request, _("已吊销 %(n)d 个令牌。") % {"n": done})


@admin.register(UserSession)
class UserSessionAdmin(RoleAdmin):
    """Who is signed in from where; the security administrator can end a session."""

    roles = frozenset({Role.SECURITY_ADMIN, Role.AUDITOR})
    list_display = ["user", "created", "last_seen", "ended", "end_reason", "address",
                    "user_agent"]
    list_filter = ["end_reason", "created"]
    search_fields = ["user__username", "address"]
    exclude = ["key"]
    actions = ["end"]

    @admin.action(description=_("结束所选会话"), permissions=["security"])
    def end(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = sessions_end(queryset, SessionEnd.REVOKED)
        self.message_user(request, _("已结束 %(n)d 个会话。") % {"n": done})


@admin.register(AuditEntry)
class AuditEntryAdmin(RoleAdmin):
    """Who changed what: read by the audit administrator; append-only."""

    roles = frozenset({Role.AUDITOR})
    list_display = ["at", "user", "action", "model", "object_pk"]
    list_filter = ["action", "model"]
    search_fields = ["object_pk"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(RoleAdmin):
    """Sign-ins, failures, lockouts, token use, refusals, exports: read by the audit
    administrator; append-only."""

    roles = frozenset({Role.AUDITOR})
    list_display = ["at", "kind", "username", "address", "path", "user_agent"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "address", "path"]
    date_hierarchy = "at"


class LockoutAdmin(RoleAdmin, AccessAttemptAdmin):
    """django-axes' failed attempts; deleting them unlocks (the security administrator)."""

    roles = deletable_by = frozenset({Role.SECURITY_ADMIN})


class DeviceAdmin(RoleAdmin):
    """Second-factor devices; deleting one makes its user enrol again at next sign-in.
    The secret key is never shown."""

    roles = deletable_by = frozenset({Role.SECURITY_ADMIN})
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at",
                    "throttling_failure_count"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = list_display


admin.site.register(AccessAttempt, LockoutAdmin)
if admin.site.is_registered(TOTPDevice):  # django-otp registers its own, showing the key
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, DeviceAdmin)


class SecurityAdminOnly:
    """django-oauth-toolkit's pages for the security administrator alone (三权分立), who
    registers the bureau's systems and revokes their tokens; DOT's own refusals (no
    hand-made tokens, revoke rather than delete) still hold."""

    editable = False  # applications are registered here; tokens come from the flows only

    def _security(self, request: HttpRequest) -> bool:
        return RoleAdmin._role(request) == Role.SECURITY_ADMIN

    def has_module_permission(self, request):
        return self._security(request)

    def has_view_permission(self, request, obj=None):
        return self._security(request)

    def has_add_permission(self, request):
        return self._security(request) and self.editable

    def has_change_permission(self, request, obj=None):
        return self._security(request) and self.editable

    def has_delete_permission(self, request, obj=None):
        return self._security(request) and self.editable


class PortalSystemInline(admin.StackedInline):
    """Marks the application as one of the systems on the portal home."""

    model = PortalSystem
    extra = 0
    max_num = 1
    formfield_overrides = {URLField: {"assume_scheme": "https"}}  # Django 6's default

    def has_view_permission(self, request, obj=None):
        return RoleAdmin._role(request) == Role.SECURITY_ADMIN

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


def _security_only(model, admin_class, **attrs) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(admin_class.__name__, (SecurityAdminOnly, admin_class),
                                    attrs))


_security_only(dot.get_application_model(), dot.get_application_admin_class(),
               editable=True, inlines=[PortalSystemInline])
for _model, _admin in [(dot.get_access_token_model(), dot.get_access_token_admin_class()),
                       (dot.get_refresh_token_model(), dot.get_refresh_token_admin_class()),
                       (dot.get_grant_model(), dot.get_grant_admin_class()),
                       (dot.get_id_token_model(), dot.get_id_token_admin_class())]:
    _security_only(_model, _admin)


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
