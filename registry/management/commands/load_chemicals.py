"""Load the GB 18218-2018 Table 1 chemicals into the catalogue (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from registry import gb18218
from registry.hazard_models import Chemical


class Command(BaseCommand):
    help = "Load GB 18218-2018 Table 1 chemicals from data/reference (safe to re-run)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        t = gb18218.tables()
        created = 0
        by_hand = dict(Chemical.objects.filter(gb18218_seq__isnull=False)
                       .values_list("gb18218_seq", "hazard_symbols"))
        for row in t.table1:
            symbols = t.symbols.get(row.seq)
            sub = gb18218.Substance(row.name, row.seq, tuple(symbols or by_hand.get(row.seq, ())))
            defaults = {"name": row.name, "aliases": list(row.aliases), "cas": row.cas,
                        "critical_quantity": gb18218.dec(row.q), "beta": _beta(sub)}
            if symbols:  # otherwise keep classes entered by hand
                defaults["hazard_symbols"] = list(symbols)
            _, is_new = Chemical.objects.update_or_create(gb18218_seq=row.seq, defaults=defaults)
            created += is_new
        total = len(t.table1)
        self.stdout.write(f"chemicals: {created} created, {total - created} updated")


def _beta(sub: gb18218.Substance):
    try:
        return gb18218.dec(gb18218.correction_beta(sub)[0])
    except ValueError:
        return None  # neither in Table 3 nor with a known hazard class
