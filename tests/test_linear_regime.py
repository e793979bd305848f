"""Claims LIN1–LIN4 and R1: the linear regime J = W^ℓ, the ρ/‖·‖ sandwich, Gelfand, IRNN."""

import math

import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

import theory
from theory.report.evidence import observe

from theory.testing import EPS, assert_log_le, describe, finite_target, lags_by_k, rounding_tolerance
from theory.testing import RNNCase, rnn_cases

linear_cases = rnn_cases(activations=("identity",), lengths=(1, 30))
NILPOTENT = RNNCase(n=5, T=12, family="upper_triangular", activation="identity",
                    target_kind="norm", log_target_over_threshold=0.5, seed=0)


def check_jacobian_is_power(case, power=np.linalg.matrix_power, ks=None, claim=None):
    """∂h_T/∂h_k (autograd) equals W^(T−k) (numpy), entrywise within the rounding of both.

    Tolerance: both sides are ℓ-fold products; each entry's error is ≤ ℓ·n·u·(|W|^ℓ)_ij to
    first order (Higham 2002, §3.5), so ‖error‖_F ≤ 2ℓ·n·u·‖W‖_F^ℓ for the two together;
    we allow 4ℓ·n·u·‖W‖_F^ℓ (ℓ ≤ 30, so nothing overflows).
    """
    a = case.arrays
    T = case.T
    worst = -np.inf
    for k in ks if ks is not None else sorted({0, T // 2, max(T - 1, 0)}):
        lag = T - k
        jac = theory.measured_jacobian(a["W"], case.activation, k, inputs=a["inputs"], U=a["U"],
                                       b=a["b"], h0=a["h0"])
        expected = power(case.W, lag)
        error = np.linalg.norm(jac - expected)
        allowed = 4 * max(lag, 1) * case.n * EPS * np.linalg.norm(case.W) ** lag + 1e-300
        assert error <= allowed, (
            f"∂h_T/∂h_k ≠ W^ℓ at k={k}, ℓ={lag}: ‖J − W^ℓ‖_F = {error:.3g} > {allowed:.3g}; "
            f"case: {describe(case)}"
        )
        worst = max(worst, math.log(error / allowed) if error > 0 else -np.inf)
    if claim is not None:
        # Tightness: log(error / allowed rounding error), ≤ 0 when J = W^ℓ to rounding.
        observe(claim, worst, case.params(), violated=False)


@pytest.mark.claim("LIN1")
@given(case=linear_cases)
@example(case=NILPOTENT)
def test_linear_jacobian_is_matrix_power(case):
    """Claim LIN1: with the identity activation, ∂h_T/∂h_k = W^(T−k) exactly."""
    check_jacobian_is_power(case, claim="LIN1")


def check_linear_sandwich(case, bounds=theory.log_power_norm_bounds, record=True):
    """LIN2: ℓ·log ρ(W) ≤ log‖∂h_T/∂h_{T−ℓ}‖₂ ≤ ℓ·log‖W‖₂ on the measured profile."""
    lags = lags_by_k(case.T)
    lower, upper = bounds(case.W, lags)
    measured = case.profile.log_norms
    tolerance = rounding_tolerance(lags, case.n)
    assert_log_le(measured, upper, tolerance, case, "LIN2 upper ‖W‖₂^ℓ")
    assert_log_le(lower, measured, tolerance, case, "LIN2 lower ρ(W)^ℓ")
    if record:
        with np.errstate(invalid="ignore"):
            gap = np.nan_to_num(np.maximum(measured - upper, lower - measured)[:-1], nan=-np.inf)
        tightness = float(gap.max()) if case.T else -np.inf
        finite_target(tightness, "LIN2 sandwich tightness")
        observe("LIN2", tightness, case.params(), violated=False)


@pytest.mark.claim("LIN2")
@given(case=rnn_cases(activations=("identity",)))
@example(case=RNNCase(n=2, T=300, family="jordan", activation="identity", target_kind="radius",
                      log_target_over_threshold=0.02, seed=1))
def test_linear_sandwich(case):
    """Claim LIN2: ρ(W)^ℓ ≤ ‖W^ℓ‖₂ ≤ ‖W‖₂^ℓ: explosion when ρ > 1, vanishing when ‖W‖₂ < 1."""
    check_linear_sandwich(case)


def check_gelfand_rate(case, limit=theory.spectral_radius, record=True):
    """LIN3: 0 ≤ log‖W^ℓ‖₂/ℓ − log ρ(W) ≤ log κ(V)/ℓ for diagonalizable W.

    Tolerance, in log‖W^ℓ‖₂: the product's rounding (rounding_tolerance), plus ℓ times the
    relative error of the computed ρ, at most about κ(V)·n·u for an eigenvalue (Bauer–Fike).
    """
    log_kappa = theory.log_eigenvector_condition(case.W)
    rho = limit(case.W)
    assume(np.isfinite(log_kappa) and log_kappa < 20 and rho > 0)
    lags = lags_by_k(case.T)[:-1]
    measured = case.profile.log_norms[:-1]
    tolerance = rounding_tolerance(lags, case.n) + lags * 4 * case.n * EPS * math.exp(log_kappa)
    predicted_low = lags * math.log(rho)
    assert_log_le(predicted_low, measured, tolerance, case, "LIN3 rate below log ρ(W)")
    assert_log_le(measured, predicted_low + log_kappa, tolerance, case,
                  f"LIN3 rate above log ρ(W) + log κ(V)/ℓ (log κ = {log_kappa:.3g})")
    if record and case.T:
        gap = float(measured[0] / case.T - math.log(rho))
        observe("LIN3", gap - log_kappa / case.T, {**case.params(), "rate_gap_at_T": gap}, violated=False)


@pytest.mark.claim("LIN3")
@given(case=rnn_cases(activations=("identity",),
                      families=("gaussian", "orthogonal", "symmetric", "upper_triangular", "diagonal")))
@example(case=RNNCase(n=6, T=300, family="upper_triangular", activation="identity",
                      target_kind="radius", log_target_over_threshold=-0.01, seed=21))
def test_gelfand_rate(case):
    """Claim LIN3 (Gelfand): the per-step rate converges to log ρ(W), within log κ(V)/ℓ."""
    check_gelfand_rate(case)


@pytest.mark.claim("LIN4")
@given(case=rnn_cases(activations=("tanh",), lengths=(1, 30), inputs=False))
def test_tanh_at_rest_is_linear(case):
    """Claim LIN4: tanh with x = 0, b = 0, h_0 = 0 stays at a = 0, where tanh' = 1: J = W^ℓ."""
    check_jacobian_is_power(case, claim="LIN4")


irnn_params = st.fixed_dictionaries({
    "n": st.integers(1, 64),
    "T": st.integers(1, 300),
    "input_dim": st.integers(1, 4),
    "seed": st.integers(0, 2**32 - 1),
})


def irnn_run(n, T, input_dim, seed, min_bias=0.01):
    """W = I and non-negative U, x, h_0 with b ≥ min_bias: every pre-activation is > 0 when
    min_bias > 0 (Le et al. 2015's IRNN with every unit active)."""
    rng = np.random.default_rng(seed)
    U = rng.uniform(0.0, 1.0, (n, input_dim))
    x = rng.uniform(0.0, 1.0, (T, input_dim))
    b = rng.uniform(min_bias, min_bias + 1.0, n)
    h0 = rng.uniform(0.0, 1.0, n)
    return dict(W=np.eye(n), inputs=x, U=U, b=b, h0=h0)


def check_irnn(params, min_bias=0.01):
    run = irnn_run(**params, min_bias=min_bias)
    profile = theory.lag_profile(run.pop("W"), "relu", **run)
    assert np.all(profile.preactivations > 0) or min_bias <= 0, "IRNN hypothesis not met"
    # Exactly: each step multiplies by diag(1)·I, which float64 does without rounding.
    assert np.all(profile.log_norms == 0.0), (
        f"R1: IRNN lag profile not identically 0: max |log‖J‖| = "
        f"{np.max(np.abs(profile.log_norms)):.3g}; params: {params}"
    )
    jac = theory.measured_jacobian(np.eye(params["n"]), "relu", 0, **run)
    assert np.array_equal(jac, np.eye(params["n"])), f"R1: ∂h_T/∂h_0 ≠ I; params: {params}"


@pytest.mark.claim("R1")
@given(params=irnn_params)
def test_irnn_identity_jacobian(params):
    """Claim R1 (Le, Jaitly & Hinton 2015): ReLU with W = I and active units has J = I exactly."""
    check_irnn(params)
    observe("R1", 0.0, params, violated=False)
