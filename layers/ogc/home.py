"""Shortcuts on the workbench (geo.home) to the data services: layers and exports, the OGC
API for QGIS and GDAL, the MapLibre style. For everyone: public layers are public."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from geo.home import home_shortcut

home_shortcut(70, gettext_lazy("图层与导出"), key="layers", url="/layers/",
              shows=lambda ask: True)
home_shortcut(75, gettext_lazy("OGC API"), key="ogc", url="/ogc/", shows=lambda ask: True)
