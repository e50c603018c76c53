"""TOTP second factor (动态口令, django-otp): who needs it, enrolment with a QR code drawn
here (SVG, no outside service), and checking a code. One confirmed device per user.
"""

from __future__ import annotations

import base64

import qrcode
from django.conf import settings
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage


def otp_required(user) -> bool:
    """Roles listed in OTP_REQUIRED_ROLES, and every superuser, sign in with a code."""
    return bool(user.is_superuser or user.role in settings.OTP_REQUIRED_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device a user is enrolling (the same one until confirmed, so a
    reload does not change the secret being scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// URL as an inline SVG QR code: one plain <path>, which an
    HTML page draws (django-otp's own writer emits `svg:`-prefixed XML, which it does not)."""
    image = qrcode.make(device.config_url, image_factory=SvgPathImage)
    return mark_safe(image.to_string(encoding="unicode"))


def code_valid(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the device's current code (a code is accepted once; failures
    slow further tries down, django-otp's throttling)."""
    code = (code or "").strip().replace(" ", "")
    return code.isdigit() and len(code) == device.digits and device.verify_token(code)


@transaction.atomic
def enrolment_confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolling device with its first code; the user's other devices go."""
    if not code_valid(device, code):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
