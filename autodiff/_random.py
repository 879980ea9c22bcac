"""Seeded randomness: every function that draws numbers takes ``rng``."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from autodiff._arguments import given

__all__ = ["Seed", "as_generator"]

#: What an ``rng`` argument accepts: a generator (used as it is, so successive calls
#: continue its stream), an integer seed, or ``None`` for fresh, unpredictable entropy.
Seed: TypeAlias = np.random.Generator | int | None


def as_generator(rng: Seed, owner: str | None = None) -> np.random.Generator:
    """A NumPy generator from an ``rng`` argument (see :data:`Seed`).

    ``owner`` names the function whose argument it is, for the error message.

    >>> as_generator(0).uniform() == as_generator(0).uniform()
    True
    >>> g = np.random.default_rng(1)
    >>> as_generator(g) is g
    True
    >>> as_generator("0", "make_moons")
    Traceback (most recent call last):
    ...
    TypeError: make_moons: rng must be a numpy.random.Generator, an int seed or None, not str '0'; pass e.g. rng=0 or rng=np.random.default_rng(0)
    >>> as_generator(-1)
    Traceback (most recent call last):
    ...
    ValueError: rng must be a non-negative int seed, not -1; pass e.g. rng=0
    """
    prefix = f"{owner}: " if owner else ""
    seed: object = rng  # checked at run time: callers are not always typed
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        if seed < 0:
            raise ValueError(
                f"{prefix}rng must be a non-negative int seed, not {seed!r}; pass e.g. rng=0"
            )
        return np.random.default_rng(seed)
    fix = "pass e.g. rng=0 or rng=np.random.default_rng(0)"
    if isinstance(seed, np.random.RandomState):
        fix = "the legacy RandomState is not supported: pass rng=np.random.default_rng(seed)"
    raise TypeError(
        f"{prefix}rng must be a numpy.random.Generator, an int seed or None, not "
        f"{given(seed)}; {fix}"
    )
