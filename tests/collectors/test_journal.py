"""Journal: persistent monotonic sequence, per-uplink cursors, bound, quarantine."""

from collectors.journal import Journal, Record


def rec(i: int) -> Record:
    return Record(1000.0 + i, "reading", "p", float(i), None, "good", None, "m")


def test_sequence_never_repeats_across_restart_even_when_rows_are_gone(tmp_path):
    j = Journal(tmp_path / "j.db", 100, ["a"])
    assert j.append([rec(i) for i in range(5)]) == (1, 5)
    j.ack("a", 5)  # all acked -> compacted away
    assert j.stats()["records"] == 0
    j.close()
    j = Journal(tmp_path / "j.db", 100, ["a"])
    assert j.append([rec(9)]) == (6, 6)  # not 1: the sequence is persisted, not the rowid
    j.close()


def test_cursors_are_independent(tmp_path):
    j = Journal(tmp_path / "j.db", 100, ["fast", "dead"])
    j.append([rec(i) for i in range(10)])
    assert [r.seq for r in j.fetch("fast", 4)] == [1, 2, 3, 4]
    j.ack("fast", 4)
    assert [r.seq for r in j.fetch("fast", 100)][0] == 5
    assert [r.seq for r in j.fetch("dead", 100)][0] == 1  # nothing lost for the dead one
    st = j.stats()["uplinks"]
    assert st["fast"]["depth"] == 6 and st["dead"]["depth"] == 10
    j.close()


def test_full_journal_drops_oldest_and_counts_per_uplink(tmp_path):
    j = Journal(tmp_path / "j.db", 10, ["a", "b"])
    j.append([rec(i) for i in range(8)])
    j.ack("b", 8)
    j.append([rec(i) for i in range(7)])  # 15 total, bound 10 -> seqs 1..5 dropped
    assert [r.seq for r in j.fetch("a", 100)] == list(range(6, 16))
    assert j.dropped_pending("a") == 5 and j.dropped_pending("b") == 0
    j.ack("a", 15, dropped_reported=5)
    assert j.dropped_pending("a") == 0 and j.stats()["uplinks"]["a"]["dropped_total"] == 5
    j.close()


def test_quarantine_moves_cursor_and_keeps_body(tmp_path):
    j = Journal(tmp_path / "j.db", 100, ["a"])
    j.append([rec(i) for i in range(3)])
    j.quarantine("a", j.fetch("a", 2), "400 schema", "{}")
    assert [r.seq for r in j.fetch("a", 10)] == [3]
    assert j.stats()["quarantined_batches"] == 1
    j.close()
