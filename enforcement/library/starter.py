"""The starter item list (检查事项清单) for hazardous chemicals, `data/hazchem_items.json`:
loaded by the data migration and by `manage.py load_check_items` after the file changes.
Idempotent: provisions by key and items by code are created or updated, each provision's
tiers replaced. Takes the model classes so the migration can pass its historical ones."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "hazchem_items.json"


def check_items_load(*, provision_model=None, range_model=None, item_model=None,
                     path: Path = DATA) -> dict[str, int]:
    """Load the file; counts of provisions and items in it."""
    if provision_model is None:
        from enforcement.library.models import CheckItem, PenaltyProvision, PenaltyRange

        provision_model, range_model, item_model = PenaltyProvision, PenaltyRange, CheckItem
    data = json.loads(path.read_text(encoding="utf-8"))
    provisions = {}
    for entry in data["provisions"]:
        fields = {k: v for k, v in entry.items() if k not in ("key", "ranges")}
        provision, _ = provision_model.objects.update_or_create(key=entry["key"],
                                                                defaults=fields)
        range_model.objects.filter(provision=provision).delete()
        range_model.objects.bulk_create(
            range_model(provision=provision, order=n, **tier)
            for n, tier in enumerate(entry["ranges"], 1))
        provisions[entry["key"]] = provision
    for entry in data["items"]:
        fields = {k: v for k, v in entry.items() if k not in ("code", "penalty")}
        fields["penalty"] = provisions[entry["penalty"]] if entry["penalty"] else None
        item_model.objects.update_or_create(code=entry["code"], defaults=fields)
    return {"provisions": len(provisions), "items": len(data["items"])}
