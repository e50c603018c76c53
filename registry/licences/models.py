"""Licences and certificates of an enterprise (证照), part of 一企一档.

Imported by `registry.models`; writes go through `registry.licences.services`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from geo.places import Owned


class LicenceKind(models.TextChoices):
    SAFETY_PRODUCTION = "safety_production", _("安全生产许可证")
    CHEMICAL_TRADING = "chemical_trading", _("危险化学品经营许可证")
    CHEMICAL_USE = "chemical_use", _("危险化学品使用许可证")
    CHEMICAL_REGISTRATION = "chemical_registration", _("危险化学品登记证")
    FIREWORKS_TRADING = "fireworks_trading", _("烟花爆竹经营许可证")
    STANDARDISATION = "standardisation", _("安全生产标准化证书")
    OTHER = "other", _("其他")


class Licence(Owned):
    """Licence or certificate (证照) held by one enterprise, with its validity period."""

    enterprise = models.ForeignKey("registry.Enterprise", models.CASCADE,
                                   related_name="licences", verbose_name=_("企业"))
    kind = models.CharField(_("证照类型"), max_length=32, choices=LicenceKind.choices)
    number = models.CharField(_("证书编号"), max_length=100)
    issuer = models.CharField(_("发证机关"), max_length=200)
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"), db_index=True)

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["valid_to", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gte=models.F("valid_from")),
                                   name="licence_valid_to_after_from"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("有效期至不得早于有效期起")})
