"""The initial weights of a linear layer, as PyTorch draws them."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from autodiff._arguments import integer
from autodiff._random import as_generator

__all__ = ["init_uniform"]


def init_uniform(
    rng: np.random.Generator, in_features: int, out_features: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """PyTorch's default initialisation of a linear layer, drawn from ``rng``.

    The weight, of shape ``(out_features, in_features)``, is drawn first, then the bias,
    of shape ``(out_features,)``, both from ``U(-1/√in_features, 1/√in_features)``.
    :class:`Linear` and the scalar layers of :mod:`autodiff.nn.scalar` both use it, so
    they start from the same numbers when given the same seed.

    >>> import numpy as np
    >>> w, b = init_uniform(np.random.default_rng(0), 4, 3)
    >>> w.shape, b.shape, bool(np.all(np.abs(w) <= 0.5))
    ((3, 4), (3,), True)
    """
    rng = as_generator(rng, "init_uniform")
    in_features = integer(in_features, "init_uniform", "in_features", example=4)
    out_features = integer(out_features, "init_uniform", "out_features", example=3)
    bound = 1.0 / math.sqrt(in_features)
    weight = rng.uniform(-bound, bound, size=(out_features, in_features))
    bias = rng.uniform(-bound, bound, size=out_features)
    return weight, bias
