"""The engine's time heap pops in the order ``heapq`` gives the tuples (time, key); its
record columns give back what was appended."""

from __future__ import annotations

import heapq

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.columns import BLOCK, Column
from sim.engine.heap import TimeHeap

# times from a small set so that ties (broken by key) are frequent
times = st.sampled_from([0.0, 0.5, 1.0, 1.0 + 1e-12, 2.0, 7.25])


@given(st.lists(st.tuples(st.booleans(), times), max_size=200))
def test_pops_in_heapq_order(operations: list[tuple[bool, float]]) -> None:
    """Interleaved pushes and pops: same entries popped, in the same order, as heapq."""
    heap: TimeHeap[str] = TimeHeap()
    reference: list[tuple[float, int, str]] = []
    for key, (pop, time) in enumerate(operations):
        if pop and reference:
            entry = heap.pop()
            assert (entry.time, entry.key, entry.value) == heapq.heappop(reference)
        else:
            heap.push(time, key, f"v{key}")
            heapq.heappush(reference, (time, key, f"v{key}"))
        assert heap.first_time() == (reference[0][0] if reference else float("inf"))
        assert len(heap) == len(reference)
    assert sorted(heap.values()) == sorted(v for _, _, v in reference)
    while reference:
        entry = heap.pop()
        assert (entry.time, entry.key, entry.value) == heapq.heappop(reference)
    assert not heap


def test_record_columns_keep_every_value_in_order_across_blocks() -> None:
    floats, ints = Column(float), Column(np.int64)
    values = np.random.default_rng(3).uniform(0, 1e4, 3 * BLOCK + 17)
    for i, value in enumerate(values.tolist()):
        floats.append(value)
        ints.append(i * 7)
    assert len(floats) == len(values) and len(floats.blocks) == 3
    np.testing.assert_array_equal(floats.array(), values)
    np.testing.assert_array_equal(ints.array(), np.arange(len(values)) * 7)
    assert ints.array().dtype == np.int64 and len(Column(float).array()) == 0
