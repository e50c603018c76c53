"""Helpers for the sign-in tests: an authenticator's current code, a bound device, and
the password step as a browser posts it."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """What an authenticator app shows now for the device's key."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def bind_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def post_password(client: Client, username: str, password: str | None = None, *,
                  next_url: str = "/layers/", **extra):
    """The login form's POST (password `pw-<username>` unless given)."""
    return client.post("/accounts/login/", {
        "username": username, "password": f"pw-{username}" if password is None else password,
        "next": next_url}, **extra)
