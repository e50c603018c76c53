"""Sign-in (登录): password, then the second factor where the role needs it (enrolment
on first use), then a new password when the old one has expired. Only after every step
is the user logged in (`django.contrib.auth.login`), so no face of the site (views, OGC
API, the tile fast path, Dash) can see a half-signed-in user: until then the session
holds only the pending step, which lapses after `PENDING_SECONDS`.

Failures at any step count towards django-axes' lockout (per username and per address).
The admin's own login page sends here.
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from geo.models import SecurityEventKind, User
from geo.passwords import password_expired
from geo.second_factor import (
    code_valid,
    confirmed_device,
    enrolment_confirm,
    enrolment_device,
    otp_required,
    qr_svg,
    secret_text,
)
from geo.security_log import security_event

PENDING_KEY = "_signin_pending"
PENDING_SECONDS = 300
_get_post = require_http_methods(["GET", "POST"])


def _pending_user(request: HttpRequest) -> User | None:
    """The user half-way through signing in, if the pending step has not lapsed."""
    data = request.session.get(PENDING_KEY)
    if not data or time.time() - data["since"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return User.objects.filter(pk=data["user"], is_active=True).first()


def _factor_passed(request: HttpRequest) -> None:
    request.session[PENDING_KEY] = {**request.session[PENDING_KEY], "factor": True}


def _next_step(request: HttpRequest, user: User) -> HttpResponse:
    if otp_required(user) and not request.session[PENDING_KEY].get("factor"):
        return redirect("signin_verify" if confirmed_device(user) else "signin_enrol")
    if password_expired(user):
        return redirect("signin_password")
    data = request.session.pop(PENDING_KEY)
    user.second_factor = "totp" if data.get("factor") else ""  # for the login event
    login(request, user, backend=data["backend"])
    target = data.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = settings.LOGIN_REDIRECT_URL
    return redirect(target)


def _refused(request: HttpRequest, user: User) -> HttpResponse | None:
    """The lockout page when the user or the address is locked out, else None."""
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    request.session.pop(PENDING_KEY, None)
    return get_lockout_response(request, credentials=credentials)


def _failed(request: HttpRequest, user: User, step: str) -> None:
    """A wrong code counts like a wrong password (axes counts; the log records it)."""
    user_login_failed.send(sender=__name__, request=request,
                           credentials={"username": user.get_username(), "step": step})


@sensitive_post_parameters("password")
@never_cache
@_get_post
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: username and password (django-axes refuses a locked-out user or address)."""
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        request.session.cycle_key()
        request.session[PENDING_KEY] = {"user": user.pk, "backend": user.backend,
                                        "since": time.time(), "factor": False,
                                        "next": request.POST.get("next", "")}
        return _next_step(request, user)
    return render(request, "registration/login.html", {
        "form": form, "next": request.POST.get("next") or request.GET.get("next", "")})


@never_cache
@_get_post
def verify_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the authenticator app."""
    user = _pending_user(request)
    if user is None:
        return redirect("login")
    device = confirmed_device(user)
    if device is None:
        return redirect("signin_enrol")
    error = None
    if request.method == "POST":
        refused = _refused(request, user)
        if refused is not None:
            return refused
        if code_valid(device, request.POST.get("code", "")):
            _factor_passed(request)
            return _next_step(request, user)
        _failed(request, user, "second_factor")
        error = _("动态口令不正确或已使用过，请输入验证器当前显示的数字。")
    return render(request, "registration/verify.html", {"error": error})


@never_cache
@_get_post
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: at first sign-in of a role that needs one, or later
    from the account page (replacing the old device once the new one is confirmed)."""
    pending = _pending_user(request)
    user = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if pending is not None and confirmed_device(user) is not None:
        return redirect("signin_verify")  # a bound device is never replaced half-signed-in
    device = enrolment_device(user)
    error = None
    if request.method == "POST":
        refused = _refused(request, user) if pending else None
        if refused is not None:
            return refused
        if enrolment_confirm(device, request.POST.get("code", "")):
            security_event(request, SecurityEventKind.OTP_ENROLLED, user=user)
            if pending is not None:
                _factor_passed(request)
                return _next_step(request, user)
            messages.success(request, _("动态口令已绑定。"))
            return redirect("tokens")
        if pending is not None:
            _failed(request, user, "second_factor_enrolment")
        error = _("动态口令不正确，请输入验证器当前显示的数字。")
    return render(request, "registration/enrol.html", {
        "qr": qr_svg(device), "secret": secret_text(device), "error": error,
        "signing_in": pending is not None})


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@_get_post
def password_view(request: HttpRequest) -> HttpResponse:
    """Last step when the password has expired: choose a new one (policy and history)."""
    user = _pending_user(request)
    if user is None:
        return redirect("login")
    if not password_expired(user):
        return _next_step(request, user)
    form = SetPasswordForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        security_event(request, SecurityEventKind.PASSWORD_CHANGED, user=user, expired=True)
        return _next_step(request, user)
    return render(request, "registration/password_expired.html", {"form": form})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the same steps (its own form would skip them)."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own change-password page, with the change in the security-event log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        security_event(self.request, SecurityEventKind.PASSWORD_CHANGED)
        return response
