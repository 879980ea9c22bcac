"""Function transforms over the two engines: grad, jvp, vjp, jacobian, hessian.

Each call opens a fresh differentiation level, so transforms nest (``grad(grad(f))``,
``jacobian(grad(f))``) without confusing one derivative's perturbation with another's.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import numpy as np

from autodiff import primitives as P
from autodiff.dual import Dual
from autodiff.graph import backpropagate
from autodiff.tracer import LIVE_LEVELS, Tracer, as_value, check_live, constant, shape_of
from autodiff.variable import Variable

__all__ = ["derivative", "grad", "hessian", "jacobian", "jvp", "value_and_grad", "vjp"]

Function = Callable[..., Any]
ArgNums = int | Sequence[int]

# Level 0 belongs to values built by hand; each transform call takes the next number.
_levels = itertools.count(1)


def _zeros(shape: tuple[int, ...]) -> Any:
    return np.zeros(shape) if shape else 0.0


def _plain(x: Any) -> Any:
    """NumPy scalars and 0-d arrays as Python floats; anything else unchanged."""
    if isinstance(x, np.floating) or (isinstance(x, np.ndarray) and x.ndim == 0):
        return float(x)
    return x


def _argnums(argnums: Any, nargs: int, who: str) -> tuple[int, ...]:
    """Check ``argnums`` (an int or a sequence of ints) and make it non-negative."""
    if argnums.__class__ is int and 0 <= argnums < nargs:  # the common case, quickly
        return (argnums,)
    nums = (argnums,) if isinstance(argnums, int) else argnums
    if (
        not isinstance(nums, Sequence)
        or isinstance(nums, str)
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in nums)
    ):
        raise TypeError(f"{who}: argnums must be an int or a tuple of ints, not {argnums!r}")
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(
                f"{who}: argnums {argnums!r} is out of range for a call with {nargs} "
                "positional argument(s)"
            )
    return tuple(i % nargs for i in nums)


def _tangent_of(out: Any, level: int) -> Any:
    if isinstance(out, Dual) and out.level == level:
        return out.tangent
    return _zeros(shape_of(out))


def _tangents_of(out: Any, level: int, count: int) -> Any:
    """The batch of ``count`` tangents that ``out`` carries at ``level``, shape
    ``(count, *out.shape)``: zeros if ``out`` does not depend on the seeded input."""
    if isinstance(out, Dual) and out.level == level:
        return out.tangent
    return np.zeros((count, *shape_of(out)))


def _open() -> int:
    """A new differentiation level for one transform call, live until :func:`_close`."""
    level = next(_levels)
    LIVE_LEVELS.add(level)
    return level


def _close(level: int) -> None:
    LIVE_LEVELS.discard(level)


def _one_output(out: Any, who: str) -> Any:
    """``out``, checked to be a single number or array: a transform differentiates one
    output, and anything else (``None`` from a missing ``return``, a ``dict``, a
    string) would otherwise pass for a constant with a zero derivative."""
    kind = out.__class__
    if kind is float or kind is int:
        return out
    if isinstance(out, Tracer):
        x: Any = out
        while isinstance(x, Tracer):  # a traced value that escaped a finished call
            if x.level not in LIVE_LEVELS:
                check_live(x)
            x = x.value
        return out
    if isinstance(out, tuple | list):
        raise TypeError(
            f"{who} needs a function that returns one number or array, not a "
            f"{type(out).__name__} of {len(out)}; differentiate each output on its own, "
            "or join them into one array (autodiff.stack)"
        )
    if isinstance(out, np.ndarray | np.generic):
        return constant(out, f"{who}: the function's output")
    hint = " (did you forget `return`?)" if out is None else ""
    raise TypeError(
        f"{who} needs a function that returns a number or an array, but it returned "
        f"{type(out).__name__}{hint}"
    )


def _primal_of(out: Any, level: int) -> Any:
    if isinstance(out, Dual | Variable) and out.level == level:
        return out.value
    return out


def _gradients(
    out: Any, level: int, seed: Any, leaves: Sequence[Variable], *, consume: bool
) -> tuple[Any, ...]:
    """``seed · ∂out/∂leaf`` for each leaf: one reverse pass, zeros where none reaches."""
    adjoints = {}
    if isinstance(out, Variable) and out.level == level:
        adjoints = backpropagate(out, seed, consume=consume)
    return tuple(
        _plain(adjoints[v] if v in adjoints else _zeros(shape_of(v.value))) for v in leaves
    )


def value_and_grad(f: Function, argnums: ArgNums = 0) -> Callable[..., tuple[Any, Any]]:
    """Like :func:`grad`, but the new function returns ``(f(*args), gradient)``.

    Examples
    --------
    >>> value_and_grad(lambda x: x**3)(2.0)
    (8.0, 12.0)
    """

    return _value_and_grad(f, argnums, "value_and_grad")


def _value_and_grad(f: Function, argnums: ArgNums, who: str) -> Callable[..., tuple[Any, Any]]:
    """:func:`value_and_grad`, with ``who`` (the transform the user called) in errors."""
    _check_function(f, who)

    def value_and_grad_f(*args: Any) -> tuple[Any, Any]:
        nums = _argnums(argnums, len(args), who)
        level = _open()
        try:
            inputs = list(args)
            by_position = {i: Variable._leaf(args[i], level, f"{who}: argument {i}") for i in nums}
            for i, leaf in by_position.items():
                inputs[i] = leaf
            leaves = [by_position[i] for i in nums]  # a repeated argnum gets the same leaf
            out = _one_output(f(*inputs), who)
            shape = shape_of(out)
            if math.prod(shape) != 1:
                raise ValueError(
                    f"{who} needs a function with a single-element output, but it returned "
                    f"shape {shape}; use jacobian or vjp for other outputs"
                )
            seed = np.ones(shape) if shape else 1.0
            grads = _gradients(out, level, seed, leaves, consume=True)
            value = _primal_of(out, level)
        finally:
            _close(level)
        return value, grads[0] if isinstance(argnums, int) else grads

    return value_and_grad_f


def _check_function(f: Any, who: str) -> None:
    if not callable(f):
        raise TypeError(
            f"{who} takes the function to differentiate first, not a {type(f).__name__}: "
            f"write {who}(f)(x), not {who}(f(x))"
        )


def grad(f: Function, argnums: ArgNums = 0) -> Function:
    """The gradient of a scalar-valued function, by reverse mode (one backward pass).

    Parameters
    ----------
    f:
        A function of floats or arrays returning a single-element value.
    argnums:
        Which argument(s) to differentiate: an int, or a tuple (then a tuple of
        gradients is returned).

    Examples
    --------
    >>> import autodiff as ad
    >>> grad(ad.sin)(0.0)
    1.0
    >>> grad(lambda x, a, b: x * a / (x**2 + b), argnums=(0, 1, 2))(24.0, 22.0, 2.0)
    (-0.0377988..., 0.0415224..., -0.00158044...)
    >>> grad(grad(lambda x: x**3))(2.0)  # nested: 6x
    12.0
    """

    return _grad(f, argnums, "grad")


def _grad(f: Function, argnums: ArgNums, who: str) -> Function:
    value_and_grad_f = _value_and_grad(f, argnums, who)

    def grad_f(*args: Any) -> Any:
        return value_and_grad_f(*args)[1]

    return grad_f


def derivative(f: Function) -> Function:
    """The derivative of a function of one scalar, by forward mode (one dual pass).

    Examples
    --------
    >>> import autodiff as ad
    >>> derivative(ad.exp)(0.0)
    1.0
    >>> derivative(derivative(lambda x: x**3))(2.0)
    12.0
    """

    _check_function(f, "derivative")

    def derivative_f(x: Any) -> Any:
        x = as_value(x, "derivative")
        if shape_of(x) != ():
            raise ValueError(
                f"derivative needs a scalar input, got shape {shape_of(x)}; use jvp or "
                "jacobian for arrays"
            )
        level = _open()
        try:
            out = _one_output(f(Dual._new(x, 1.0, level)), "derivative")
            return _plain(_tangent_of(out, level))
        finally:
            _close(level)

    return derivative_f


def jvp(f: Function, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Forward mode: ``f(*primals)`` and the directional derivative along ``tangents``.

    Returns ``(out, tangent_out)`` with ``tangent_out = J · tangents``.

    Examples
    --------
    >>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
    (12.0, 4.0)
    """
    _check_function(f, "jvp")
    for name, seq in (("primals", primals), ("tangents", tangents)):
        if not isinstance(seq, tuple | list):
            raise TypeError(
                f"jvp: {name} must be a tuple or a list with one entry per argument of f, "
                f"not {type(seq).__name__}; for a function of one argument write "
                "jvp(f, (x,), (v,))"
            )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: {len(primals)} primal(s) but {len(tangents)} tangent(s); give one "
            "tangent per primal"
        )
    duals = []
    level = _open()
    try:
        for i, (primal, tangent) in enumerate(zip(primals, tangents, strict=True)):
            p, t = as_value(primal, "jvp primal"), as_value(tangent, "jvp tangent")
            if shape_of(p) != shape_of(t):
                raise ValueError(
                    f"jvp: tangent {i} has shape {shape_of(t)} but primal {i} has shape "
                    f"{shape_of(p)}"
                )
            duals.append(Dual._new(p, t, level))
        out = _one_output(f(*duals), "jvp")
        return _primal_of(out, level), _plain(_tangent_of(out, level))
    finally:
        _close(level)


def vjp(f: Function, *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """Reverse mode: ``f(*primals)`` and a pullback ``cotangent ↦ cotangent · J``.

    The pullback returns one cotangent per primal and may be called many times (the
    graph is recorded once).

    Examples
    --------
    >>> import numpy as np
    >>> out, pullback = vjp(lambda x: x * x, np.array([1.0, 2.0]))
    >>> pullback(np.array([1.0, 10.0]))
    (array([ 2., 40.]),)
    """
    _check_function(f, "vjp")
    level = _open()
    try:
        leaves = [
            Variable._leaf(p, level, f"vjp: primal {i}", copy=True) for i, p in enumerate(primals)
        ]
        out = _one_output(f(*leaves), "vjp")
    finally:
        _close(level)
    out_shape = shape_of(out)

    def pullback(cotangent: Any) -> tuple[Any, ...]:
        ct = as_value(cotangent, "vjp cotangent")
        if shape_of(ct) != out_shape:
            raise ValueError(
                f"vjp: the cotangent has shape {shape_of(ct)} but the output has shape {out_shape}"
            )
        return _gradients(out, level, ct, leaves, consume=False)  # the graph is kept

    return _primal_of(out, level), pullback


def jacobian(
    f: Function,
    mode: Literal["forward", "reverse"] = "forward",
    argnums: ArgNums = 0,
    *,
    chunk_size: int | None = None,
) -> Function:
    """The Jacobian of ``f``, with shape ``out.shape + in.shape``.

    ``mode="forward"`` builds every column in one forward pass that carries a batch of
    tangents, one per input element (cheap for few inputs); ``mode="reverse"`` every row
    in one reverse pass over a single recorded graph that carries a batch of
    cotangents, one per output element (cheap for few outputs).

    A batched pass holds its batch for every value it handles, ``n`` times the memory
    of one directional derivative for a batch of ``n``. ``chunk_size=k`` caps that: the
    columns (forward) or rows (reverse) are computed ``k`` at a time, in ``ceil(n / k)``
    passes (as in ``torch.func.jacfwd`` and ``jacrev``).

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: np.array([[1.0, 2.0], [3.0, 4.0]]) @ x
    >>> jacobian(f)(np.array([1.0, 1.0]))
    array([[1., 2.],
           [3., 4.]])
    >>> jacobian(f, mode="reverse")(np.array([1.0, 1.0]))
    array([[1., 2.],
           [3., 4.]])
    >>> jacobian(f, chunk_size=1)(np.array([1.0, 1.0]))  # two passes of one tangent
    array([[1., 2.],
           [3., 4.]])
    >>> jacobian(f, mode="reverse", chunk_size=1)(np.array([1.0, 1.0]))  # one row a pass
    array([[1., 2.],
           [3., 4.]])
    """
    return _jacobian(f, mode, argnums, chunk_size, "jacobian")


def _jacobian(
    f: Function, mode: str, argnums: ArgNums, chunk_size: int | None, who: str
) -> Function:
    """:func:`jacobian`, with ``who`` (the transform the user called) in errors."""
    _check_function(f, who)
    if mode not in ("forward", "reverse"):
        raise ValueError(f"{who}: mode must be 'forward' or 'reverse', not {mode!r}")
    _check_chunk_size(chunk_size)

    def jacobian_f(*args: Any) -> Any:
        nums = _argnums(argnums, len(args), who)
        args = tuple(as_value(a, f"{who}: argument {i}") for i, a in enumerate(args))
        if mode == "forward":
            jacs = [_jacobian_forward(f, args, i, chunk_size, who=who) for i in nums]
        else:
            jacs = _jacobian_reverse(f, args, nums, chunk_size)
        return jacs[0] if isinstance(argnums, int) else tuple(jacs)

    return jacobian_f


def _check_chunk_size(chunk_size: Any) -> None:
    if chunk_size is None:
        return
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool):
        raise TypeError(f"chunk_size must be a positive int or None, not {chunk_size!r}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int or None, not {chunk_size}")


def _jacobian_forward(
    f: Function,
    args: tuple[Any, ...],
    i: int,
    chunk_size: int | None = None,
    *,
    several: bool = False,
    who: str = "jacobian",
) -> Any:
    """Every column of the Jacobian from forward passes with a batch of tangents.

    Argument ``i`` carries the basis, ``eye(n)`` shaped ``(n, *in_shape)`` (or
    ``chunk_size`` rows of it per pass), as a batched dual number; the other arguments
    stay constants. The output's tangents, ``(n, *out_shape)``, are the Jacobian's
    columns: moving the batch axis last gives ``out_shape + in_shape``. A scalar
    argument has one column, so it gets a plain dual number. With ``several=True``,
    ``f`` returns a tuple (as :func:`hessian`'s gradient does) and the same passes give
    a tuple of Jacobians, one per output.
    """
    in_shape = shape_of(args[i])
    seeds = [(b, True) for b in _bases(in_shape, chunk_size)] if in_shape else [(1.0, False)]
    blocks: list[list[Any]] = []
    outs: Sequence[Any] = ()
    for seed, batched in seeds:
        level = _open()
        try:
            inputs = list(args)
            inputs[i] = Dual._new(args[i], seed, level, batched=batched)
            result = f(*inputs)
            outs = result if several else (_one_output(result, who),)
            blocks = blocks or [[] for _ in outs]
            for block, out in zip(blocks, outs, strict=True):
                block.append(
                    _tangents_of(out, level, shape_of(seed)[0])
                    if batched
                    else _tangent_of(out, level)
                )
        finally:
            _close(level)
    jacs = [
        _assemble(block, shape_of(out), in_shape) for block, out in zip(blocks, outs, strict=True)
    ]
    return tuple(jacs) if several else jacs[0]


def _assemble(blocks: list[Any], out_shape: tuple[int, ...], in_shape: tuple[int, ...]) -> Any:
    """The Jacobian, ``out_shape + in_shape``, from the output tangents of each pass."""
    if not in_shape:  # one plain tangent: the single column
        t = blocks[0]
        return _plain(P.broadcast_to(t, out_shape) if shape_of(t) != out_shape else t)
    columns = blocks[0] if len(blocks) == 1 else _concatenate(blocks)
    if out_shape:
        columns = P.transpose(columns, (*range(1, len(out_shape) + 1), 0))
    if len(in_shape) == 1:
        return columns  # already out_shape + in_shape
    return P.reshape(columns, out_shape + in_shape)


def _bases(shape: tuple[int, ...], chunk_size: int | None) -> Iterator[Any]:
    """The basis of the ``n`` elements of ``shape``, ``chunk_size`` vectors at a time,
    each block stacked as ``(count, *shape)``. An empty shape still gives one block."""
    n = math.prod(shape)
    step = max(1, n if chunk_size is None else min(chunk_size, n))
    for start in range(0, max(n, 1), step):
        count = min(step, n - start)
        basis = np.zeros((count, n))
        basis[np.arange(count), start + np.arange(count)] = 1.0
        yield basis.reshape(count, *shape)


def _concatenate(blocks: list[Any]) -> Any:
    """Join blocks of columns along the batch axis (row by row if any is traced)."""
    if all(isinstance(b, np.ndarray) for b in blocks):
        return np.concatenate(blocks)
    return P.stack([b[k] for b in blocks for k in range(shape_of(b)[0])])


def _jacobian_reverse(
    f: Function, args: tuple[Any, ...], nums: tuple[int, ...], chunk_size: int | None = None
) -> list[Any]:
    """Every row of the Jacobian from reverse passes with a batch of cotangents.

    The graph is recorded once (:func:`vjp`). A pullback is linear in its cotangent, so
    a batch of cotangents can ride through it as the tangents of a dual number whose
    value is zero: every rule the sweep applies to that cotangent pushes the whole
    batch, through the same batched forward rules that :func:`jacobian` uses in
    forward mode. The inputs' adjoints then carry the rows, ``(m, *in_shape)`` for
    ``m`` output elements: one walk of the graph per chunk instead of one per row.
    """

    def f_of_selected(*selected: Any) -> Any:
        full = list(args)
        for i, s in zip(nums, selected, strict=True):
            full[i] = s
        return _one_output(f(*full), "jacobian")

    out, pullback = vjp(f_of_selected, *(args[i] for i in nums))
    out_shape = shape_of(out)
    in_shapes = [shape_of(args[i]) for i in nums]
    if not out_shape:  # a single row: one plain pullback
        return list(pullback(1.0))
    blocks: list[list[Any]] = [[] for _ in nums]
    for basis in _bases(out_shape, chunk_size):
        level = _open()
        try:
            adjoints = pullback(Dual._new(np.zeros(out_shape), basis, level, batched=True))
            for block, adjoint in zip(blocks, adjoints, strict=True):
                block.append(_tangents_of(adjoint, level, shape_of(basis)[0]))
        finally:
            _close(level)
    return [
        P.reshape(_concatenate(block), out_shape + in_shape)
        for block, in_shape in zip(blocks, in_shapes, strict=True)
    ]


def hessian(f: Function, argnums: ArgNums = 0, *, chunk_size: int | None = None) -> Function:
    """The Hessian of a scalar function: forward mode over reverse mode.

    It is ``jacobian(grad(f), mode="forward")``: a single reverse pass whose arithmetic
    runs on dual numbers carrying one tangent per input element, so it computes every
    Hessian-vector product at once (or ``chunk_size`` of them per pass, to cap the
    memory; see :func:`jacobian`). With a tuple ``argnums`` the result is a nested
    tuple of blocks ``∂²f/∂args[i]∂args[j]``, as in JAX; the passes that seed argument
    ``j`` give the blocks of every ``i`` at once, so ``k`` arguments take ``k`` passes.

    Examples
    --------
    >>> import numpy as np
    >>> hessian(lambda x: (x[0] ** 2) * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    """
    if isinstance(argnums, int):
        return _jacobian(_grad(f, argnums, "hessian"), "forward", argnums, chunk_size, "hessian")
    _check_chunk_size(chunk_size)
    gradient = _grad(f, argnums, "hessian")  # a tuple: one gradient per argument

    def hessian_f(*args: Any) -> Any:
        nums = _argnums(argnums, len(args), "hessian")
        args = tuple(as_value(a, f"hessian: argument {i}") for i, a in enumerate(args))
        # The passes that seed argument j give column j of blocks, for every gradient i.
        columns = [
            _jacobian_forward(gradient, args, j, chunk_size, several=True, who="hessian")
            for j in nums
        ]
        return tuple(tuple(column[i] for column in columns) for i in range(len(nums)))

    return hessian_f
