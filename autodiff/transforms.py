"""Function transforms over the two engines: grad, jvp, vjp, jacobian, hessian.

Each call opens a fresh differentiation level, so transforms nest (``grad(grad(f))``,
``jacobian(grad(f))``) without confusing one derivative's perturbation with another's.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

import numpy as np

from autodiff import primitives as P
from autodiff import tree
from autodiff.dual import Dual
from autodiff.graph import backpropagate
from autodiff.tracer import LIVE_LEVELS, Tracer, check_live, close_level, open_level
from autodiff.values import as_value, constant, shape_of, zeros
from autodiff.variable import Variable

__all__ = ["derivative", "grad", "hessian", "jacobian", "jvp", "value_and_grad", "vjp"]

Function = Callable[..., Any]
ArgNums = int | Sequence[int]


def _plain(x: Any) -> Any:
    """NumPy scalars and 0-d arrays as Python floats; anything else unchanged."""
    if isinstance(x, np.floating) or (isinstance(x, np.ndarray) and x.ndim == 0):
        return float(x)
    return x


#: The classes of an argument that is a single leaf, known without walking it: the fast
#: path of every transform (a float or an array costs no pytree work at all).
_LEAF_CLASSES = frozenset({float, int, np.ndarray, np.float64, Variable, Dual})

#: The structure of a single leaf (an argument or output that is no container).
_LEAF = tree.leaf_def()


def _is_tree(arg: Any) -> bool:
    """Whether an argument is a container (a float or an array is known at once not to
    be). Anything else is one leaf, checked as such."""
    return arg.__class__ not in _LEAF_CLASSES and isinstance(arg, dict | list | tuple)


def _output_tree(out: Any, who: str) -> tuple[list[Any], tree.TreeDef]:
    """The leaves and structure of a function's output, each leaf checked as
    :func:`_one_output` checks a single output (for the transforms whose output may
    be a container: jvp, vjp, jacobian)."""
    if isinstance(out, dict | list | tuple):
        leaves, treedef = tree.flatten(out, "the output", who)
        return [_one_output(leaf, who) for leaf in leaves], treedef
    return [_one_output(out, who)], _LEAF


def _split_aux(out: Any, who: str) -> tuple[Any, Any]:
    """``(loss, aux)`` from the output of a ``has_aux=True`` function."""
    if not isinstance(out, tuple | list) or len(out) != 2:
        got = (
            f"a {type(out).__name__} of {len(out)}"
            if isinstance(out, tuple | list)
            else f"one {type(out).__name__}"
        )
        raise TypeError(
            f"{who}(f, has_aux=True) needs f to return a pair (loss, aux), but it returned "
            f"{got}; return (loss, aux), or drop has_aux=True"
        )
    return out[0], out[1]


def _strip(aux: Any, level: int) -> Any:
    """``aux`` with each value traced at ``level`` replaced by its plain value, in any
    nesting of dicts, lists and tuples (other objects are kept as they are)."""
    kind = aux.__class__
    if kind is Variable or kind is Dual:
        while isinstance(aux, Dual | Variable) and aux.level == level:
            aux = aux.value
        return _plain(aux)
    if kind is dict:
        return {k: _strip(v, level) for k, v in aux.items()}
    if kind is list:
        return [_strip(v, level) for v in aux]
    if isinstance(aux, tuple):
        items = [_strip(v, level) for v in aux]
        return kind(*items) if hasattr(kind, "_fields") else tuple(items)
    return aux


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
    return zeros(shape_of(out))


def _tangents_of(out: Any, level: int, count: int) -> Any:
    """The batch of ``count`` tangents that ``out`` carries at ``level``, shape
    ``(count, *out.shape)``: zeros if ``out`` does not depend on the seeded input."""
    if isinstance(out, Dual) and out.level == level:
        return out.tangent
    return np.zeros((count, *shape_of(out)))


def _one_output(out: Any, who: str) -> Any:
    """``out``, checked to be a single number or array: anything else (``None`` from a
    missing ``return``, a string) would otherwise pass for a constant with a zero
    derivative. A container is refused too: only :func:`_output_tree` takes them."""
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
    if isinstance(out, tuple | list | dict):  # legal where containers are (_output_tree)
        what = (
            f"a dict with keys {list(out)}"
            if isinstance(out, dict)
            else f"a {type(out).__name__} of {len(out)}"
        )
        hint = (
            f"to return extra values alongside the loss, return (loss, aux) and use "
            f"{who}(f, has_aux=True); for several outputs use jacobian or vjp"
            if who in ("grad", "value_and_grad")
            else "differentiate each output on its own, or use jvp, vjp or jacobian, "
            "which take containers of outputs"
        )
        raise TypeError(
            f"{who} needs a function that returns one number or array, not {what}: {who} "
            f"differentiates a single output; {hint}"
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
    cotangents = {}
    if isinstance(out, Variable) and out.level == level:
        cotangents = backpropagate(out, seed, consume=consume)
    return tuple(
        _plain(cotangents[v] if v in cotangents else zeros(shape_of(v.value))) for v in leaves
    )


def value_and_grad(
    f: Function, argnums: ArgNums = 0, *, has_aux: bool = False
) -> Callable[..., tuple[Any, Any]]:
    """Like :func:`~autodiff.grad`, but the new function returns ``(f(*args), gradient)``.

    With ``has_aux=True``, ``f`` returns ``(loss, aux)`` and the new function
    ``((loss, aux), gradient)``, as in JAX.

    Examples
    --------
    >>> value_and_grad(lambda x: x**3)(2.0)
    (8.0, 12.0)
    >>> value_and_grad(lambda x: (x**3, {"x squared": x**2}), has_aux=True)(2.0)
    ((8.0, {'x squared': 4.0}), 12.0)
    """

    return _value_and_grad(f, argnums, "value_and_grad", has_aux)


def _value_and_grad(
    f: Function, argnums: ArgNums, who: str, has_aux: bool = False
) -> Callable[..., tuple[Any, Any]]:
    """:func:`value_and_grad`, with ``who`` (the transform the user called) in errors."""
    _check_function(f, who)
    _check_flag(has_aux, "has_aux", who)

    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        nums = _argnums(argnums, len(args), who)
        level = open_level()
        try:
            inputs = list(args)
            trees: dict[int, tuple[list[Variable], tree.TreeDef]] | None = None
            if len(nums) == 1 and args[nums[0]].__class__ in _LEAF_CLASSES:
                # the fast path, one float or array: no pytree work at all
                leaf = Variable.input_at_level(args[nums[0]], level, f"{who}: argument {nums[0]}")
                inputs[nums[0]] = leaf
                leaves = [leaf]
            else:
                trees = {}
                for i in nums:
                    if i in trees:  # a repeated argnum gets the same leaves
                        continue
                    a = args[i]
                    name = _arg_name(f, i) if _is_tree(a) else f"argument {i}"
                    trees[i] = _leaves_of(a, level, who, name)
                    inputs[i] = tree.tree_unflatten(trees[i][1], trees[i][0])
                leaves = [v for vs, _ in trees.values() for v in vs]
            out, aux = f(*inputs, **kwargs), None
            if has_aux:
                out, aux = _split_aux(out, who)
            out = _one_output(out, who)
            shape = shape_of(out)
            if math.prod(shape) != 1:
                raise ValueError(
                    f"{who} needs a function with a single-element output, but it returned "
                    f"shape {shape}; use jacobian or vjp for other outputs"
                )
            seed = np.ones(shape) if shape else 1.0
            grads = _gradients(out, level, seed, leaves, consume=True)
            value = _primal_of(out, level)
            if has_aux:
                value = (value, _strip(aux, level))
        finally:
            close_level(level)
        if trees is None:
            return value, grads[0] if isinstance(argnums, int) else (grads[0],)
        by_arg = _regroup(trees, grads)
        if isinstance(argnums, int):
            return value, by_arg[nums[0]]
        return value, tuple(by_arg[i] for i in nums)

    return value_and_grad_f


def _leaves_of(
    arg: Any, level: int, who: str, name: str, *, copy: bool = False
) -> tuple[list[Variable], tree.TreeDef]:
    """The leaves of an argument (a pytree, or a single leaf), as inputs at ``level``,
    and its structure. With ``copy``, arrays are copied (see ``Variable.input_at_level``)."""
    if not _is_tree(arg):
        return [Variable.input_at_level(arg, level, f"{who}: {name}", copy=copy)], _LEAF
    values, treedef = tree.flatten(arg, name, who)
    paths = treedef.paths()
    return [
        Variable.input_at_level(v, level, f"{who}: {name}{path}", copy=copy)
        for v, path in zip(values, paths, strict=True)
    ], treedef


def _regroup(
    trees: dict[int, tuple[list[Any], tree.TreeDef]], flat: Sequence[Any]
) -> dict[int, Any]:
    """The flat results (one per leaf of every argument in ``trees``, in order) as one
    tree per argument, with the argument's structure."""
    out, start = {}, 0
    for i, (leaves, treedef) in trees.items():
        if treedef is _LEAF:  # a float or an array: no pytree work
            out[i] = flat[start]
            start += 1
        else:
            out[i] = tree.tree_unflatten(treedef, flat[start : start + len(leaves)])
            start += len(leaves)
    return out


def _arg_name(f: Any, i: int) -> str:
    """What to call positional argument ``i`` of ``f`` in an error: its parameter's name
    if it has one (``params``), else ``argument i``."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return f"argument {i}"
    if i < len(params) and params[i].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        return params[i].name
    return f"argument {i}"


def _check_flag(value: Any, name: str, who: str) -> None:
    if value is not True and value is not False:
        raise TypeError(f"{who}: {name} must be True or False, not {value!r}")


def _check_function(f: Any, who: str) -> None:
    if not callable(f):
        raise TypeError(
            f"{who} takes the function to differentiate first, not a {type(f).__name__}: "
            f"write {who}(f)(x), not {who}(f(x))"
        )


def grad(f: Function, argnums: ArgNums = 0, *, has_aux: bool = False) -> Function:
    """The gradient of a scalar-valued function, by reverse mode (one backward pass).

    Parameters
    ----------
    f:
        A function of floats, arrays or pytrees of them (nested dicts, lists and
        tuples, see :mod:`autodiff.tree`) returning a single-element value. Keyword
        arguments are passed on to ``f`` and never differentiated.
    argnums:
        Which positional argument(s) to differentiate: an int, or a tuple (then a
        tuple of gradients is returned). The gradient of a pytree argument is a pytree
        of the same structure.
    has_aux:
        Whether ``f`` returns a pair ``(loss, aux)``: then the new function returns
        ``(gradient, aux)``, with the values in ``aux`` plain numbers and arrays, as
        in JAX.

    Examples
    --------
    >>> import autodiff as ad
    >>> grad(ad.sin)(0.0)
    1.0
    >>> grad(lambda x, a, b: x * a / (x**2 + b), argnums=(0, 1, 2))(24.0, 22.0, 2.0)
    (-0.0377988..., 0.0415224..., -0.00158044...)
    >>> grad(grad(lambda x: x**3))(2.0)  # nested: 6x
    12.0
    >>> grad(lambda p: p["w"] ** 2 * p["b"])({"w": 3.0, "b": 2.0})  # a pytree
    {'b': 9.0, 'w': 12.0}
    >>> grad(lambda x, scale=1.0: scale * x**2)(3.0, scale=10.0)  # keywords pass through
    60.0
    >>> grad(lambda x: (x**2, x + 1), has_aux=True)(3.0)
    (6.0, 4.0)
    """

    return _grad(f, argnums, "grad", has_aux)


def _grad(f: Function, argnums: ArgNums, who: str, has_aux: bool = False) -> Function:
    value_and_grad_f = _value_and_grad(f, argnums, who, has_aux)

    if has_aux:

        def grad_aux_f(*args: Any, **kwargs: Any) -> Any:
            (_, aux), g = value_and_grad_f(*args, **kwargs)
            return g, aux

        return grad_aux_f

    def grad_f(*args: Any, **kwargs: Any) -> Any:
        return value_and_grad_f(*args, **kwargs)[1]

    return grad_f


def derivative(f: Function) -> Function:
    """The derivative of a function of one scalar, by forward mode (one dual pass).

    Keyword arguments are passed on to ``f`` and never differentiated.

    Examples
    --------
    >>> import autodiff as ad
    >>> derivative(ad.exp)(0.0)
    1.0
    >>> derivative(derivative(lambda x: x**3))(2.0)
    12.0
    """

    _check_function(f, "derivative")

    def derivative_f(x: Any, **kwargs: Any) -> Any:
        x = as_value(x, "derivative")
        if shape_of(x) != ():
            raise ValueError(
                f"derivative needs a scalar input, got shape {shape_of(x)}; use jvp or "
                "jacobian for arrays"
            )
        level = open_level()
        try:
            out = _one_output(f(Dual.at_level(x, 1.0, level), **kwargs), "derivative")
            return _plain(_tangent_of(out, level))
        finally:
            close_level(level)

    return derivative_f


def jvp(
    f: Function, primals: Sequence[Any], tangents: Sequence[Any], **kwargs: Any
) -> tuple[Any, Any]:
    """Forward mode: ``f(*primals)`` and the directional derivative along ``tangents``.

    Returns ``(out, tangent_out)`` with ``tangent_out = J · tangents``. A primal may be
    a pytree (see :mod:`autodiff.tree`), with a tangent of the same structure; an
    output that is a pytree has a tangent of the same structure. Keyword arguments
    are passed on to ``f`` and never differentiated.

    Examples
    --------
    >>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
    (12.0, 4.0)
    >>> jvp(lambda p: {"area": p["w"] * p["h"]}, ({"w": 2.0, "h": 3.0},), ({"w": 1.0, "h": 0.0},))
    ({'area': 6.0}, {'area': 3.0})
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
    level = open_level()
    try:
        for i, (primal, tangent) in enumerate(zip(primals, tangents, strict=True)):
            if not _is_tree(primal) and not _is_tree(tangent):
                duals.append(_dual(primal, tangent, level, f"primal {i}", f"tangent {i}"))
                continue
            ps, pdef = tree.flatten(primal, f"primal {i}", "jvp")
            ts, tdef = tree.flatten(tangent, f"tangent {i}", "jvp")
            if tdef != pdef:
                raise ValueError(
                    f"jvp: tangent {i} has structure {tdef} but primal {i} has structure "
                    f"{pdef}; give a tangent of the same structure"
                )
            duals.append(
                tree.tree_unflatten(
                    pdef,
                    [
                        _dual(p, t, level, f"primal {i}{path}", f"tangent {i}{path}")
                        for p, t, path in zip(ps, ts, pdef.paths(), strict=True)
                    ],
                )
            )
        outs, out_def = _output_tree(f(*duals, **kwargs), "jvp")
        if out_def is _LEAF:
            return _primal_of(outs[0], level), _plain(_tangent_of(outs[0], level))
        return (
            tree.tree_unflatten(out_def, [_primal_of(o, level) for o in outs]),
            tree.tree_unflatten(out_def, [_plain(_tangent_of(o, level)) for o in outs]),
        )
    finally:
        close_level(level)


def _dual(primal: Any, tangent: Any, level: int, pname: str, tname: str) -> Dual:
    p, t = as_value(primal, f"jvp {pname}"), as_value(tangent, f"jvp {tname}")
    if shape_of(p) != shape_of(t):
        raise ValueError(
            f"jvp: {tname} has shape {shape_of(t)} but {pname} has shape {shape_of(p)}"
        )
    return Dual.at_level(p, t, level)


def vjp(f: Function, *primals: Any, **kwargs: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """Reverse mode: ``f(*primals)`` and a pullback ``cotangent ↦ cotangent · J``.

    The pullback returns one cotangent per primal and may be called many times (the
    graph is recorded once). A primal may be a pytree (see :mod:`autodiff.tree`): its
    cotangent has the same structure. So may the output: the pullback then takes a
    cotangent of the output's structure (a tuple for a tuple output), and walks the
    graph once per output leaf that depends on the primals. Keyword arguments are
    passed on to ``f`` and never differentiated.

    Examples
    --------
    >>> import numpy as np
    >>> out, pullback = vjp(lambda x: x * x, np.array([1.0, 2.0]))
    >>> pullback(np.array([1.0, 10.0]))
    (array([ 2., 40.]),)
    >>> out, pullback = vjp(lambda p: (p["a"] * p["b"], p["a"]), {"a": 2.0, "b": 3.0})
    >>> out
    (6.0, 2.0)
    >>> pullback((1.0, 10.0))
    ({'a': 13.0, 'b': 2.0},)
    """
    _check_function(f, "vjp")
    level = open_level()
    try:
        inputs = list(primals)
        trees: dict[int, tuple[list[Variable], tree.TreeDef]] = {}
        for i, p in enumerate(primals):
            trees[i] = _leaves_of(p, level, "vjp", f"primal {i}", copy=True)  # pulled back later
            vs, treedef = trees[i]
            inputs[i] = vs[0] if treedef is _LEAF else tree.tree_unflatten(treedef, vs)
        outs, out_def = _output_tree(f(*inputs, **kwargs), "vjp")
    finally:
        close_level(level)
    leaves = [v for vs, _ in trees.values() for v in vs]

    def pullback(cotangent: Any) -> tuple[Any, ...]:
        if out_def is _LEAF:
            cts = [as_value(cotangent, "vjp cotangent")]
        else:
            cts, ct_def = tree.flatten(cotangent, "the cotangent", "vjp")
            if ct_def != out_def:
                raise ValueError(
                    f"vjp: the cotangent has structure {ct_def} but the output has "
                    f"structure {out_def}; give a cotangent of the output's structure"
                )
            cts = [as_value(c, "vjp cotangent") for c in cts]
        grads: Sequence[Any] | None = None
        for k, (out, ct) in enumerate(zip(outs, cts, strict=True)):
            if shape_of(ct) != shape_of(out):
                where = "" if out_def is _LEAF else f" at {out_def.paths()[k]}"
                raise ValueError(
                    f"vjp: the cotangent{where} has shape {shape_of(ct)} but the output"
                    f"{where} has shape {shape_of(out)}"
                )
            if grads is not None and not (isinstance(out, Variable) and out.level == level):
                continue  # this output adds nothing
            g = _gradients(out, level, ct, leaves, consume=False)  # the graph is kept
            grads = g if grads is None else [a + b for a, b in zip(grads, g, strict=True)]
        by_arg = _regroup(trees, grads or [])
        return tuple(by_arg[i] for i in range(len(primals)))

    if out_def is _LEAF:
        return _primal_of(outs[0], level), pullback
    return tree.tree_unflatten(out_def, [_primal_of(o, level) for o in outs]), pullback


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

    Pytrees (see :mod:`autodiff.tree`) work as in JAX: for an output tree and an input
    tree, the Jacobian is a tree of the output's structure whose every leaf is a tree
    of the input's structure, holding the block ``∂out_leaf/∂in_leaf`` of shape
    ``out_leaf.shape + in_leaf.shape``. (A forward Jacobian seeds one input leaf per
    pass, a reverse one walks the graph once per output leaf.) Keyword arguments are
    passed on to ``f`` and never differentiated.

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
    >>> jacobian(lambda p: (p["a"] * p["b"], p["a"]))({"a": 2.0, "b": 3.0})
    ({'a': 3.0, 'b': 2.0}, {'a': 1.0, 'b': 0.0})
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

    def jacobian_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums(argnums, len(args), who)
        trees: dict[int, tuple[list[Any], tree.TreeDef]] = {}
        flat = []
        plain = True  # no pytree: every argument is one leaf
        for i in nums:
            if i in trees:  # a repeated argnum is differentiated once
                continue
            a = args[i]
            if a.__class__ in _LEAF_CLASSES or not isinstance(a, dict | list | tuple):
                leaf = as_value(a, f"{who}: argument {i}")
                trees[i] = [leaf], _LEAF
                flat.append(leaf)
                continue
            plain = False
            name = _arg_name(f, i)
            values, treedef = tree.flatten(a, name, who)
            paths = treedef.paths()
            trees[i] = (
                [as_value(v, f"{who}: {name}{p}") for v, p in zip(values, paths, strict=True)],
                treedef,
            )
            flat.extend(trees[i][0])
        out_defs: list[tree.TreeDef] = []

        def flat_f(*leaves: Any) -> list[Any]:
            """``f`` as a function of the differentiated leaves, returning its output's."""
            full = list(args)
            if plain:
                for i, leaf in zip(trees, leaves, strict=True):
                    full[i] = leaf
            else:
                for i, rebuilt in _regroup(trees, leaves).items():
                    full[i] = rebuilt
            out = f(*full, **kwargs)
            if isinstance(out, dict | list | tuple):
                outs, out_def = _output_tree(out, who)
                out_defs.append(out_def)
                return outs
            out_defs.append(_LEAF)
            return [_one_output(out, who)]

        if mode == "forward":
            columns = [_jacobian_forward(flat_f, flat, k, chunk_size) for k in range(len(flat))]
            rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
            if not columns:  # no input leaf at all: f still has an output
                rows = [[] for _ in flat_f()]
        else:
            rows = _jacobian_reverse(flat_f, flat, chunk_size)
        out_def = out_defs[-1]
        if plain and out_def is _LEAF:  # no pytree in or out
            if isinstance(argnums, int):
                return rows[0][0]
            order = list(trees)
            return tuple(rows[0][order.index(i)] for i in nums)
        jacs = []
        for row in rows:  # one per output leaf: its blocks, one per input leaf
            by_arg = _regroup(trees, row)
            jacs.append(
                by_arg[nums[0]] if isinstance(argnums, int) else tuple(by_arg[i] for i in nums)
            )
        return jacs[0] if out_def is _LEAF else tree.tree_unflatten(out_def, jacs)

    return jacobian_f


def _check_chunk_size(chunk_size: Any) -> None:
    if chunk_size is None:
        return
    if not isinstance(chunk_size, int) or isinstance(chunk_size, bool):
        raise TypeError(f"chunk_size must be a positive int or None, not {chunk_size!r}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int or None, not {chunk_size}")


def _jacobian_forward(
    f: Callable[..., list[Any]], args: list[Any], i: int, chunk_size: int | None = None
) -> list[Any]:
    """Every column of the Jacobian from forward passes with a batch of tangents.

    ``f`` returns a list of outputs. Argument ``i`` carries the basis, ``eye(n)``
    shaped ``(n, *in_shape)`` (or ``chunk_size`` rows of it per pass), as a batched
    dual number; the other arguments stay constants. Each output's tangents,
    ``(n, *out_shape)``, are its Jacobian's columns: moving the batch axis last gives
    ``out_shape + in_shape``. A scalar argument has one column, so it gets a plain
    dual number. The result has one Jacobian per output.
    """
    in_shape = shape_of(args[i])
    # a generator: one block of the basis exists at a time, so chunk_size bounds memory
    seeds = ((b, True) for b in _bases(in_shape, chunk_size)) if in_shape else iter([(1.0, False)])
    blocks: list[list[Any]] = []
    outs: Sequence[Any] = ()
    for seed, batched in seeds:
        level = open_level()
        try:
            inputs = list(args)
            inputs[i] = Dual.at_level(args[i], seed, level, batched=batched)
            outs = f(*inputs)
            blocks = blocks or [[] for _ in outs]
            for block, out in zip(blocks, outs, strict=True):
                block.append(
                    _tangents_of(out, level, shape_of(seed)[0])
                    if batched
                    else _tangent_of(out, level)
                )
        finally:
            close_level(level)
    return [
        _assemble(block, shape_of(out), in_shape) for block, out in zip(blocks, outs, strict=True)
    ]


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
    f: Callable[..., list[Any]], args: list[Any], chunk_size: int | None = None
) -> list[list[Any]]:
    """Every row of the Jacobian from reverse passes with a batch of cotangents.

    ``f`` returns a list of outputs; the result has, for each output, its Jacobian
    with respect to each argument. The graph is recorded once. A pullback is linear
    in its cotangent, so a batch of cotangents can ride through it as the tangents of
    a dual number whose value is zero: every rule the sweep applies to that cotangent
    pushes the whole batch, through the same batched forward rules that
    :func:`jacobian` uses in forward mode. The inputs' cotangents then carry the rows,
    ``(m, *in_shape)`` for ``m`` output elements: one walk of the graph per chunk (and
    per output) instead of one per row.
    """
    level = open_level()
    try:
        leaves = [Variable.input_at_level(a, level) for a in args]
        outs = f(*leaves)
    finally:
        close_level(level)
    in_shapes = [shape_of(a) for a in args]
    jacs = []
    for out in outs:
        out_shape = shape_of(out)
        if not out_shape:  # a single row: one plain pullback
            jacs.append(list(_gradients(out, level, 1.0, leaves, consume=False)))
            continue
        blocks: list[list[Any]] = [[] for _ in args]
        for basis in _bases(out_shape, chunk_size):
            batch = open_level()
            try:
                ct = Dual.at_level(np.zeros(out_shape), basis, batch, batched=True)
                cotangents = _gradients(out, level, ct, leaves, consume=False)
                for block, cotangent in zip(blocks, cotangents, strict=True):
                    block.append(_tangents_of(cotangent, batch, shape_of(basis)[0]))
            finally:
                close_level(batch)
        jacs.append(
            [
                P.reshape(_concatenate(block), out_shape + in_shape)
                for block, in_shape in zip(blocks, in_shapes, strict=True)
            ]
        )
    return jacs


def hessian(f: Function, argnums: ArgNums = 0, *, chunk_size: int | None = None) -> Function:
    """The Hessian of a scalar function: forward mode over reverse mode.

    It is ``jacobian(grad(f), mode="forward")``: a single reverse pass whose arithmetic
    runs on dual numbers carrying one tangent per input element, so it computes every
    Hessian-vector product at once (or ``chunk_size`` of them per pass, to cap the
    memory; see :func:`jacobian`). With a tuple ``argnums`` the result is a nested
    tuple of blocks ``∂²f/∂args[i]∂args[j]``, as in JAX; the passes that seed argument
    ``j`` give the blocks of every ``i`` at once, so ``k`` arguments take ``k`` passes.
    For a pytree argument the Hessian is a tree of trees, ``H[a][b]`` the block
    ``∂²f/∂a∂b`` for leaves ``a`` and ``b``, as in JAX. Keyword arguments are passed on
    to ``f`` and never differentiated.

    Examples
    --------
    >>> import numpy as np
    >>> hessian(lambda x: (x[0] ** 2) * x[1])(np.array([1.0, 2.0]))
    array([[4., 2.],
           [2., 0.]])
    >>> hessian(lambda p: p["x"] ** 2 * p["y"])({"x": 1.0, "y": 2.0})
    {'x': {'x': 4.0, 'y': 2.0}, 'y': {'x': 2.0, 'y': 0.0}}
    """
    return _jacobian(_grad(f, argnums, "hessian"), "forward", argnums, chunk_size, "hessian")
