"""The demo's one-enterprise files (一企一档): people, categories consistent with the
industry code, category profiles, safety managers, trainings and investments, and the
supervising department (监管部门) rules with every enterprise assigned.

Set-based SQL, idempotent (only empty files are filled), so `load_demo` stays fast;
the park's 40 enterprises get full files, the rest of the region categories, people
and profiles (skipped with `everywhere=False`, the million-row benchmark load).
"""

from __future__ import annotations

from django.db import connection

from data.divisions import PARK_NAME
from geo.models import Organisation, OrganisationKind
from registry.enterprises.departments import supervising_departments_reassign

# GB/T 4754 prefixes the park's management committee (管委会) supervises; everything
# else in a county stays with its emergency management bureau (catch-all).
PARK_PREFIXES = ["C25", "C26", "C27", "G5942"]
# Categories from the industry code, in SQL (one CASE, first match wins).
_CATEGORIES = """CASE
  WHEN industry ~ '^(C25|C26|C27|G5942)' THEN ARRAY['hazardous_chemicals']
  WHEN industry ~ '^(C13|C14)' AND id %% 3 = 0
       THEN ARRAY['industry_trade', 'ammonia_refrigeration']
  WHEN industry ~ '^B' THEN ARRAY['non_coal_mine']
  WHEN industry ~ '^C(13|14|17|18|20|23|30|31|32|33|34|36|38|39)' THEN ARRAY['industry_trade']
  ELSE ARRAY[]::varchar[] END"""
_SECTOR = """CASE WHEN e.industry ~ '^C3[12]' THEN 'metallurgy'
  WHEN e.industry ~ '^C30' THEN 'building_materials'
  WHEN e.industry ~ '^C(33|34|36|38|39)' THEN 'machinery'
  WHEN e.industry ~ '^C(17|18)' THEN 'textiles' ELSE 'light_industry' END"""
SURNAMES = "{王,李,张,刘,陈,杨,黄,赵,周,吴,徐,孙,马,朱,胡,郭}"
GIVEN = "{建国,海燕,志强,秀英,伟,静,磊,敏,军,丽,洋,勇,杰,娟,涛,明}"


def department_rules_ensure(park_code: str) -> None:
    Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT, division_id=park_code,
                                name=PARK_NAME + "管理委员会").update(
        industry_prefixes=PARK_PREFIXES)


def demo_files_ensure(park_code: str, *, everywhere: bool = True) -> int:
    """Fill the demo files and assign departments; returns how many files were filled."""
    department_rules_ensure(park_code)
    area = park_code[:2] if everywhere else park_code[:9]
    with connection.cursor() as cursor:
        cursor.execute(_FILL, {"area": area, "surnames": SURNAMES, "given": GIVEN})
        filled = cursor.rowcount
        for sql in (_HAZCHEM, _AMMONIA, _MINE, _TRADE):
            cursor.execute(sql, {"area": area, "park": park_code[:9]})
        for sql in (_MANAGERS, _TRAININGS, _INVESTMENTS, _LICENCES):
            cursor.execute(sql, {"park": park_code[:9], "surnames": SURNAMES, "given": GIVEN})
    supervising_departments_reassign(division_prefix=park_code[:2])
    return filled


_PERSON = "(%(surnames)s::text[])[1 + {n} %% 16] || (%(given)s::text[])[1 + ({n} / 16) %% 16]"
_FILL = f"""UPDATE registry_enterprise SET
  categories = {_CATEGORIES},
  legal_representative = {_PERSON.format(n="id")},
  legal_representative_phone = '139' || lpad((id * 7919 %% 100000000)::text, 8, '0'),
  safety_officer = {_PERSON.format(n="(id + 5)")},
  safety_officer_phone = '0551-' || lpad((id * 104729 %% 10000000)::text, 7, '0'),
  employees = 20 + id * 37 %% 480,
  scale = CASE WHEN id %% 10 = 0 THEN 'large' WHEN id %% 4 = 0 THEN 'medium' ELSE 'small' END,
  economic_type = CASE WHEN id %% 5 = 0 THEN '国有' ELSE '私营' END,
  standardisation_grade = CASE WHEN has_major_hazard THEN '2' WHEN id %% 3 = 0 THEN '3'
                          ELSE '' END,
  established = DATE '1995-01-01' + (id * 97 %% 9000)::int
WHERE starts_with(division_code, %(area)s) AND legal_representative = ''"""
_NEW = "AND NOT EXISTS (SELECT 1 FROM {t} p WHERE p.enterprise_id = e.id)"
_HAZCHEM = f"""INSERT INTO registry_hazchemprofile
  (enterprise_id, licence_types, key_processes, key_chemicals, in_chemical_park)
SELECT e.id,
  CASE WHEN e.industry LIKE 'G%%' THEN ARRAY['operation_storage']
       ELSE ARRAY['production', 'storage'] END,
  CASE WHEN e.industry ~ '^C26(12|14)' THEN ARRAY['chlorination']
       WHEN e.industry ~ '^C25' THEN ARRAY['cracking', 'hydrogenation']
       WHEN e.industry ~ '^C26' AND e.id %% 2 = 0 THEN ARRAY['oxidation']
       ELSE ARRAY[]::varchar[] END,
  CASE WHEN e.has_major_hazard THEN ARRAY['液氯', '液氨'] ELSE ARRAY['甲醇'] END,
  starts_with(e.division_code, %(park)s)
FROM registry_enterprise e
WHERE starts_with(e.division_code, %(area)s) AND 'hazardous_chemicals' = ANY(e.categories)
  {_NEW.format(t="registry_hazchemprofile")}"""
_AMMONIA = f"""INSERT INTO registry_ammoniarefrigerationprofile
  (enterprise_id, ammonia_tonnes, cold_storage_tonnes, workshop_workers, leak_alarm)
SELECT e.id, 2 + e.id %% 18, 500 + e.id * 13 %% 5000, 3 + e.id %% 12, e.id %% 7 <> 0
FROM registry_enterprise e
WHERE starts_with(e.division_code, %(area)s) AND 'ammonia_refrigeration' = ANY(e.categories)
  {_NEW.format(t="registry_ammoniarefrigerationprofile")}"""
_MINE = f"""INSERT INTO registry_mineprofile (enterprise_id, kind, mineral, mining_licence,
  capacity_kt, downstream_residents)
SELECT e.id, CASE WHEN e.id %% 2 = 0 THEN 'open_pit' ELSE 'quarry' END, '建筑用石料',
  'C34000020' || lpad(e.id::text, 8, '0'), 10 + e.id %% 90, 0
FROM registry_enterprise e
WHERE starts_with(e.division_code, %(area)s) AND 'non_coal_mine' = ANY(e.categories)
  {_NEW.format(t="registry_mineprofile")}"""
_TRADE = f"""INSERT INTO registry_industrytradeprofile
  (enterprise_id, sector, combustible_dust, confined_space, metal_smelting)
SELECT e.id, {_SECTOR}, e.industry ~ '^C(13|14|20|33)', e.id %% 2 = 0, e.industry ~ '^C3[12]'
FROM registry_enterprise e
WHERE starts_with(e.division_code, %(area)s) AND 'industry_trade' = ANY(e.categories)
  {_NEW.format(t="registry_industrytradeprofile")}"""
_MANAGERS = f"""INSERT INTO registry_safetymanager
  (enterprise_id, name, post, phone, certificate, certificate_valid_to, full_time)
SELECT e.id, {_PERSON.format(n="(e.id * 3 + k)")}, (ARRAY['安全总监', '安全科长'])[k],
  '138' || lpad(((e.id * 6151 + k) %% 100000000)::text, 8, '0'),
  'AQ' || lpad((e.id * 10 + k)::text, 10, '0'), DATE '2027-06-30' + (e.id %% 400)::int, k = 1
FROM registry_enterprise e CROSS JOIN generate_series(1, 2) AS k
WHERE starts_with(e.division_code, %(park)s) {_NEW.format(t="registry_safetymanager")}"""
_TRAININGS = f"""INSERT INTO registry_trainingrecord
  (enterprise_id, kind, topic, held_on, hours, participants)
SELECT e.id, (ARRAY['principal', 'manager', 'all_staff'])[k],
  (ARRAY['主要负责人安全生产知识和管理能力培训', '安全管理人员继续教育',
         '全员安全生产教育培训'])[k],
  DATE '2025-03-01' + ((e.id * 11 + k * 60) %% 300)::int, (ARRAY[48, 16, 8])[k], 1 + e.employees / k
FROM registry_enterprise e CROSS JOIN generate_series(1, 3) AS k
WHERE starts_with(e.division_code, %(park)s) {_NEW.format(t="registry_trainingrecord")}"""
_INVESTMENTS = f"""INSERT INTO registry_safetyinvestment (enterprise_id, year, planned, actual)
SELECT e.id, y, 50 + e.id * 7 %% 400, CASE WHEN y < 2026 THEN 45 + e.id * 7 %% 420 END
FROM registry_enterprise e CROSS JOIN generate_series(2024, 2026) AS y
WHERE starts_with(e.division_code, %(park)s) {_NEW.format(t="registry_safetyinvestment")}"""

# One safety production licence per park enterprise, expiring from 20 days ago to a year
# ahead of the day the demo is loaded, so every warning stage has rows.
_LICENCES = f"""INSERT INTO registry_licence (enterprise_id, organisation_id, division_code, kind,
  number, issuer, valid_from, valid_to)
SELECT e.id, e.organisation_id, e.division_code, 'safety_production',
  '(江淮)WH安许证字[' || (2023 + e.id %% 3) || ']' || lpad(e.id::text, 4, '0'), '江淮省应急管理厅',
  CURRENT_DATE - 1075 + (e.id * 37 %% 380)::int, CURRENT_DATE - 20 + (e.id * 37 %% 380)::int
FROM registry_enterprise e
WHERE starts_with(e.division_code, %(park)s) {_NEW.format(t="registry_licence")}"""

# Tables whose rows hang off an enterprise by `enterprise_id` (the file and its edits).
FILE_TABLES = ["registry_hazchemprofile", "registry_ammoniarefrigerationprofile",
               "registry_mineprofile", "registry_fireworksprofile",
               "registry_industrytradeprofile", "registry_safetymanager",
               "registry_trainingrecord", "registry_safetyinvestment",
               "registry_enterpriseedit", "registry_licence"]


def demo_files_delete(cursor, like: list[str]) -> None:
    """Before `region_delete` removes enterprises (raw SQL, so no ORM cascade)."""
    for table in FILE_TABLES:
        cursor.execute(f"DELETE FROM {table} WHERE enterprise_id IN"  # noqa: S608  (constant)
                       " (SELECT id FROM registry_enterprise WHERE division_code LIKE %s)", like)
