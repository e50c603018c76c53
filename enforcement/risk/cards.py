"""Risk notification cards (风险告知卡) of a zone or a risk point: what may go wrong there,
the measures, the emergency actions and who answers, with a QR code that opens the card on
a phone. The QR code carries a signed link (`card_token`): the card is posted on site for
everyone there, so the link itself is the permission to read that one card, no sign-in."""

from __future__ import annotations

import qrcode  # via django-otp[qrcode], already locked: SVG made locally, no network
import qrcode.image.svg
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from enforcement.risk.models import MeasureKind, RiskPoint, RiskZone

_SALT = "enforcement.risk.card"


def card_token(kind: str, pk: int) -> str:
    """A short signed token naming one card: "z12" (a zone) or "p7" (a point)."""
    return signing.Signer(salt=_SALT).sign(f"{kind}{pk}")


def card_target(token: str) -> tuple[str, int] | None:
    """The card a token names, None if forged or malformed."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    kind, pk = value[:1], value[1:]
    return (kind, int(pk)) if kind in ("z", "p") and pk.isdecimal() else None


def qr_svg(url: str) -> SafeString:
    """The URL as an inline SVG QR code (error correction M)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    return mark_safe(image.to_string(encoding="unicode"))  # our own SVG, no user text


def card_points(target) -> list[RiskPoint]:
    """The points a card tells of: the point itself, or the points in the zone (highest
    risk first), each with its active measures."""
    if isinstance(target, RiskPoint):
        rows = RiskPoint.objects.filter(pk=target.pk)
    else:
        # the points whose point or outline meets the zone, as `zones.zones_follow` grades it
        rows = RiskPoint.objects.filter(
            Q(geom__intersects=target.geom) | Q(outline__intersects=target.geom),
            enterprise_id=target.enterprise_id)
    points = list(rows.order_by("level", "name").prefetch_related("measures"))
    for p in points:
        active = [m for m in p.measures.all() if m.active]
        p.card_measures = [m for m in active if m.kind != MeasureKind.EMERGENCY]
        p.card_emergency = [m for m in active if m.kind == MeasureKind.EMERGENCY]
    return points


def card_context(request, target: RiskZone | RiskPoint) -> dict:
    kind = "z" if isinstance(target, RiskZone) else "p"
    link = request.build_absolute_uri(reverse("risk:card_public",
                                              args=[card_token(kind, target.pk)]))
    pdf = reverse("risk:zone_card_pdf" if kind == "z" else "risk:point_card_pdf",
                  args=[target.pk])
    return {"target": target, "enterprise": target.enterprise, "points": card_points(target),
            "qr": qr_svg(link), "link": link, "pdf_url": pdf}
