"""How far up and how fast an incident is reported (逐级上报).

《生产安全事故报告和调查处理条例》§10–11: the emergency-management departments report an
accident level by level — 一般 up to the city (设区的市级), 较大 up to the province, 重大 and
特别重大 up to the State Council through the province (the top of this platform) — and
each level within 2 hours of receiving it. The hours are a setting
(`INCIDENT_REPORT_MINUTES`, default 120); the top level per incident level is data here.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from response.incidents.classification import Level

COUNTY, CITY, PROVINCE = "county", "city", "province"
# The levels of the chain, bottom up; a level's division code has this many digits.
CHAIN = [COUNTY, CITY, PROVINCE]
DIGITS = {COUNTY: 6, CITY: 4, PROVINCE: 2}
# How far up each incident level must go.
TOP = {Level.EXTRAORDINARY: PROVINCE, Level.MAJOR: PROVINCE, Level.LARGER: PROVINCE,
       Level.ORDINARY: CITY}


def report_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.INCIDENT_REPORT_MINUTES)


def must_go_above(holder: str, level: int) -> bool:
    """Whether an incident of `level` held at `holder` must still be reported up."""
    return CHAIN.index(holder) < CHAIN.index(TOP[Level(level)])


def level_above(holder: str) -> str | None:
    i = CHAIN.index(holder)
    return CHAIN[i + 1] if i + 1 < len(CHAIN) else None


def division_at(code: str, level: str) -> str:
    """The 12-digit code of the division at `level` that contains `code`."""
    return code[:DIGITS[level]].ljust(12, "0")


def level_of(code: str) -> str | None:
    """The chain level of a 12-digit division code, read from the code itself (no query:
    the header's queues ask it on every page): 省 XX0000000000, 市 XXXX00000000, 县
    XXXXXX000000; a town, park or village takes no part in the chain."""
    for level in reversed(CHAIN):
        if code[DIGITS[level]:].strip("0") == "":
            return level
    return None
