from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("企业与资源")

    def ready(self) -> None:
        # The whole one-enterprise file is audited, not only the layers (the layer
        # registry tracks those); plans and filings audit their own transitions.
        from geo.audit import audit_track
        from registry.enterprises import file_models as f
        from registry.enterprises.models import EnterpriseEdit
        from registry.floorplans.models import FloorPlan

        for model in (EnterpriseEdit, f.HazchemProfile, f.AmmoniaRefrigerationProfile,
                      f.MineProfile, f.FireworksProfile, f.IndustryTradeProfile,
                      f.SafetyManager, f.TrainingRecord, f.SafetyInvestment, FloorPlan):
            audit_track(model)
