"""Load the GB 18218-2018 Table 1 chemicals into the catalogue (idempotent), with the
safety data and observable attributes of data/reference/chemical_safety.csv."""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.hazards import gb18218
from registry.hazards.identification import VOCABULARY
from registry.hazards.models import Chemical, PhysicalState

SAFETY_CSV = gb18218.REFERENCE_DIR / "chemical_safety.csv"
SAFETY_TEXT = ["properties", "health_hazards", "first_aid", "fire_fighting", "leak_handling"]


class Command(BaseCommand):
    help = ("Load GB 18218-2018 Table 1 chemicals and their safety data from data/reference "
            "(safe to re-run).")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        t = gb18218.tables()
        created = 0
        by_hand = dict(Chemical.objects.filter(gb18218_seq__isnull=False)
                       .values_list("gb18218_seq", "hazard_symbols"))
        safety = safety_rows()
        for row in t.table1:
            symbols = t.symbols.get(row.seq)
            sub = gb18218.Substance(row.name, row.seq, tuple(symbols or by_hand.get(row.seq, ())))
            defaults = {"name": row.name, "aliases": list(row.aliases), "cas": row.cas,
                        "critical_quantity": gb18218.dec(row.q), "beta": _beta(sub),
                        **safety.get(row.seq, {})}
            if symbols:  # otherwise keep classes entered by hand
                defaults["hazard_symbols"] = list(symbols)
            _, is_new = Chemical.objects.update_or_create(gb18218_seq=row.seq, defaults=defaults)
            created += is_new
        total = len(t.table1)
        self.stdout.write(f"chemicals: {created} created, {total - created} updated")


def safety_rows() -> dict[int, dict]:
    """Table 1 seq -> catalogue fields from the safety CSV; a bad cell stops the load."""
    t = gb18218.tables()
    out = {}
    with open(SAFETY_CSV, encoding="utf-8", newline="") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            seq = int(r["seq"])
            if t.row(seq).name != r["name"]:
                raise CommandError(f"{SAFETY_CSV.name} line {line}, name: {r['name']!r} is not "
                                   f"Table 1 row {seq} ({t.row(seq).name})")
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
