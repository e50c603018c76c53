"""The upstream exchange's writes (ADR 0022): fill each platform's outbox, send it in
seq order through the platform's adapter, move the per-(platform, table) cursor only
over what the peer acknowledged. Run every minute by the job runner (`monitoring.tasks`).

Locking: a (platform, table) is worked on under its cursor row's lock (FOR UPDATE SKIP
LOCKED), so its outbox has one writer (seqs commit in order) and one sender at a time.
Each batch commits on its own: a job stopped midway keeps what was acknowledged."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from monitoring.upstream.adapters import adapter_for
from monitoring.upstream.config import platform_check
from monitoring.upstream.models import Cursor, OutboxRow, Platform
from monitoring.upstream.sources import source_enqueue
from monitoring.upstream.wire import Batch, PeerError

MAX_BATCHES_PER_TICK = 50
KEEP_ACKED = timedelta(days=7)
ANALYZE_AFTER = 1000


def upstream_tick(*, now: datetime) -> dict[str, dict]:
    """For every enabled platform: enqueue, send, prune. {platform: {table: acked}}; a
    platform whose configuration is refused is skipped with its errors."""
    done: dict[str, dict] = {}
    for platform in Platform.objects.filter(enabled=True).order_by("code"):
        try:
            platform_check(platform)
        except ValidationError as exc:
            done[platform.code] = {"refused": exc.message_dict}
            continue
        platform_enqueue(platform=platform, now=now)
        done[platform.code] = platform_send(platform=platform, now=now)
    OutboxRow.objects.filter(created__lt=now - KEEP_ACKED,
                             seq__lte=_acked_seq_subquery()).delete()
    return done


def platform_enqueue(*, platform: Platform, now: datetime) -> dict[str, int]:
    """Put the platform's new rows of each of its tables in its outbox."""
    counts = {}
    for table in platform.tables:
        with transaction.atomic():
            if _cursor_locked(platform, table) is None:
                continue
            counts[table] = source_enqueue(platform_id=platform.pk, area=platform.area,
                                           table=table, now=now)
    if sum(counts.values()) >= ANALYZE_AFTER:
        # The anti-join needs the planner to know the outbox is large: with the stats of
        # an empty table it scans a platform's whole outbox per candidate row (13.6 s
        # instead of milliseconds for 3,240 rows in bench.upstream). A big fill — the
        # first one, or after the job runner was down — is when the stats fall behind.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_outboxrow")
    return counts


def platform_send(*, platform: Platform, now: datetime) -> dict[str, int]:
    """Send each table's rows after its cursor; returns how many were acknowledged."""
    adapter = adapter_for(platform)
    acked = {}
    for table, spec in platform.tables.items():
        acked[table] = 0
        for _ in range(MAX_BATCHES_PER_TICK):
            n, more = _batch_send(platform, adapter, table, spec, now)
            acked[table] += n
            if not more:
                break
    return acked


def _batch_send(platform, adapter, table: str, spec: dict, now: datetime) -> tuple[int, bool]:
    """One batch under the cursor's lock: (rows acknowledged, whether to go on)."""
    with transaction.atomic():
        cursor = _cursor_locked(platform, table)
        if cursor is None:
            return 0, False
        rows = list(OutboxRow.objects.filter(platform=platform, table=table,
                                             seq__gt=cursor.acked_seq)
                    .order_by("seq")[:platform.batch_size])
        if not rows:
            return 0, False
        batch = batch_build(spec, rows)
        cursor.attempted_at = now
        try:
            ids = adapter.send(batch)
        except PeerError as exc:
            cursor.error = str(exc)[:500]
            cursor.save(update_fields=["attempted_at", "error"])
            return 0, False
        n = _acked_prefix(rows, ids)
        if n:
            cursor.acked_seq, cursor.acked_at = rows[n - 1].seq, now
        cursor.error = "" if n == len(rows) else f"acknowledged {n} of {len(rows)}"
        cursor.save(update_fields=["acked_seq", "acked_at", "attempted_at", "error"])
        return n, n == len(rows) and len(rows) == platform.batch_size


def batch_build(spec: dict, rows: list[OutboxRow]) -> Batch:
    """Our fields renamed to the peer's as the platform's mapping says; unmapped fields
    are not sent."""
    fields = spec["fields"]
    mapped = [{theirs: row.payload.get(ours) for ours, theirs in fields.items()}
              for row in rows]
    return Batch(table=spec["name"], batch_id=f"{rows[0].table}:{rows[0].seq}-{rows[-1].seq}",
                 rows=mapped, id_field=fields["id"])


def _acked_prefix(rows: list[OutboxRow], ids: set[str]) -> int:
    """How many rows from the first are acknowledged: the cursor never jumps a gap."""
    n = 0
    for row in rows:
        if row.stable_id not in ids:
            break
        n += 1
    return n


def _cursor_locked(platform: Platform, table: str) -> Cursor | None:
    Cursor.objects.get_or_create(platform=platform, table=table)
    return (Cursor.objects.select_for_update(skip_locked=True)
            .filter(platform=platform, table=table).first())


def _acked_seq_subquery() -> Subquery:
    return Subquery(Cursor.objects.filter(platform=OuterRef("platform"),
                                          table=OuterRef("table")).values("acked_seq")[:1])
