"""Tests generated from the primitive table: every row, both modes, first and second order.

The tests are parametrized over ``autodiff.primitive.PRIMITIVES`` itself, so a new row is
tested as soon as it exists, provided it has test inputs in :data:`DOMAINS` (a test fails
otherwise). Each primitive is checked on scalars and arrays (and, for binary elementwise
rows, with broadcasting): its value on Dual and Variable operands, forward mode against
reverse mode against central differences, its Jacobian in both modes, and second
derivatives four ways (forward-over-reverse, reverse-over-reverse, forward-over-forward,
reverse-over-forward) against central differences of the exact gradient.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from catalogue import (
    Shape,
    as_array,
    forward_gradient,
    numeric_gradient,
    numeric_jacobian,
    reverse_gradient,
)
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, Variable
from autodiff.primitives import PRIMITIVES, Primitive, apply

Sampler = Callable[[np.random.Generator, Shape], Any]


@dataclass(frozen=True)
class PrimCase:
    """Operands and parameters for one application of a primitive.

    ``diff`` lists the operands that are differentiated; the others stay constants.
    """

    label: str
    args: tuple[Any, ...]
    diff: tuple[int, ...]
    params: dict[str, Any] = field(default_factory=dict)

    def with_diff(self, diff_args: tuple[Any, ...]) -> list[Any]:
        """The operands with the differentiated ones replaced by ``diff_args``."""
        args = list(self.args)
        for i, a in zip(self.diff, diff_args, strict=True):
            args[i] = a
        return args

    @property
    def diff_args(self) -> tuple[Any, ...]:
        return tuple(self.args[i] for i in self.diff)


@dataclass(frozen=True)
class Domain:
    """How to make the test cases of one row; ``arity`` for an elementwise row."""

    make: Callable[[np.random.Generator], list[PrimCase]]
    arity: int | None = None


# --------------------------------------------------------------------------------------
# Samplers: scalars come out as Python floats, everything else as float64 arrays.


def _shaped(x: Any, shape: Shape) -> Any:
    return float(x) if shape == () else np.asarray(x, dtype=np.float64)


def uniform(lo: float, hi: float) -> Sampler:
    def sample(rng: np.random.Generator, shape: Shape) -> Any:
        return _shaped(rng.uniform(lo, hi, size=shape), shape)

    return sample


def signed(lo: float, hi: float) -> Sampler:
    """``±u`` with ``u`` in ``[lo, hi]``: keeps away from a kink at 0."""

    def sample(rng: np.random.Generator, shape: Shape) -> Any:
        x = rng.uniform(lo, hi, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        return _shaped(x, shape)

    return sample


def constant(value: float) -> Sampler:
    def sample(rng: np.random.Generator, shape: Shape) -> Any:
        return _shaped(np.full(shape, value), shape)

    return sample


def condition(rng: np.random.Generator, shape: Shape) -> Any:
    """A boolean condition with both outcomes (a plain ``bool`` for a scalar)."""
    if shape == ():
        return True
    return np.arange(int(np.prod(shape))).reshape(shape) % 3 != 1


_ANY = uniform(-2.0, 2.0)
_POSITIVE = uniform(0.2, 3.0)

_BROADCAST: dict[int, list[tuple[Shape, ...]]] = {
    2: [((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 3))],
    3: [((2, 3), (3,), (2, 1)), ((2, 1), (1, 3), ())],
}


def elementwise(*samplers: Sampler, constants: tuple[int, ...] = (), tag: str = "") -> Domain:
    """Scalar, array and (for several operands) broadcasting cases of an elementwise row.

    ``constants`` are operands that stay constant; ``tag`` tells apart the cases of
    several ``elementwise`` domains combined for one row.
    """
    arity = len(samplers)
    diff = tuple(i for i in range(arity) if i not in constants)

    def make(rng: np.random.Generator) -> list[PrimCase]:
        shape_sets = [("scalar", ((),) * arity), ("array", ((2, 3),) * arity)]
        shape_sets += [(f"broadcast{k}", s) for k, s in enumerate(_BROADCAST.get(arity, []))]
        return [
            PrimCase(
                "-".join(
                    filter(
                        None,
                        [tag, label, "const" + "".join(map(str, constants)) if constants else ""],
                    )
                ),
                tuple(s(rng, shape) for s, shape in zip(samplers, shapes, strict=True)),
                diff,
            )
            for label, shapes in shape_sets
        ]

    return Domain(make, arity)


@dataclass(frozen=True)
class Spec:
    """One structural case: operand shapes, parameters, differentiated operands."""

    label: str
    shapes: tuple[Shape, ...]
    params: dict[str, Any] = field(default_factory=dict)
    diff: tuple[int, ...] | None = None


def structural(*specs: Spec) -> Domain:
    """Cases of a structural row; every operand is drawn from [-2, 2]."""

    def make(rng: np.random.Generator) -> list[PrimCase]:
        return [
            PrimCase(
                s.label,
                tuple(_ANY(rng, shape) for shape in s.shapes),
                tuple(range(len(s.shapes))) if s.diff is None else s.diff,
                dict(s.params),
            )
            for s in specs
        ]

    return Domain(make)


def matrices(*specs: Spec, spd: bool = False, negate: bool = False) -> Domain:
    """Cases of a linear-algebra row whose first operand is square, shape (..., n, n):
    well conditioned (``n·I`` plus a random part in [-1, 1]), or with ``spd`` a matrix
    whose symmetric part is positive definite (``M Mᵀ + n·I`` plus a small random part);
    ``negate`` flips the sign of its first row (a negative determinant)."""

    def square(rng: np.random.Generator, shape: Shape) -> Any:
        n = shape[-1]
        a = rng.uniform(-1.0, 1.0, shape) + n * np.eye(n)
        if spd:
            m = rng.uniform(-1.0, 1.0, shape)
            a = m @ np.swapaxes(m, -1, -2) + n * np.eye(n) + rng.uniform(-0.3, 0.3, shape)
        if negate:
            a[..., 0, :] *= -1.0
        return a

    def make(rng: np.random.Generator) -> list[PrimCase]:
        return [
            PrimCase(
                s.label,
                (square(rng, s.shapes[0]), *(_ANY(rng, shape) for shape in s.shapes[1:])),
                tuple(range(len(s.shapes))) if s.diff is None else s.diff,
                dict(s.params),
            )
            for s in specs
        ]

    return Domain(make)


def combine(*domains: Domain) -> Domain:
    def make(rng: np.random.Generator) -> list[PrimCase]:
        return [case for d in domains for case in d.make(rng)]

    arities = {d.arity for d in domains}
    return Domain(make, arities.pop() if len(arities) == 1 else None)


def _prod_with_zeros(rng: np.random.Generator) -> list[PrimCase]:
    """prod where a slice has one zero, two zeros, or none (its gradient differs)."""
    x = rng.uniform(-2.0, 2.0, size=(3, 4))
    x[0, 1] = 0.0  # one zero in row 0 and in column 1
    x[1, 0] = x[1, 2] = 0.0  # two zeros in row 1
    return [
        PrimCase("zeros_all", (x,), (0,)),
        PrimCase("zeros_rows", (x,), (0,), {"axis": 1}),
        PrimCase("zeros_columns_keepdims", (x,), (0,), {"axis": 0, "keepdims": True}),
        PrimCase("one_zero", (np.array([1.5, 0.0, -0.7]),), (0,)),
    ]


def _logsumexp_wide(rng: np.random.Generator) -> list[PrimCase]:
    """logsumexp of large values, where exp alone would overflow."""
    return [PrimCase("wide", (rng.uniform(500.0, 510.0, size=(2, 3)),), (0,), {"axis": 1})]


#: Test inputs for every row of the primitive table. A row without an entry fails
#: ``test_every_primitive_has_test_inputs``.
DOMAINS: dict[str, Domain] = {
    "add": elementwise(_ANY, _ANY),
    "sub": elementwise(_ANY, _ANY),
    "mul": elementwise(_ANY, _ANY),
    "div": combine(
        elementwise(_ANY, signed(0.5, 2.0)),
        elementwise(uniform(-0.9, 0.9), signed(0.2, 0.6), tag="small_denominator"),
    ),
    "pow": combine(
        elementwise(uniform(0.5, 2.0), _ANY),
        elementwise(_ANY, constant(3.0), constants=(1,), tag="cube"),  # negative bases too
        elementwise(_POSITIVE, _ANY, constants=(0,)),
    ),
    "neg": elementwise(_ANY),
    "sin": elementwise(uniform(-3.0, 3.0)),
    "cos": elementwise(uniform(-3.0, 3.0)),
    "tan": elementwise(uniform(-1.2, 1.2)),
    "exp": elementwise(_ANY),
    "log": elementwise(_POSITIVE),
    "sqrt": elementwise(_POSITIVE),
    "tanh": elementwise(uniform(-3.0, 3.0)),
    "sigmoid": elementwise(uniform(-5.0, 5.0)),
    "relu": elementwise(signed(0.1, 2.0)),
    "abs": elementwise(signed(0.1, 2.0)),
    "maximum": elementwise(_ANY, _ANY),
    "minimum": elementwise(_ANY, _ANY),
    "where": elementwise(condition, _ANY, _ANY, constants=(0,)),
    "logaddexp": combine(
        elementwise(_ANY, _ANY),
        elementwise(uniform(-30.0, 30.0), uniform(-30.0, 30.0), tag="wide"),
    ),
    # numpy elementwise (np-elementwise): away from kinks and jumps by far more than the
    # finite-difference step
    "square": elementwise(_ANY),
    "sinh": elementwise(uniform(-3.0, 3.0)),
    "cosh": elementwise(uniform(-3.0, 3.0)),
    "arcsin": elementwise(uniform(-0.9, 0.9)),
    "arccos": elementwise(uniform(-0.9, 0.9)),
    "arctan": elementwise(uniform(-3.0, 3.0)),
    "arcsinh": elementwise(uniform(-3.0, 3.0)),
    "arccosh": elementwise(uniform(1.2, 4.0)),
    "arctanh": elementwise(uniform(-0.9, 0.9)),
    "log1p": elementwise(uniform(-0.8, 3.0)),
    "expm1": elementwise(_ANY),
    "log2": elementwise(_POSITIVE),
    "log10": elementwise(_POSITIVE),
    "exp2": elementwise(_ANY),
    "softplus": combine(
        elementwise(uniform(-5.0, 5.0)), elementwise(signed(20.0, 40.0), tag="wide")
    ),
    "hypot": combine(
        elementwise(_ANY, _ANY), elementwise(_ANY, constant(0.5), constants=(1,), tag="y_half")
    ),
    "arctan2": combine(
        elementwise(_ANY, signed(0.3, 2.0)), elementwise(signed(0.3, 2.0), _ANY, tag="y_away")
    ),
    "mod": combine(
        elementwise(uniform(-5.0, 5.0), signed(0.7, 2.0)),
        elementwise(uniform(-5.0, 5.0), constant(1.5), constants=(1,), tag="const_divisor"),
    ),
    "sign": elementwise(signed(0.1, 2.0)),
    "floor": elementwise(uniform(-3.0, 3.0)),
    "floor_divide": elementwise(uniform(-5.0, 5.0), signed(0.7, 2.0)),
    "ceil": elementwise(uniform(-3.0, 3.0)),
    "round": combine(
        elementwise(uniform(-3.0, 3.0)),
        Domain(
            lambda rng: [
                PrimCase("decimals1", (uniform(-3.0, 3.0)(rng, (2, 3)),), (0,), {"decimals": 1}),
                PrimCase(
                    "decimals_neg", (uniform(-300.0, 300.0)(rng, ()),), (0,), {"decimals": -1}
                ),
            ],
            arity=1,
        ),
    ),
    "clip": combine(
        elementwise(_ANY, uniform(-1.5, -0.3), uniform(0.3, 1.5)),
        elementwise(_ANY, constant(-np.inf), uniform(-1.0, 1.0), constants=(1,), tag="no_min"),
        elementwise(_ANY, uniform(0.5, 1.0), uniform(-1.0, 0.0), tag="min_above_max"),
    ),
    "matmul": structural(
        Spec("matrix", ((2, 3), (3, 4))),
        Spec("matvec", ((2, 3), (3,))),
        Spec("vecmat", ((3,), (3, 2))),
        Spec("dot", ((3,), (3,))),
        Spec("batched", ((2, 2, 3), (3, 2))),
        Spec("batch_broadcast", ((2, 1, 2, 3), (3, 3, 2))),
        Spec("const_lhs", ((2, 3), (3, 2)), diff=(1,)),
    ),
    "sum": structural(
        Spec("scalar", ((),)),
        Spec("all", ((2, 3),)),
        Spec("axis0", ((2, 3),), {"axis": 0}),
        Spec("axis_neg_keepdims", ((2, 3),), {"axis": -1, "keepdims": True}),
        Spec("axes_tuple", ((2, 3, 2),), {"axis": (0, 2)}),
    ),
    "max": structural(
        Spec("scalar", ((),)),
        Spec("all", ((2, 3),)),
        Spec("axis0", ((2, 3),), {"axis": 0}),
        Spec("axis_neg_keepdims", ((2, 3),), {"axis": -1, "keepdims": True}),
        Spec("axes_tuple", ((2, 3, 2),), {"axis": (0, 2)}),
    ),
    "min": structural(
        Spec("scalar", ((),)),
        Spec("all", ((2, 3),)),
        Spec("axis0", ((2, 3),), {"axis": 0}),
        Spec("axis_neg_keepdims", ((2, 3),), {"axis": -1, "keepdims": True}),
        Spec("axes_tuple", ((2, 3, 2),), {"axis": (0, 2)}),
    ),
    "prod": combine(
        structural(
            Spec("scalar", ((),)),
            Spec("all", ((2, 3),)),
            Spec("axis0", ((2, 3),), {"axis": 0}),
            Spec("axis_neg_keepdims", ((2, 3),), {"axis": -1, "keepdims": True}),
            Spec("axes_tuple", ((2, 3, 2),), {"axis": (0, 2)}),
        ),
        Domain(_prod_with_zeros),
    ),
    "cumsum": structural(
        Spec("scalar", ((),)),
        Spec("flatten", ((2, 3),)),
        Spec("axis0", ((2, 3),), {"axis": 0}),
        Spec("axis_last", ((2, 3, 2),), {"axis": 2}),
    ),
    "logsumexp": combine(
        structural(
            Spec("scalar", ((),)),
            Spec("all", ((2, 3),)),
            Spec("axis0", ((2, 3),), {"axis": 0}),
            Spec("axis_neg_keepdims", ((2, 3),), {"axis": -1, "keepdims": True}),
            Spec("axes_tuple", ((2, 3, 2),), {"axis": (0, 2)}),
        ),
        Domain(_logsumexp_wide),
    ),
    "einsum": structural(
        Spec("matmul", ((2, 3), (3, 4)), {"spec": "ij,jk->ik"}),
        Spec("three", ((2, 3), (3, 2), (2,)), {"spec": "ij,jk,k->i"}),
        Spec("diagonal", ((3, 3),), {"spec": "ii->i"}),
        Spec("trace", ((3, 3),), {"spec": "ii->"}),
        Spec("summed_away", ((2, 3),), {"spec": "ij->"}),
        Spec("transposed", ((2, 3),), {"spec": "ij->ji"}),
        Spec("outer", ((2,), (3,)), {"spec": "i,j->ij"}),
        Spec("batched", ((2, 2, 3), (2, 3, 2)), {"spec": "bij,bjk->bik"}),
        Spec("with_scalar", ((3,), ()), {"spec": "i,->i"}),
        Spec("repeated_and_shared", ((2, 2), (2, 3)), {"spec": "ii,ij->j"}),
        Spec("const_first", ((2, 3), (3,)), {"spec": "ij,j->i"}, diff=(1,)),
    ),
    "reshape": structural(
        Spec("matrix", ((2, 3),), {"shape": (3, 2)}),
        Spec("infer", ((6,),), {"shape": (2, -1)}),
        Spec("scalar", ((),), {"shape": (1, 1)}),
        Spec("flatten", ((2, 3, 2),), {"shape": (12,)}),
    ),
    "transpose": structural(
        Spec("matrix", ((2, 3),), {"axes": None}),
        Spec("axes", ((2, 3, 2),), {"axes": (1, 2, 0)}),
        Spec("vector", ((3,),), {"axes": None}),
    ),
    "broadcast_to": structural(
        Spec("row", ((3,),), {"shape": (2, 3)}),
        Spec("column", ((2, 1),), {"shape": (2, 3)}),
        Spec("scalar", ((),), {"shape": (2, 2)}),
        Spec("new_axes", ((1, 3),), {"shape": (2, 2, 3)}),
    ),
    "getitem": structural(
        Spec("int", ((4,),), {"index": 1}),
        Spec("negative_int", ((4,),), {"index": -1}),
        Spec("slice", ((4,),), {"index": slice(1, None)}),
        Spec("row", ((2, 3),), {"index": 1}),
        Spec("column", ((2, 3),), {"index": (slice(None), 1)}),
        Spec("element", ((2, 3),), {"index": (1, 2)}),
        Spec("fancy_repeated", ((4,),), {"index": np.array([0, 0, 2])}),
        Spec("mask", ((2, 3),), {"index": np.array([[True, False, True], [False, True, False]])}),
        Spec("step", ((5,),), {"index": slice(None, None, -2)}),
    ),
    # scatter is the adjoint of getitem: it adds a small array into zeros of `shape`.
    "scatter": structural(
        Spec("column", ((2,),), {"index": (slice(None), 1), "shape": (2, 3)}),
        Spec("repeated", ((3,),), {"index": np.array([0, 0, 2]), "shape": (4,)}),
        Spec("element", ((),), {"index": 1, "shape": (4,)}),
        Spec("row", ((3,),), {"index": 0, "shape": (2, 3)}),
    ),
    "stack": structural(
        Spec("scalars", ((), ())),
        Spec("vectors", ((3,), (3,)), {"axis": 0}),
        Spec("three_last_axis", ((2, 2), (2, 2), (2, 2)), {"axis": -1}),
        Spec("middle_axis", ((2, 3), (2, 3)), {"axis": 1}),
        Spec("with_constant", ((3,), (3,), (3,)), {"axis": 1}, diff=(0, 2)),
    ),
    "concatenate": structural(
        Spec("vectors", ((2,), (3,)), {"axis": 0}),
        Spec("rows", ((1, 3), (2, 3)), {"axis": 0}),
        Spec("last_axis", ((2, 1), (2, 2), (2, 3)), {"axis": 1}),
        Spec("middle_constant", ((2, 1, 2), (2, 3, 2)), {"axis": 1}, diff=(1,)),
    ),
    "inv": matrices(
        Spec("one_by_one", ((1, 1),)), Spec("matrix", ((3, 3),)), Spec("stack", ((2, 2, 2),))
    ),
    "solve": matrices(
        Spec("matrix", ((3, 3), (3, 2))),
        Spec("column", ((2, 2), (2, 1))),
        Spec("stack", ((2, 2, 2), (2, 2, 3))),
        Spec("broadcast_b", ((2, 2, 2), (2, 1))),
        Spec("broadcast_a", ((2, 2), (3, 2, 1))),
        Spec("const_a", ((2, 2), (2, 2)), diff=(1,)),
    ),
    "det": combine(
        matrices(
            Spec("one_by_one", ((1, 1),)), Spec("matrix", ((3, 3),)), Spec("stack", ((2, 2, 2),))
        ),
        matrices(Spec("negative", ((3, 3),)), negate=True),
    ),
    "logabsdet": combine(
        matrices(Spec("matrix", ((3, 3),)), Spec("stack", ((2, 2, 2),))),
        matrices(Spec("negative", ((2, 2),)), negate=True),
    ),
    "norm": structural(
        Spec("vector", ((3,),)),
        Spec("scalar", ((),)),
        Spec("all", ((2, 3),)),
        Spec("axis_neg_keepdims", ((2, 3),), {"axis": -1, "keepdims": True}),
        Spec("matrix_axes", ((2, 3, 2),), {"axis": (0, 2)}),
    ),
    "cholesky": matrices(
        Spec("one_by_one", ((1, 1),)),
        Spec("matrix", ((3, 3),)),
        Spec("stack", ((2, 2, 2),)),
        spd=True,
    ),
}


def _rng(*keys: str) -> np.random.Generator:
    return np.random.default_rng([zlib.crc32(k.encode()) for k in keys])


def _cases() -> list[tuple[str, PrimCase]]:
    out: list[tuple[str, PrimCase]] = []
    for name in sorted(PRIMITIVES):
        if name in DOMAINS:
            out.extend((name, case) for case in DOMAINS[name].make(_rng(name)))
    return out


CASES = _cases()
CASE_IDS = [f"{name}-{case.label}" for name, case in CASES]


def _output(name: str, case: PrimCase) -> Any:
    return apply(PRIMITIVES[name], *case.args, **case.params)


def _loss(name: str, case: PrimCase) -> Callable[..., Any]:
    """A scalar function of the differentiated operands with a non-zero Hessian.

    ``L = Σ w·out + ½ Σ out²`` with fixed random weights ``w``: the first term exercises
    the primitive's first-order rules on a random cotangent, the second makes even a
    linear primitive's second derivative non-trivial.
    """
    prim = PRIMITIVES[name]
    shape = np.shape(_output(name, case))
    w = _rng(name, case.label, "weights").uniform(-1.0, 1.0, size=shape)
    weights: Any = float(w) if shape == () else w

    def loss(*diff_args: Any) -> Any:
        out = apply(prim, *case.with_diff(diff_args), **case.params)
        return ad.sum(weights * out + 0.5 * out * out)

    return loss


def _assert_close(actual: Any, desired: Any, *, rtol: float, atol: float) -> None:
    assert np.shape(actual) == np.shape(desired), (np.shape(actual), np.shape(desired))
    assert_allclose(as_array(actual), as_array(desired), rtol=rtol, atol=atol)


EXACT = {"rtol": 1e-10, "atol": 1e-12}  # two exact methods: rounding only
NUMERIC = {"rtol": 1e-5, "atol": 1e-6}  # against central differences


# --------------------------------------------------------------------------------------
# The table itself.


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_every_primitive_has_test_inputs(name: str) -> None:
    assert name in DOMAINS, (
        f"primitive {name!r} has no test inputs: add an entry to DOMAINS in "
        "tests/test_primitives.py"
    )
    assert DOMAINS[name].make(_rng(name)), f"DOMAINS[{name!r}] makes no cases"


def test_no_stale_domains() -> None:
    assert set(DOMAINS) <= set(PRIMITIVES), set(DOMAINS) - set(PRIMITIVES)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_row_is_well_formed(name: str) -> None:
    prim = PRIMITIVES[name]
    assert isinstance(prim, Primitive)
    assert prim.name == name
    assert repr(prim) == f"Primitive({name!r})"
    assert callable(prim.impl)
    # every row can do both modes: partials serve both, else forward and reverse rules
    assert callable(prim.forward)
    assert callable(prim.forward_batched)
    assert callable(prim.reverse)
    if prim.partials is not None:
        assert set(prim.rules) == {"partials"}, f"{name}: both partials and other rules"
        assert len(prim.partial_display) in (0, len(prim.partials))
        domain = DOMAINS.get(name)
        if domain is not None:
            assert domain.arity == len(prim.partials), f"{name}: one partial per operand"
    # trace tables and drawings write the row from its display templates
    cases = DOMAINS[name].make(_rng(name)) if name in DOMAINS else []
    for case in cases:
        names = [f"v{i}" for i in range(len(case.args))]
        text = prim.show(*names)
        assert isinstance(text, str)
        assert text
        for i in range(len(prim.partials or ())):
            partial = prim.show_partial(i, *names)
            assert partial is None or isinstance(partial, str)


# --------------------------------------------------------------------------------------
# Values and the recorded graph.


@pytest.mark.parametrize(("name", "case"), CASES, ids=CASE_IDS)
def test_value_is_the_same_in_every_mode(name: str, case: PrimCase) -> None:
    prim = PRIMITIVES[name]
    plain = _output(name, case)
    _assert_close(plain, prim.impl(*case.args, **case.params), rtol=0, atol=0)
    if np.shape(plain) == ():
        assert isinstance(plain, float), f"{name}: a scalar result should be a float"

    duals = case.with_diff(tuple(Dual(a) for a in case.diff_args))
    dual_out = apply(prim, *duals, **case.params)
    assert isinstance(dual_out, Dual)
    _assert_close(dual_out.value, plain, rtol=0, atol=0)
    # constants (zero tangents) give a zero tangent of the output's shape
    _assert_close(dual_out.tangent, np.zeros(np.shape(plain)), rtol=0, atol=0)

    leaves = tuple(Variable(a) for a in case.diff_args)
    var_out = apply(prim, *case.with_diff(leaves), **case.params)
    assert isinstance(var_out, Variable)
    _assert_close(var_out.value, plain, rtol=0, atol=0)
    assert var_out.op == name
    assert var_out.parents == leaves  # operand order, constants left out


@pytest.mark.parametrize(("name", "case"), CASES, ids=CASE_IDS)
def test_primitive_is_callable(name: str, case: PrimCase) -> None:
    prim = PRIMITIVES[name]
    _assert_close(prim(*case.args, **case.params), _output(name, case), rtol=0, atol=0)


# --------------------------------------------------------------------------------------
# First order.


@pytest.mark.parametrize(("name", "case"), CASES, ids=CASE_IDS)
def test_forward_reverse_and_finite_differences_agree(name: str, case: PrimCase) -> None:
    loss = _loss(name, case)
    args = case.diff_args
    reverse = reverse_gradient(loss, args)
    forward = forward_gradient(loss, args)
    numeric = numeric_gradient(loss, args)
    for r, f, n, a in zip(reverse, forward, numeric, args, strict=True):
        assert r.shape == f.shape == np.shape(a)
        _assert_close(r, f, **EXACT)
        _assert_close(r, n, **NUMERIC)
        _assert_close(f, n, **NUMERIC)


@pytest.mark.parametrize(("name", "case"), CASES, ids=CASE_IDS)
def test_jacobian_both_modes(name: str, case: PrimCase) -> None:
    prim = PRIMITIVES[name]

    def f(*diff_args: Any) -> Any:
        return apply(prim, *case.with_diff(diff_args), **case.params)

    args = case.diff_args
    out_shape = np.shape(_output(name, case))
    for k, a in enumerate(args):
        forward = ad.jacobian(f, mode="forward", argnums=k)(*args)
        reverse = ad.jacobian(f, mode="reverse", argnums=k)(*args)
        numeric = numeric_jacobian(f, args, k)
        assert np.shape(forward) == out_shape + np.shape(a)
        _assert_close(forward, reverse, **EXACT)
        _assert_close(forward, numeric, **NUMERIC)


# --------------------------------------------------------------------------------------
# Second order.


@pytest.mark.parametrize(("name", "case"), CASES, ids=CASE_IDS)
def test_second_derivatives_four_ways(name: str, case: PrimCase) -> None:
    loss = _loss(name, case)
    args = case.diff_args
    for i in range(len(args)):
        reverse_grad = ad.grad(loss, argnums=i)

        def forward_grad(*a: Any, i: int = i) -> Any:
            return ad.jacobian(loss, mode="forward", argnums=i)(*a)

        for j in range(len(args)):
            fwd_rev = ad.jacobian(reverse_grad, mode="forward", argnums=j)(*args)
            rev_rev = ad.jacobian(reverse_grad, mode="reverse", argnums=j)(*args)
            fwd_fwd = ad.jacobian(forward_grad, mode="forward", argnums=j)(*args)
            rev_fwd = ad.jacobian(forward_grad, mode="reverse", argnums=j)(*args)
            numeric = numeric_jacobian(reverse_grad, args, j, eps=1e-6)
            assert np.shape(fwd_rev) == np.shape(args[i]) + np.shape(args[j])
            _assert_close(rev_rev, fwd_rev, **EXACT)
            _assert_close(fwd_fwd, fwd_rev, **EXACT)
            _assert_close(rev_fwd, fwd_rev, **EXACT)
            _assert_close(fwd_rev, numeric, **NUMERIC)


@pytest.mark.parametrize(("name", "case"), CASES, ids=CASE_IDS)
def test_hessian_and_check_grad_of_grad(name: str, case: PrimCase) -> None:
    loss = _loss(name, case)
    args = case.diff_args
    if len(args) == 1:
        hess = ad.hessian(loss)(*args)
        numeric = numeric_jacobian(ad.grad(loss), args, 0)
        _assert_close(hess, numeric, **NUMERIC)
    # a random projection of the gradient, checked three ways by check_grad
    rng = _rng(name, case.label, "projection")
    directions = [rng.uniform(-1.0, 1.0, size=np.shape(a)) for a in args]

    def projected_gradient(*a: Any) -> Any:
        grads = ad.grad(loss, argnums=tuple(range(len(a))))(*a)
        total: Any = 0.0
        for v, g in zip(directions, grads, strict=True):
            total = total + ad.sum(v * g)
        return total

    assert ad.check_grad(projected_gradient, *args) < 1e-6
