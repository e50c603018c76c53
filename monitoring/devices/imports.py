"""Importing sensors (监测点位): the `sensors` layer's import hook.

A sensor file names its gateway by code (the foreign key points at `Gateway.code`), so the
enterprise and division come from the gateway and need no column; a gas detector's blank
set-points take the GB/T 50493 limits before the cells are cleaned; after cleaning each
row's range and thresholds are checked by `thresholds.problems`, with the same words as the
form, and its monitored unit must belong to the gateway's enterprise.
"""

from __future__ import annotations

import math

import pandas as pd
from django.utils.translation import gettext as _

from geo.places import owned_copy_rows
from layers.imports import ImportHook, RowErrorSink
from monitoring.devices import gas_limits, thresholds
from monitoring.devices.models import Gateway, MonitoredUnit, Sensor

DERIVED = "{} (from the gateway)"


class SensorImport(ImportHook):
    aliases = {"gateway": ("gateway_code", "网关编码"), "point": ("点位标识",),
               "tag": ("位号", "bit_no"), "threshold_ll": ("低低报",), "threshold_l": ("低报",),
               "threshold_h": ("高报",), "threshold_hh": ("高高报",)}
    derives = ("enterprise", "division_code")

    def prepare(self, table: pd.DataFrame, columns: dict[str, str],
                error: RowErrorSink) -> None:
        codes = table[columns["gateway"]].tolist() if "gateway" in columns else []
        owners = dict((code, (ent, div)) for code, ent, div in Gateway.objects.filter(
            code__in={c for c in codes if isinstance(c, str)})
            .values_list("code", "enterprise_id", "division_code"))
        for i, code in enumerate(codes):
            if code not in owners and not _blank(code):
                error(i, columns["gateway"], _("网关编码 %(c)s 不存在") % {"c": code})
        for prop, k in (("enterprise", 0), ("division_code", 1)):
            if prop not in columns:
                columns[prop] = DERIVED.format(prop)
                table[columns[prop]] = [owners.get(c, (None, None))[k] for c in codes] \
                    if codes else None
        self._fill_gas_defaults(table, columns)

    def _fill_gas_defaults(self, table: pd.DataFrame, columns: dict[str, str]) -> None:
        if "indicator" not in columns:
            return
        units = table[columns["measure_unit"]].tolist() if "measure_unit" in columns \
            else [""] * len(table)
        defaults = [gas_limits.limits_for(ind, unit if isinstance(unit, str) else "")
                    for ind, unit in zip(table[columns["indicator"]], units, strict=True)]
        for prop in ("threshold_l", "threshold_h", "threshold_hh"):
            if prop not in columns:
                columns[prop] = DERIVED.format(prop)
                table[columns[prop]] = None
            cells = table[columns[prop]].astype(object).tolist()
            table[columns[prop]] = [
                limits.set_points().get(prop) if limits and _blank(cell) else cell
                for limits, cell in zip(defaults, cells, strict=True)]

    def check(self, cells: dict[str, list], values: dict[str, list],
              error: RowErrorSink) -> None:
        fields = [f for f in ("indicator", "measure_unit", *thresholds.NUMBERS) if f in values]
        for i in range(len(values.get("gateway", []))):
            row = {f: values[f][i] for f in fields}
            for field, message in thresholds.problems(row).items():
                error(i, field, message)
        self._check_units(values, error)

    def _check_units(self, values: dict[str, list], error: RowErrorSink) -> None:
        wanted = {u for u in values.get("unit", []) if u is not None}
        owners = dict(MonitoredUnit.objects.filter(pk__in=wanted)
                      .values_list("pk", "enterprise_id"))
        for i, (unit, ent) in enumerate(zip(values.get("unit", []), values["enterprise"],
                                            strict=False)):
            if unit in owners and owners[unit] != ent:
                error(i, "unit", _("监测单元 %(u)s 不属于该网关所在企业") % {"u": unit})

    def written(self, ids: list[int], values: dict[str, list]) -> None:
        owned_copy_rows(Sensor, ids)


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell == ""
