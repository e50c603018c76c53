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


def test_rows_cut_from_a_batch_in_flight_are_not_drops_if_it_is_acked(tmp_path):
    j = Journal(tmp_path / "j.db", 10, ["a"])
    j.append([rec(i) for i in range(10)])
    batch = j.fetch("a", 100)  # 1..10 in flight ...
    assert j.dropped_before("a", batch[0].seq) == 0
    j.append([rec(i) for i in range(4)])  # ... while the bound cuts 1..4 from the journal
    assert j.stats()["uplinks"]["a"]["dropped_pending"] == 4  # lost if the send fails
    j.ack("a", batch[-1].seq, 0, first_seq=batch[0].seq)  # it arrived: nothing was lost
    assert j.dropped_pending("a") == 0
    st = j.stats()["uplinks"]["a"]
    assert st["dropped_total"] == 0 and st["depth"] == 4
    assert [r.seq for r in j.fetch("a", 100)] == [11, 12, 13, 14]
    j.close()


def test_rows_cut_from_a_failed_batch_are_counted_once(tmp_path):
    j = Journal(tmp_path / "j.db", 10, ["a"])
    j.append([rec(i) for i in range(10)])
    lost = j.fetch("a", 100)  # 1..10 sent, never acknowledged ...
    j.append([rec(i) for i in range(4)])  # ... and 1..4 cut meanwhile
    retry = j.fetch("a", 100)
    assert [r.seq for r in retry] == list(range(5, 15))
    assert lost[0].seq == 1 and j.dropped_before("a", retry[0].seq) == 4
    j.append([rec(i) for i in range(2)])  # 5, 6 cut from the retry in flight: it arrives
    j.ack("a", retry[-1].seq, 4, first_seq=retry[0].seq)
    st = j.stats()["uplinks"]["a"]
    assert st["dropped_pending"] == 0 and st["dropped_total"] == 4
    nxt = j.fetch("a", 100)
    assert [r.seq for r in nxt] == [15, 16] and j.dropped_before("a", nxt[0].seq) == 0
    j.close()


def test_quarantine_keeps_the_drops_before_it_pending(tmp_path):
    j = Journal(tmp_path / "j.db", 5, ["a"])
    j.append([rec(i) for i in range(8)])  # 1..3 cut before anything was sent
    poison = j.fetch("a", 2)  # 4, 5
    j.quarantine("a", poison, "422", "{}")
    rest = j.fetch("a", 100)
    assert [r.seq for r in rest] == [6, 7, 8] and j.dropped_before("a", 6) == 3
    j.ack("a", 8, 3, first_seq=6)
    assert j.stats()["uplinks"]["a"]["dropped_total"] == 3 and j.dropped_pending("a") == 0
    j.close()
