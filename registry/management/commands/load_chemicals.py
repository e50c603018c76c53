"""Load the GB 18218-2018 Table 1 chemicals into the catalogue (idempotent), with the
names, hazard classes (and why) and safety data of data/reference; then re-grade the
hazard sources holding a chemical whose Q, β or classes the load changed."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from registry.hazards import gb18218
from registry.hazards.identification import VOCABULARY
from registry.hazards.models import Chemical, HazardSource, PhysicalState
from registry.hazards.services import hazard_source_evaluate

SAFETY_CSV = gb18218.REFERENCE_DIR / "chemical_safety.csv"
SYMBOLS_CSV = gb18218.REFERENCE_DIR / "gb18218_table1_symbols.csv"
SAFETY_TEXT = ["properties", "health_hazards", "first_aid", "fire_fighting", "leak_handling"]
GRADING = ("critical_quantity", "beta", "hazard_symbols")  # what a source's grade reads


class Command(BaseCommand):
    help = ("Load GB 18218-2018 Table 1 chemicals and their safety data from data/reference "
            "(safe to re-run).")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        t = gb18218.tables()
        created = 0
        stored = {c.gb18218_seq: c for c in Chemical.objects.filter(gb18218_seq__isnull=False)}
        safety, sources = safety_rows(), symbol_sources()
        changed = []
        for row in t.table1:
            old = stored.get(row.seq)
            symbols = t.symbols.get(row.seq)
            by_hand = old.hazard_symbols if old else []
            sub = gb18218.Substance(row.name, row.seq, tuple(symbols or by_hand))
            defaults = {"name": row.name, "aliases": list(row.aliases), "cas": row.cas,
                        "critical_quantity": gb18218.dec(row.q), "beta": _beta(sub),
                        "hazard_symbols_source": sources.get(row.seq) or _table3_note(row),
                        **safety.get(row.seq, {})}
            if symbols:  # otherwise keep classes entered by hand
                defaults["hazard_symbols"] = list(symbols)
            chem, is_new = Chemical.objects.update_or_create(gb18218_seq=row.seq,
                                                             defaults=defaults)
            created += is_new
            if old and any(getattr(old, f) != getattr(chem, f) for f in GRADING):
                changed.append(chem.pk)
        total = len(t.table1)
        self.stdout.write(f"chemicals: {created} created, {total - created} updated")
        regraded = _regrade(changed)
        if regraded:
            self.stdout.write(f"hazard sources re-graded: {regraded}")


def _regrade(chemical_ids: list[int]) -> int:
    """Sources holding a changed chemical are evaluated again (煤气 now takes β 2)."""
    sources = (HazardSource.objects.filter(items__chemical_id__in=chemical_ids).distinct()
               .select_related("enterprise"))
    for source in sources:
        hazard_source_evaluate(source)
    return len(sources)


def _table3_note(row: gb18218.Table1Row) -> str:
    """A row that is itself a Table 3 gas needs no class; the other open rows stay empty
    (未定) until a supervisor enters a class for a unit."""
    if gb18218.tables().toxic_beta([row.name, row.base_name]):
        return _("表3所列毒性气体，β按表3取值，不需危险性类别")
    return ""


def symbol_sources() -> dict[int, str]:
    """Table 1 seq -> why its classes are what they are (the symbols file's source)."""
    with open(SYMBOLS_CSV, encoding="utf-8", newline="") as fh:
        return {int(r["seq"]): r["source"] for r in csv.DictReader(fh)}


def safety_rows() -> dict[int, dict]:
    """Table 1 seq -> catalogue fields from the safety CSV; a bad cell stops the load."""
    t = gb18218.tables()
    out = {}
    with open(SAFETY_CSV, encoding="utf-8", newline="") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            seq = int(r["seq"])
            try:
                name = t.row(seq).name
            except LookupError:
                raise CommandError(f"{SAFETY_CSV.name} line {line}, seq: {seq} is not a "
                                   "Table 1 row") from None
            if name != r["name"]:
                raise CommandError(f"{SAFETY_CSV.name} line {line}, name: {r['name']!r} is not "
                                   f"Table 1 row {seq} ({name})")
            if r["physical_state"] not in PhysicalState.values:
                raise CommandError(f"{SAFETY_CSV.name} line {line}, physical_state: "
                                   f"{r['physical_state']!r}")
            fields = {"un_number": r["un_number"], "physical_state": r["physical_state"],
                      "safety_source": r["source"], **{k: r[k] for k in SAFETY_TEXT}}
            for key, words in VOCABULARY.items():
                values = [w.strip() for w in r[key].split(";") if w.strip()]
                unknown = [w for w in values if w not in words]
                if unknown:
                    raise CommandError(f"{SAFETY_CSV.name} line {line}, {key}: "
                                       f"not in the vocabulary: {unknown}")
                fields[key] = values
            out[seq] = fields
    return out


def _beta(sub: gb18218.Substance):
    try:
        return gb18218.dec(gb18218.correction_beta(sub)[0])
    except ValueError:
        return None  # neither in Table 3 nor with a known hazard class
