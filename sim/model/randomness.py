"""Random number streams: one per source of randomness, stable across plans.

A stream is keyed by the scenario seed, the replication and the *name* of its source (e.g.
``arrivals:NP_COAL_IN``), so that two plans run with the same seed see the same demand even
when one has more streams or resources than the other (common random numbers), and the
same replication gives the same numbers on any worker.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["stream"]


def stream(seed: int, replication: int, source: str) -> np.random.Generator:
    """The generator of one source of randomness in one replication.

    Examples
    --------
    >>> a = stream(7, 0, "arrivals:S1").random()
    >>> a == stream(7, 0, "arrivals:S1").random()
    True
    """
    key = zlib.crc32(source.encode("utf-8"))
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, key))
    return np.random.Generator(np.random.PCG64(sequence))
