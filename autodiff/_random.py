"""Seeded randomness: every function that draws numbers takes ``rng``."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

__all__ = ["Seed", "as_generator"]

#: What an ``rng`` argument accepts: a generator (used as it is, so successive calls
#: continue its stream), an integer seed, or ``None`` for fresh, unpredictable entropy.
Seed: TypeAlias = np.random.Generator | int | None


def as_generator(rng: Seed, owner: str = "rng") -> np.random.Generator:
    """A NumPy generator from an ``rng`` argument (see :data:`Seed`).

    >>> as_generator(0).uniform() == as_generator(0).uniform()
    True
    >>> g = np.random.default_rng(1)
    >>> as_generator(g) is g
    True
    """
    seed: object = rng  # checked at run time: callers are not always typed
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, int | np.integer) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(
        f"{owner} must be a numpy.random.Generator, an int seed or None, not {type(rng).__name__}"
    )
