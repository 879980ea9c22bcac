"""The mistakes learners make most: each one works correctly or raises a clear error.

Never a silent wrong number: a missing ``return``, ``math.sin`` on a traced value, the
PyTorch update ``p -= lr * p.grad``, a stale graph, a tracer that escaped its transform,
``float32`` or complex constants.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

import autodiff as ad
from autodiff import Dual, Variable, nn, optim, primitives

# -- 1. a function that returns something that is not a number ----------------------------

TRANSFORMS: list[tuple[str, Callable[[Callable[..., Any]], Any]]] = [
    ("grad", lambda f: ad.grad(f)(1.0)),
    ("value_and_grad", lambda f: ad.value_and_grad(f)(1.0)),
    ("derivative", lambda f: ad.derivative(f)(1.0)),
    ("jvp", lambda f: ad.jvp(f, (1.0,), (1.0,))),
    ("vjp", lambda f: ad.vjp(f, 1.0)),
    ("jacobian", lambda f: ad.jacobian(f)(np.ones(2))),
    ("jacobian", lambda f: ad.jacobian(f, mode="reverse")(np.ones(2))),
    ("hessian", lambda f: ad.hessian(f)(np.ones(2))),
    ("hessian", lambda f: ad.hessian(f, argnums=(0,))(np.ones(2))),
]

NOT_NUMBERS: list[tuple[Callable[[Any], Any], str]] = [
    (lambda x: None, r"returned NoneType \(did you forget `return`\?\)"),
    (lambda x: "loss", "returned str$"),
    (lambda x: (x for _ in range(2)), "returned generator$"),
]


@pytest.mark.parametrize(("who", "call"), TRANSFORMS)
@pytest.mark.parametrize(("f", "what"), NOT_NUMBERS)
def test_a_function_that_returns_no_number_is_refused_by_name(
    who: str, call: Callable[[Callable[..., Any]], Any], f: Callable[[Any], Any], what: str
) -> None:
    with pytest.raises(TypeError, match=rf"^{who} needs a function that returns .* {what}"):
        call(f)


# A container output is legal for jvp, vjp and jacobian (a tree of tangents, cotangents,
# Jacobians); the transforms that differentiate one scalar output still refuse it, and
# grad points to has_aux for the (loss, aux) pattern.
SCALAR_TRANSFORMS = [
    (who, call) for who, call in TRANSFORMS if who not in ("jvp", "vjp", "jacobian")
]


@pytest.mark.parametrize(("who", "call"), SCALAR_TRANSFORMS)
@pytest.mark.parametrize(
    ("f", "what"),
    [
        (lambda x: {"loss": x}, r"a dict with keys \['loss'\]"),
        (lambda x: (x, {"aux": 1.0}), "a tuple of 2"),
    ],
)
def test_a_container_output_is_refused_where_one_output_is_needed(
    who: str, call: Callable[[Callable[..., Any]], Any], f: Callable[[Any], Any], what: str
) -> None:
    with pytest.raises(TypeError, match=rf"^{who} needs a function that returns one .* not {what}"):
        call(f)
    if who in ("grad", "value_and_grad"):
        with pytest.raises(TypeError, match=rf"use {who}\(f, has_aux=True\)"):
            call(f)


def test_a_complex_output_is_refused() -> None:
    with pytest.raises(TypeError, match="grad: the function's output needs a real number"):
        ad.grad(lambda x: np.complex128(1j))(1.0)


def test_a_constant_output_still_has_a_zero_derivative() -> None:
    assert ad.grad(lambda x: 3)(1.0) == 0.0
    assert ad.grad(lambda x: np.float64(3.0))(1.0) == 0.0
    assert ad.derivative(lambda x: np.ones(()))(1.0) == 0.0


@pytest.mark.parametrize(
    ("who", "call"),
    [
        ("grad", lambda: ad.grad(3.0)),  # type: ignore[arg-type]
        ("value_and_grad", lambda: ad.value_and_grad(None)),  # type: ignore[arg-type]
        ("derivative", lambda: ad.derivative(1.0)),  # type: ignore[arg-type]
        ("jvp", lambda: ad.jvp(2.0, (1.0,), (1.0,))),  # type: ignore[arg-type]
        ("vjp", lambda: ad.vjp(2.0, 1.0)),  # type: ignore[arg-type]
        ("jacobian", lambda: ad.jacobian(np.ones(2))),  # type: ignore[arg-type]
        ("hessian", lambda: ad.hessian("f")),  # type: ignore[arg-type]
    ],
)
def test_a_transform_needs_a_function(who: str, call: Callable[[], Any]) -> None:
    with pytest.raises(TypeError, match=rf"^{who} takes the function to differentiate first"):
        call()


def test_hessian_names_itself_for_a_non_scalar_function() -> None:
    with pytest.raises(ValueError, match=r"^hessian needs a function with a single-element"):
        ad.hessian(lambda x: x * x)(np.ones(2))
    with pytest.raises(ValueError, match=r"^hessian needs a function with a single-element"):
        ad.hessian(lambda x, y: x * y, argnums=(0, 1))(np.ones(2), np.ones(2))


# -- 2. escaping to plain numbers drops the derivative: refused ---------------------------


def _leaf_in_grad(check: Callable[[Any], Any]) -> None:
    ad.grad(lambda x: check(x) or x)(1.0)


CONVERSIONS: list[tuple[str, Callable[[Any], Any]]] = [
    ("float()", float),
    ("int()", int),
    ("complex()", complex),
    ("using it as an integer", operator.index),
    ("float()", math.sin),
    ("float()", math.exp),
    ("using it as an integer", range),
]


@pytest.mark.parametrize(("what", "convert"), CONVERSIONS)
@pytest.mark.parametrize(
    "make",
    [
        lambda: Dual(2.0, 1.0),
        lambda: Dual(2.0),
        lambda: Variable(2.0),  # made by hand, level 0: refused too
        lambda: Variable(2.0) * 3.0,
    ],
)
def test_conversions_to_plain_numbers_are_refused(
    what: str, convert: Callable[[Any], Any], make: Callable[[], Any]
) -> None:
    with pytest.raises(TypeError, match=rf"^{re_escape(what)}.* would drop its derivative"):
        convert(make())


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def test_math_functions_inside_grad_are_refused_and_point_to_autodiff() -> None:
    with pytest.raises(TypeError, match=r"autodiff\.sin.*not math\.sin.*\.value"):
        ad.grad(math.sin)(1.0)
    with pytest.raises(TypeError, match="derivative"):
        ad.derivative(math.exp)(1.0)
    with pytest.raises(TypeError, match="without losing its derivative"):
        ad.grad(lambda x: np.float64(x) * x)(3.0)
    # the right way gives the right numbers
    assert ad.grad(ad.sin)(1.0) == pytest.approx(math.cos(1.0))
    assert ad.grad(lambda x: x * x)(3.0) == 6.0


def test_formatting_and_value_still_give_plain_numbers() -> None:
    x = Variable(2.0)
    assert f"{x:.3f}" == "2.000"
    assert f"{Dual(0.5, 1.0):.2f}" == "0.50"
    assert x.value == 2.0
    assert math.sin(x.value) == math.sin(2.0)
    assert ad.grad(lambda y: y * float(f"{y:.1f}"))(2.0) == 2.0  # a deliberate constant


# -- 3. PyTorch's update idioms ----------------------------------------------------------


def _trained_model() -> tuple[nn.Linear, Any]:
    model = nn.Linear(2, 1, rng=0)
    loss = nn.mse_loss(model(np.ones((3, 2))), np.zeros(3))
    loss.backward()
    return model, loss


def test_pytorch_update_of_each_parameter_is_refused_with_the_working_line() -> None:
    model, _ = _trained_model()
    before = [p.value.copy() for p in model.parameters()]

    def pytorch_step() -> None:
        for p in model.parameters():
            p -= 0.1 * p.grad  # noqa: PLW2901 (the mistake under test)

    with pytest.raises(TypeError, match=r"p\.value -= lr \* p\.grad"):
        pytorch_step()
    for p, old in zip(model.parameters(), before, strict=True):
        assert_allclose(p.value, old, rtol=0)  # nothing changed half-way
        assert p.op == ""  # still a parameter


def test_pytorch_update_of_an_attribute_is_refused() -> None:
    model, _ = _trained_model()
    with pytest.raises(TypeError, match=r"^weight -= \.\.\.: in-place arithmetic"):
        model.weight -= 0.1 * model.weight.grad
    assert model.weight.op == ""  # not turned into a node with a history


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "**", "@"])
def test_every_in_place_operator_on_a_parameter_is_refused(symbol: str) -> None:
    p = Variable(np.ones(2), name="p")
    other = np.eye(2) if symbol == "@" else 2.0
    with pytest.raises(TypeError, match=rf"^p {re_escape(symbol)}= \.\.\."):
        exec(f"p {symbol}= other", {}, {"p": p, "other": other})  # noqa: S102 (each operator)


def test_the_working_update_line_trains() -> None:
    model, _ = _trained_model()
    start = nn.mse_loss(model(np.ones((3, 2))), np.zeros(3)).value
    for _ in range(20):
        model.zero_grad()
        nn.mse_loss(model(np.ones((3, 2))), np.zeros(3)).backward()
        for p in model.parameters():
            p.value -= 0.1 * p.grad
    end = nn.mse_loss(model(np.ones((3, 2))), np.zeros(3)).value
    assert end < 0.01 * start
    assert all(p.op == "" for p in model.parameters())


def test_in_place_operators_on_nodes_and_transform_inputs_compute_new_nodes() -> None:
    # Accumulating into a node, or changing a function's argument, is ordinary code.
    def f(x: Any) -> Any:
        x += 1.0  # a transform's input: a new node, like x = x + 1
        total = x * x
        total *= 3.0
        total -= x
        return total

    assert ad.grad(f)(2.0) == pytest.approx(6 * 3.0 - 1)  # 3(x+1)² - (x+1) at x = 2
    assert ad.derivative(f)(2.0) == pytest.approx(17.0)
    x = Variable(2.0)
    y = x * 1.0
    y += x  # y is a node: a new node
    y.backward()
    assert x.grad == 2.0


# -- 4. a Variable owns its array ---------------------------------------------------------


def test_a_variable_copies_the_callers_array() -> None:
    init = np.ones(3)
    w = Variable(init)
    opt = optim.SGD([w], lr=0.1)
    ad.sum(w * w).backward()
    opt.step()
    assert_allclose(init, np.ones(3), rtol=0)  # the caller's array is untouched
    assert_allclose(w.value, 0.8 * np.ones(3))
    assert not np.shares_memory(w.value, init)


def test_a_variable_copies_views_and_read_only_arrays() -> None:
    base = np.arange(6.0)
    view = Variable(base[::2])
    assert not np.shares_memory(view.value, base)
    frozen = np.ones(2)
    frozen.flags.writeable = False
    w = Variable(frozen)
    assert w.value.flags.writeable
    opt = optim.SGD([w], lr=0.5)
    ad.sum(w).backward()
    opt.step()
    assert_allclose(w.value, [0.5, 0.5])


def test_setting_value_copies_and_checks() -> None:
    w = Variable(np.zeros(2))
    new = np.ones(2)
    w.value = new
    new[0] = 5.0
    assert_allclose(w.value, [1.0, 1.0])
    with pytest.raises(TypeError, match=r"Variable\.value needs a real number .* not str"):
        w.value = "abc"
    with pytest.raises(TypeError, match=r"Variable\.value needs .* dtype complex128"):
        w.value = np.array([1j, 2j])
    w.value = [3, 4]  # a list of ints becomes float64
    assert w.value.dtype == np.float64


def test_only_an_input_value_can_be_set() -> None:
    x = Variable(2.0, name="x")
    y = x * x
    y.name = "y"
    with pytest.raises(
        TypeError, match=r"cannot set the value of y = mul\(\.\.\.\): it is computed"
    ):
        y.value = 3.0


def test_a_transform_does_not_copy_or_change_its_arguments() -> None:
    x = np.array([1.0, 2.0])
    assert_allclose(ad.grad(lambda v: ad.sum(v * v))(x), [2.0, 4.0])
    assert_allclose(x, [1.0, 2.0])


# -- 5. stale graphs ----------------------------------------------------------------------


def test_backward_after_an_optimiser_step_is_refused() -> None:
    w = Variable(np.array([1.0, 2.0]), name="w")
    opt = optim.SGD([w], lr=0.1)
    b = ad.sum(w**3)
    b.backward()
    opt.step()
    with pytest.raises(RuntimeError, match=r"the value of 'w' changed .* compute the output again"):
        b.backward()
    w.zero_grad()
    ad.sum(w**3).backward()  # recomputed: the right gradient, 3w², at the new w
    assert_allclose(w.grad, 3 * (np.array([1.0, 2.0]) - 0.1 * np.array([3.0, 12.0])) ** 2)


def test_backward_after_setting_a_value_is_refused_before_any_gradient_is_stored() -> None:
    w = Variable(np.array([1.0, 2.0]), name="w")
    u = Variable(2.0, name="u")
    b = ad.sum(w**3) * u
    w.value = np.array([0.8, 1.6])
    with pytest.raises(RuntimeError, match="'w' changed"):
        b.backward()
    assert u.grad == 0.0  # refused before the sweep
    assert_allclose(w.grad, [0.0, 0.0])


def test_a_graph_partly_recorded_after_a_change_is_refused() -> None:
    w = Variable(np.array([1.0, 2.0]), name="w")
    old = ad.sum(w**3)
    w.value = np.array([1.0, 2.0])  # same numbers, but a change all the same
    mixed = old + ad.sum(w)
    with pytest.raises(RuntimeError, match="'w' changed"):
        mixed.backward()
    assert_allclose(w.grad, [0.0, 0.0])
    fresh = ad.sum(w**3) + ad.sum(w)
    fresh.backward()
    assert_allclose(w.grad, [4.0, 13.0])


def test_a_pullback_after_a_change_is_refused() -> None:
    w = Variable(2.0, name="w")
    _, pullback = ad.vjp(lambda x: x * w, 3.0)
    assert pullback(1.0) == (2.0,)
    w.value = 5.0
    with pytest.raises(RuntimeError, match="'w' changed"):
        pullback(1.0)


def test_changing_an_unrelated_variable_does_not_disturb_a_graph() -> None:
    x = Variable(3.0)
    y = x * x
    other = Variable(1.0)
    other.value = 2.0
    y.backward()
    assert x.grad == 6.0


def test_a_changed_variable_keeps_its_name() -> None:
    x = Variable(1.0)
    name = x.name
    x.value = 2.0
    assert x.name == name


# -- 6. tracers that escape their transform -----------------------------------------------


def test_a_leaked_tracer_used_in_a_later_transform_is_refused() -> None:
    saved: list[Any] = []

    def f(x: Any) -> Any:
        saved.append(x)
        return x * x

    assert ad.grad(f)(3.0) == 6.0
    with pytest.raises(TypeError, match=r"^a Variable traced by a call of grad.*escaped"):
        ad.grad(lambda a: a * saved[0])(2.0)
    with pytest.raises(TypeError, match="escaped"):
        ad.grad(lambda a: a + saved[0] * 2.0)(2.0)
    with pytest.raises(TypeError, match="escaped"):
        ad.grad(lambda a: saved[0] * 2.0)(2.0)  # returned as the output


def test_a_tracer_leaked_from_an_inner_transform_is_refused() -> None:
    # The silent zero this guards against: the dead inner level is higher than the outer
    # one, so it would take over the product and the outer gradient would be 0.
    def outer(y: Any) -> Any:
        kept: list[Any] = []

        def inner(x: Any) -> Any:
            kept.append(x)
            return x * y

        ad.grad(inner)(1.0)
        return y * kept[0]

    with pytest.raises(TypeError, match="escaped"):
        ad.grad(outer)(2.0)


def test_a_leaked_dual_is_refused() -> None:
    saved: list[Any] = []

    def f(x: Any) -> Any:
        saved.append(x)
        return x * x

    ad.jvp(f, (1.0,), (1.0,))
    with pytest.raises(TypeError, match=r"^a Dual traced by a call"):
        ad.derivative(lambda a: a * saved[0])(2.0)


def test_tracers_made_by_hand_are_never_leaked() -> None:
    w = Variable(2.0)
    d = Dual(3.0, 1.0)
    assert ad.grad(lambda x: x * w)(1.0) == w  # a level-0 Variable is a constant here
    assert ad.grad(lambda x: x * d)(1.0) == 3.0


# -- 7. arguments that look right but are not ---------------------------------------------


def test_jvp_needs_tuples_of_primals_and_tangents() -> None:
    with pytest.raises(TypeError, match=r"jvp: primals must be a tuple or a list .* not ndarray"):
        ad.jvp(lambda x: x, np.array([1.0, 2.0]), np.array([1.0, 0.0]))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"jvp: tangents must be a tuple or a list .* not float"):
        ad.jvp(lambda x: x, (1.0,), 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"jvp\(f, \(x,\), \(v,\)\)"):
        ad.jvp(lambda x: x, 1.0, 1.0)  # type: ignore[arg-type]
    assert ad.jvp(lambda x: x * x, [3.0], [1.0]) == (9.0, 6.0)


# -- 8. values are float64, complex and object data are refused ---------------------------


def test_a_float32_constant_does_not_turn_the_computation_to_float32() -> None:
    x = 1.0000001
    exact = 2 * (x - 1)
    for f in (
        lambda v: (v * np.float32(1) - 1) ** 2,
        lambda v: (np.float32(1) * v - 1) ** 2,
        lambda v: (v - np.float32(1)) ** 2,
        lambda v: primitives.multiply(v, np.float32(1)) ** 2 - 2 * v + 1,  # type: ignore[arg-type]
        lambda v: ad.sum((v * np.ones(1, dtype=np.float32) - 1) ** 2),
        lambda v: ad.sum((np.ones(1, dtype=np.float32) * v - 1) ** 2),
    ):
        assert ad.grad(f)(x) == pytest.approx(exact, rel=1e-6)
        assert ad.derivative(f)(x) == pytest.approx(exact, rel=1e-6)
    assert isinstance(ad.sin(np.float32(1.0)), float)  # type: ignore[type-var]
    assert ad.sin(np.ones(2, dtype=np.float32)).dtype == np.float64


@pytest.mark.parametrize(
    "bad", [np.array([1j, 2j]), np.array([1.0, None], dtype=object), 1j, np.complex64(1j)]
)
@pytest.mark.parametrize(
    "path",
    [
        lambda x, bad: x * bad,  # an operator
        lambda x, bad: bad * x,  # the reflected operator, through NumPy's dispatch
        lambda x, bad: x + bad,
        np.multiply,  # a NumPy ufunc
        lambda x, bad: np.add(bad, x),
        primitives.multiply,  # a module function
        lambda x, bad: ad.maximum(bad, x),
        lambda x, bad: ad.where(np.array([True, False]), x, bad),
    ],
)
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_complex_and_object_data_are_refused_on_every_path(
    bad: Any, path: Callable[[Any, Any], Any], mode: str
) -> None:
    x: Any = Variable(np.ones(2)) if mode == "reverse" else Dual(np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="real number"):
        path(x, bad)


@pytest.mark.parametrize(
    "call",
    [
        lambda: ad.sin(np.array([1j])),
        lambda: ad.sum(np.array([1.0, None], dtype=object)),
        lambda: ad.grad(lambda x: x)(1j),
        lambda: ad.jvp(lambda x: x, (1.0,), (1j,)),
        lambda: ad.jacobian(lambda x: x)(np.array([1j])),
        lambda: ad.vjp(lambda x: x, np.array([1j])),
        lambda: Variable(np.array([1j])),
        lambda: Dual(1.0, 1j),
        lambda: nn.Linear(2, 1, rng=0)(np.ones((1, 2), dtype=complex)),
        lambda: nn.mse_loss(Variable(np.ones(2)), np.array([1j, 1j])),
    ],
)
def test_complex_data_is_refused_by_functions_transforms_and_nn(call: Callable[[], Any]) -> None:
    with pytest.raises(TypeError, match="real number"):
        call()


def test_a_none_or_string_operand_names_the_operation() -> None:
    with pytest.raises(TypeError, match=r"^sin needs a real number .* not NoneType"):
        ad.sin(None)  # type: ignore[type-var]
    with pytest.raises(TypeError, match=r"^mul needs a real number .* not str"):
        primitives.multiply(Variable(1.0), "2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^an arithmetic operator needs a real number .* not str"):
        Variable(1.0) * "2"
    with pytest.raises(TypeError, match="unsupported operand"):
        Variable(1.0) * {}  # type: ignore[operator]


# -- 9. equality compares values, hashing stays by identity -------------------------------


def test_equality_compares_values_like_numpy() -> None:
    assert Variable(1.0) == 1.0
    assert (Variable(1.0) == 2.0) is False
    assert Variable(1.0) != 2.0
    assert Variable(1.0) == Variable(1.0)
    assert 1.0 == Variable(1.0)  # noqa: SIM300 (the reflected form)
    assert_allclose(Variable(np.array([1.0, 2.0])) == np.array([1.0, 3.0]), [True, False])
    assert_allclose(np.array([1.0, 3.0]) == Variable(np.array([1.0, 2.0])), [True, False])
    assert_allclose(np.array([1.0, 3.0]) < Variable(np.array([2.0, 2.0])), [True, False])
    assert_allclose(np.greater_equal(Dual(np.array([1.0, 3.0])), 2.0), [False, True])
    assert (Variable(1.0) == "a") is False
    assert Variable(1.0) != "a"


def test_hashing_stays_by_identity() -> None:
    a, b = Variable(1.0), Variable(1.0)
    assert a == b
    assert len({a, b}) == 2
    table = {a: "a", b: "b"}
    assert table[a] == "a"
    assert table[b] == "b"
    assert hash(a) != hash(b)


# -- 10. NumPy's method forms -------------------------------------------------------------


def test_transpose_takes_a_tuple_like_numpy() -> None:
    x = Variable(np.arange(6.0).reshape(2, 3))
    assert x.transpose((1, 0)).shape == (3, 2)
    assert x.transpose([1, 0]).shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2)
    assert x.transpose().shape == (3, 2)
    assert x.transpose(None).shape == (3, 2)
    d = Dual(np.ones((2, 3, 4)))
    assert d.transpose((2, 0, 1)).shape == (4, 2, 3)


# -- 11. argument checks of the transforms and the graph ----------------------------------


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (ad.grad(ad.sin), ValueError, r"^grad: argnums 0 is out of range"),
        (lambda: ad.grad(ad.sin, argnums="0")(1.0), TypeError, r"^grad: argnums must be an int"),  # type: ignore[arg-type]
        (lambda: ad.grad(ad.sin, argnums=True)(1.0), TypeError, "^grad: argnums"),
        (lambda: ad.value_and_grad(ad.sin, argnums=(0, 2))(1.0), ValueError, "^value_and_grad"),
        (lambda: ad.jacobian(ad.sin, argnums=1)(1.0), ValueError, "^jacobian: argnums 1"),
        (lambda: ad.hessian(ad.sin, argnums=(0, 1))(1.0), ValueError, "^hessian: argnums"),
        (lambda: ad.jacobian(ad.sin)("x"), TypeError, "^jacobian: argument 0 needs a real"),
        (lambda: ad.grad(ad.sin)(None), TypeError, "^grad: argument 0 needs a real"),
        (lambda: ad.vjp(ad.sin, "x"), TypeError, "^vjp: primal 0 needs a real"),
        (lambda: Variable([[1.0, 2.0], [3.0]]), ValueError, "^Variable needs a rectangular"),
        (lambda: ad.topological_order(2.0), TypeError, "^topological_order needs a Variable"),  # type: ignore[arg-type]
        (lambda: ad.topological_order(Dual(2.0)), TypeError, "not Dual$"),  # type: ignore[arg-type]
    ],
)
def test_transform_and_graph_arguments_are_checked(
    call: Callable[[], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()


def test_a_graph_recorded_before_the_perceptron_rule_is_stale() -> None:
    p = nn.Perceptron(2, rng=0)
    X, y = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([0, 1])
    loss = nn.binary_cross_entropy_with_logits(p(X), y)
    assert p.perceptron_rule(X, y) > 0
    with pytest.raises(RuntimeError, match=r"'weight'.* changed"):
        loss.backward()


# -- 12. found by red-teaming: the remaining ways to a silent wrong number ---------------


def test_a_pullback_keeps_its_own_copy_of_the_primals() -> None:
    x = np.array([1.0, 2.0])
    _, pullback = ad.vjp(lambda v: v * v, x)
    x[:] = 100.0  # the caller reuses its buffer before pulling back
    assert_allclose(pullback(np.ones(2))[0], [2.0, 4.0])


def test_a_variable_cannot_hold_a_variable_made_by_hand() -> None:
    p = Variable(2.0, name="p")
    (p * p).backward()
    with pytest.raises(
        TypeError, match=r"Variable\.value got a Variable \(v\d+\).*p\.value = p\.value"
    ):
        p.value = p - 0.1 * p.grad
    with pytest.raises(TypeError, match=r"^Variable got a Variable"):
        Variable(p * 3.0)
    assert p.value == 2.0
    assert Variable(ad.Dual(2.0, 1.0)).value == ad.Dual(2.0, 1.0)  # nesting modes is fine


def test_updating_a_computed_parameter_after_backward_is_refused() -> None:
    rng = np.random.default_rng(0)
    w = Variable(rng.standard_normal(3)) * 0.01  # a node, not a parameter
    w.name = "w"
    x = np.ones(3)
    ad.sum(w * x).backward()
    with pytest.raises(
        TypeError, match=r"^w -= \.\.\. after backward\(\): w is not an input .*\(mul\)"
    ):
        w -= 0.1 * w.grad
    total = w * 1.0  # before any backward, accumulating into a node is fine
    total += w
    assert_allclose(total.value, 2 * w.value)


def test_backward_through_a_leaked_intermediate_is_refused() -> None:
    kept: list[Any] = []

    def f(x: Any) -> Any:
        kept.append(x * x)
        return ad.sin(kept[0])

    ad.grad(f)(3.0)
    with pytest.raises(TypeError, match="escaped"):
        (kept[0] * 2.0).backward()


def test_backward_keeps_its_own_copy_of_the_seed() -> None:
    y = Variable(np.ones(2)) * 2.0
    seed = np.array([1.0, 1.0])
    y.backward(seed)
    seed[:] = 7.0
    assert_allclose(y.grad, [1.0, 1.0])


def test_a_list_of_traced_values_points_to_stack() -> None:
    a, b = Variable(1.0), Variable(2.0)
    with pytest.raises(TypeError, match=r"autodiff\.stack"):
        np.array([a, b])
    assert_allclose(ad.stack([a, b]).value, [1.0, 2.0])


def test_grad_can_be_reset_but_not_set() -> None:
    p = Variable(2.0)
    (p * p).backward()
    p.grad = None  # PyTorch's way to reset
    assert p.grad == 0.0
    with pytest.raises(TypeError, match=r"zero_grad\(\)"):
        p.grad = 0.0


@pytest.mark.parametrize(
    ("name", "hint"),
    [("data", r"\.value"), ("item", r"\.value"), ("numpy", r"\.value"), ("grad_fn", r"\.op")],
)
def test_pytorch_names_say_what_to_use(name: str, hint: str) -> None:
    with pytest.raises(
        AttributeError, match=rf"no attribute '{name}' \(it is PyTorch's name\); use {hint}"
    ):
        getattr(Variable(1.0), name)  # type checkers flag these names: only at run time
    with pytest.raises(AttributeError, match=r"^'Dual' object has no attribute 'nothing'$"):
        _ = ad.Dual(1.0).nothing  # type: ignore[attr-defined]
    assert Variable(1.0).name.startswith("v")  # an unnamed node still has a default name


@pytest.mark.parametrize("make", [lambda w: optim.SGD([w], lr=0.1, momentum=0.9), optim.Adam])
def test_an_optimiser_refuses_a_parameter_whose_shape_changed(
    make: Callable[[Variable], optim.Optimizer],
) -> None:
    w = Variable(np.ones(2), name="w")
    opt = make(w) if make is not optim.Adam else optim.Adam([w])
    ad.sum(w * w).backward()
    opt.step()
    w.value = np.ones(3)
    w.zero_grad()
    ad.sum(w * w).backward()
    with pytest.raises(ValueError, match=r"parameter 0 \(w\) now has shape \(3,\).*new optimiser"):
        opt.step()


def test_shapes_may_be_given_as_an_int_and_are_checked() -> None:
    assert_allclose(ad.broadcast_to(Variable(2.0), 2).value, [2.0, 2.0])
    assert ad.reshape(Variable(np.ones((2, 2))), 4).shape == (4,)
    with pytest.raises(
        TypeError, match=r"^reshape: shape must be an int or a tuple of ints, not 'a'"
    ):
        Variable(np.ones(4)).reshape("a")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^broadcast_to: shape must be"):
        ad.broadcast_to(Variable(1.0), 2.5)  # type: ignore[arg-type]
