"""Shared pytest configuration: a Hypothesis profile for a fast, reproducible suite."""

from __future__ import annotations

from hypothesis import settings

# Modest example counts and no per-example deadline (the first call of a transform can be
# slow); no example database, so a run leaves no files in the working tree.
settings.register_profile("autodiff", max_examples=30, deadline=None, database=None)
settings.load_profile("autodiff")
