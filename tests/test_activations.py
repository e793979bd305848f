"""Activations: φ' and γ against torch autograd; inf|φ'| on [−r, r]; log-space accuracy."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import theory

TORCH_PHI = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda a: a}
EXACT_GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "identity": 1.0}


@pytest.mark.parametrize("name", theory.ACTIVATION_NAMES)
def test_gamma_is_exact(name):
    assert theory.activation(name).gamma == EXACT_GAMMA[name]


@pytest.mark.parametrize("name", theory.ACTIVATION_NAMES)
def test_derivative_matches_torch_autograd(name):
    """φ and φ' (numpy) agree with torch's own function and autograd.

    Tolerance: φ to 4 ulps (two libraries' elementary functions, each within ~1 ulp, composed);
    φ' to 4 ulps absolute: torch forms 1 − tanh² or σ(1 − σ), and that subtraction has an
    absolute (not relative) error of about one ulp of 1; our log-space form is checked to
    relative accuracy against mpmath below.
    """
    a = torch.linspace(-30, 30, 2001, dtype=torch.float64).requires_grad_(True)
    (grad,) = torch.autograd.grad(TORCH_PHI[name](a).sum(), a)
    phi = theory.activation(name)
    x = a.detach().numpy()
    np.testing.assert_allclose(phi.phi(x), TORCH_PHI[name](a).detach().numpy(), rtol=4 * np.finfo(float).eps, atol=1e-300)
    np.testing.assert_allclose(phi.derivative(x), grad.numpy(), rtol=4 * np.finfo(float).eps, atol=4 * np.finfo(float).eps,
                               err_msg=f"{name}: φ' differs from torch autograd")
    assert np.all(phi.derivative(x) <= phi.gamma), f"{name}: φ' exceeds γ"


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_log_derivative_has_no_underflow(name):
    """log φ'(a) stays finite and linear in |a| far into saturation, where φ'(a) underflows."""
    phi = theory.activation(name)
    big = np.array([1e3, 1e5])
    logs = phi.log_derivative(big)
    assert np.all(np.isfinite(logs)), logs
    slope = {"tanh": -2.0, "sigmoid": -1.0}[name]
    np.testing.assert_allclose(logs, slope * big + (np.log(4.0) if name == "tanh" else 0.0), rtol=1e-12)


@given(name=st.sampled_from(theory.ACTIVATION_NAMES), radius=st.floats(0.0, 50.0))
def test_inf_derivative_is_the_minimum_on_the_interval(name, radius):
    """inf_{|a|≤r}|φ'(a)| is ≤ |φ'| on a grid of [−r, r] and attained (up to rounding).

    1e-12 relative: φ' at the grid's endpoint r and the inf (also at r) come from the same
    log-space formula, evaluated on r and on linspace's r, which differ by at most an ulp
    of r ≤ 50, changing log φ' by ≤ 2·50·u ≈ 2e-14.
    """
    phi = theory.activation(name)
    grid = np.linspace(-radius, radius, 1001)
    on_grid = phi.derivative(grid)
    inf = float(phi.inf_derivative(radius))
    assert np.all(on_grid >= inf * (1 - 1e-12)), f"{name}, r={radius}: inf {inf} > min on grid {on_grid.min()}"
    assert on_grid.min() <= inf * (1 + 1e-12) or (name == "relu" and inf == 0.0), (
        f"{name}, r={radius}: inf {inf} not attained, grid min {on_grid.min()}")


def test_aliases_and_passthrough():
    assert theory.activation("linear") is theory.activation("identity")
    assert theory.activation("TANH").name == "tanh"
    phi = theory.activation("relu")
    assert theory.activation(phi) is phi


@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_derivative_is_relatively_accurate(name):
    """φ' from the log-space form is accurate to 1e-14 relative against 50-digit mpmath, even
    where φ' ≈ 1e-300 (16 ulps of slack for exp/log1p of a value of size |a|)."""
    import mpmath

    mpmath.mp.dps = 50
    exact = {"tanh": lambda a: mpmath.sech(a) ** 2,
             "sigmoid": lambda a: mpmath.exp(-a) / (1 + mpmath.exp(-a)) ** 2}[name]
    for a in [-340.0, -30.0, -1.5, 0.0, 0.3, 7.0, 30.0, 340.0]:
        got = theory.activation(name).derivative(np.array(a))
        want = float(exact(mpmath.mpf(a)))
        assert abs(got - want) <= 16 * abs(a) * np.finfo(float).eps * want + 1e-14 * want, (name, a, got, want)
