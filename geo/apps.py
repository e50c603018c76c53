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
        checks.register(check_role_settings)


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
