"""The ingest's face on the map: readings as the OGC API – EDR collection `readings`
(ADR 0016), its items the `sensors` layer's features."""

from django.utils.translation import gettext_lazy as _

from layers.ogc.edr import EDRCollection, register_edr_collection

register_edr_collection(EDRCollection(
    id="readings", title=_("监测数据"),
    description=_("监测点位的实时与历史数据（液位、温度、压力、气体浓度等），按位置、区域或点位查询"),
    source="monitoring.ingest.edr.ReadingsSource", items_layer="sensors"))
