from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "geo"
    verbose_name = _("空间基础")

    def ready(self) -> None:
        from django.apps import apps

        from geo.audit import audit_track
        from geo.models import Audited

        for model in apps.get_models():
            if issubclass(model, Audited):
                audit_track(model)
        _connect_security_signals()
        _connect_oauth_signals()
        checks.register(check_role_settings)
        checks.register(check_oidc_key)


def _connect_security_signals() -> None:
    """Sign-in sessions and the security-event log follow Django's and axes' signals."""
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    from geo import security_log, sessions

    # The session record first: the login event then sees the request's session.
    signals.user_logged_in.connect(sessions.on_logged_in, dispatch_uid="geo.sessions")
    signals.user_logged_in.connect(security_log.on_logged_in, dispatch_uid="geo.log.in")
    signals.user_logged_out.connect(security_log.on_logged_out, dispatch_uid="geo.log.out")
    signals.user_logged_out.connect(sessions.on_logged_out, dispatch_uid="geo.sessions.out")
    signals.user_login_failed.connect(security_log.on_login_failed,
                                      dispatch_uid="geo.log.failed")
    user_locked_out.connect(security_log.on_locked_out, dispatch_uid="geo.log.locked")


def _connect_oauth_signals() -> None:
    """A revoked single sign-on token leaves geo.tokens' cache at once (DOT deletes it)."""
    from django.db.models.signals import post_delete
    from oauth2_provider.models import get_access_token_model

    from geo.tokens import oauth_token_forget

    post_delete.connect(lambda sender, instance, **kwargs:
                        oauth_token_forget(instance.token_checksum),
                        sender=get_access_token_model(), weak=False,
                        dispatch_uid="geo.tokens.oauth")


def check_role_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Role lists in the settings name roles that exist (a typo would silently exempt)."""
    from django.conf import settings

    from geo.models import Role

    errors = []
    for name in ("OTP_REQUIRED_ROLES", "PASSWORD_EXPIRY_ROLES"):
        unknown = sorted(set(getattr(settings, name)) - set(Role.values))
        if unknown:
            errors.append(checks.Error(
                f"{name} names unknown roles: {', '.join(unknown)}",
                hint=f"known roles: {', '.join(Role.values)}", id="geo.E001"))
    return errors


def check_oidc_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Without its RS256 key the provider cannot sign ID tokens (single sign-on fails)."""
    from oauth2_provider.settings import oauth2_settings

    if oauth2_settings.OIDC_RSA_PRIVATE_KEY:
        return []
    return [checks.Warning(
        "no OpenID Connect signing key: single sign-on cannot issue ID tokens",
        hint="run `manage.py oidc_key` (make migrate does) or set OIDC_RSA_PRIVATE_KEY",
        id="geo.W001")]
