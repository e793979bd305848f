"""Points 4–5: the per-lag terms of ∂L_T/∂W, measured on untied copies, against theory.bptt.

G_k = ∂L_T/∂W_k is the gradient on the copy of W used at step k only (a torch.nn.RNNCell
per step, autograd); it is the lag-ℓ term, ℓ = T − k, of the shared gradient (claim Q3).
The bounds come from theory.bptt and share no code with the measurement.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, target

import theory
from theory import bptt
from theory.measurement import bptt as bptt_measurement
from theory.report.evidence import observe, record_data

from theory.testing import assert_log_le, rounding_tolerance
from .bptt_cases import BPTTCase, agreement_rnn_at_init, bptt_cases, saturation_tolerance


def lag_terms(untied_last):
    """r_ℓ = ‖G_{T−ℓ}‖_F for ℓ = 0..T − 1, g_T and max_k ‖h_{k−1}‖ from one untied run."""
    G = untied_last["W"][0]  # (T, n, n), row k − 1
    r_by_step = np.linalg.norm(G.reshape(G.shape[0], -1), axis=1)
    g_norm = float(np.linalg.norm(untied_last["grad_output"][0]))
    h_norm = float(np.linalg.norm(untied_last["states"][:-1], axis=1).max())
    return r_by_step[::-1].copy(), g_norm, h_norm


def _log(x):
    with np.errstate(divide="ignore"):
        return np.log(x)


def check_lag_terms(r_by_lag, log_bound, n, case):
    lags = np.arange(r_by_lag.size)
    assert_log_le(_log(r_by_lag), log_bound, rounding_tolerance(lags, n), case,
                  "per-lag term bound (Q5)", index_name="lag")


def correct_bound(W, lags, g_norm, h_norm):
    return bptt.log_lag_term_upper_bound(W, "tanh", lags, grad_norm=g_norm, state_norm=h_norm)


@given(case=bptt_cases(max_T=20))
@example(case=BPTTCase(n=16, m=3, p=2, T=20, log_norm=-0.2, input_scale=1.0, bias_scale=0.1, seed=4))
@example(case=BPTTCase(n=2, m=1, p=2, T=12, log_norm=0.9, input_scale=0.01, bias_scale=0.0, seed=1))
@pytest.mark.claim("Q5")
def test_per_lag_terms_obey_the_bound(case):
    """‖G_{T−ℓ}‖_F ≤ γ‖g_T‖₂ max‖h_{k−1}‖₂ (γ‖W‖₂)^ℓ at every lag."""
    r, g_norm, h_norm = lag_terms(case.untied_last)
    W = case.arrays["W"]
    bound = correct_bound(W, np.arange(case.T), g_norm, h_norm)
    check_lag_terms(r, bound, case.n, case)
    with np.errstate(invalid="ignore"):
        gap = np.where(r > 0, _log(r) - bound, -np.inf)
    worst = float(gap.max())
    if np.isfinite(worst):
        target(worst, label="log(term/bound)")
    observe("Q5", worst, case.params(), violated=False)  # asserted above, within tolerance


@given(case=bptt_cases(max_T=20))
@example(case=BPTTCase(n=16, m=3, p=2, T=20, log_norm=-0.2, input_scale=1.0, bias_scale=0.1, seed=4))
@pytest.mark.claim("Q5")
def test_long_lag_share_falls_as_predicted(case):
    """share(L) = Σ_{ℓ>L} r_ℓ / Σ r_ℓ ≤ C Σ_{ℓ>L} (γ‖W‖₂)^ℓ / Σ r_ℓ for every cut-off L."""
    r, g_norm, h_norm = lag_terms(case.untied_last)
    total = float(r.sum())
    if total == 0.0:  # h ≡ 0 (no input, no bias): W receives no gradient at all
        observe("Q5", -math.inf, case.params())
        return
    cut = np.arange(case.T)
    share = bptt.tail_share(r, cut)
    bound = bptt.tail_share_bound(case.arrays["W"], "tanh", cut, case.T, grad_norm=g_norm,
                                  state_norm=h_norm, total_mass=total)
    # Relative rounding of the measured norms and sums (see rounding_tolerance).
    tol = float(rounding_tolerance(case.T, case.n))
    excess = share - bound * (1 + tol) - tol
    assert (excess <= 0).all(), (
        f"tail share above its bound at L={int(np.argmax(excess))}: share {share.tolist()}, "
        f"bound {bound.tolist()}; case {case.params()}"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(share > 0, np.log(share) - np.log(bound), -np.inf)
    observe("Q5", float(gap.max()), case.params(), violated=False)  # asserted above


@given(case=bptt_cases(max_T=20))
@example(case=BPTTCase(n=16, m=3, p=2, T=20, log_norm=-0.2, input_scale=1.0, bias_scale=0.1, seed=4))
@pytest.mark.claim("Q4")
def test_short_lags_are_not_attenuated(case):
    """‖G_k‖_F ≥ ‖g_T‖‖h_{k−1}‖ Π_{t=k..T} min_i|φ'(a_{t,i})| σ_min(W)^{T−k} (measured run)."""
    u = case.untied_last
    r, _, _ = lag_terms(u)
    lower = bptt.log_lag_term_trajectory_lower_bound(
        case.arrays["W"], "tanh", u["preactivations"], u["states"], u["grad_output"][0]
    )
    measured_by_step = _log(r[::-1])
    lags = case.T - np.arange(1, case.T + 1)
    tol = rounding_tolerance(lags, case.n) + saturation_tolerance(u["preactivations"])
    assert_log_le(lower, measured_by_step, tol, case, "per-lag term lower bound (Q4)",
                  index_name="k-1")
    finite = np.isfinite(lower)
    worst = float(np.max(lower[finite] - measured_by_step[finite])) if finite.any() else -math.inf
    if np.isfinite(worst):
        target(worst, label="log(lower bound/term)")
    observe("Q4", worst, case.params(), violated=False)  # asserted above, within tolerance


def _lag_share_case(setup, W):
    """Per-lag terms, bounds and shares of ∂L_T/∂W for the agreement RNN with recurrent W."""
    T = setup["inputs"].shape[0]
    rnn, readout = setup["rnn"], setup["readout"]
    rnn, readout = bptt_measurement.rnn_modules(W, rnn.weight_ih_l0.detach().numpy(),
                                         (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy(),
                                         readout.weight.detach().numpy(), readout.bias.detach().numpy())
    u = bptt_measurement.untied_gradients(rnn, readout, setup["inputs"], setup["targets"], [T])
    r, g_norm, h_norm = lag_terms(u)
    lags = np.arange(T)
    bound = correct_bound(W, lags, g_norm, h_norm)
    check_lag_terms(r, bound, W.shape[0], {"agreement RNN": float(theory.spectral_norm(W))})
    share = bptt.tail_share(r, lags)
    share_bound = bptt.tail_share_bound(W, "tanh", lags, T, grad_norm=g_norm, state_norm=h_norm,
                                        total_mass=float(r.sum()))
    assert (share <= share_bound * (1 + 1e-9) + 1e-12).all()
    lower = bptt.log_lag_term_trajectory_lower_bound(W, "tanh", u["preactivations"], u["states"],
                                                     u["grad_output"][0])
    U_terms = np.linalg.norm(u["U"][0].reshape(T, -1), axis=1)  # by step k = 1..T
    return {
        "q": float(theory.spectral_norm(W)),  # γ = 1 for tanh
        "spectral_radius": float(theory.spectral_radius(W)),
        "lags": lags.tolist(),
        "log10_term_norms": (_log(r) / np.log(10)).tolist(),
        "log10_bound": (bound / np.log(10)).tolist(),
        "log10_lower_bound": (lower[::-1] / np.log(10)).tolist(),
        "tail_share": share.tolist(),
        "tail_share_bound": share_bound.tolist(),
        "short_lag_ratio": {str(ell): float(r[ell] / r[0]) for ell in (1, 2, 3, 5)},
        "subject_share_of_U_gradient": float(U_terms[0] / U_terms.sum()),
        "share_beyond_lag_5": float(share[5]),
        "share_beyond_lag_10": float(share[10]),
        "share_bound_beyond_lag_5": float(share_bound[5]),
        "share_bound_beyond_lag_10": float(share_bound[10]),
    }


@pytest.mark.claim("Q5")
def test_agreement_rnn_lag_shares_recorded():
    """The per-lag picture of the agreement RNN at initialisation (D = 30), and of the same RNN
    with W rescaled to γ‖W‖₂ = 0.6 (where the a-priori share ceiling is informative)."""
    D = 30
    setup = agreement_rnn_at_init(D)
    W = setup["W"]
    payload = {
        "model": "agreement RNN at initialisation (hidden 16, PyTorch default init)",
        "distance": D,
        "T": int(setup["inputs"].shape[0]),
        **_lag_share_case(setup, W),
    }
    payload["rescaled"] = _lag_share_case(setup, W * (0.6 / theory.spectral_norm(W)))
    record_data("bptt_lag_shares", payload)


# ---------------------------------------------------------------------------------------
# Meta: wrong per-lag bounds are caught.
# ---------------------------------------------------------------------------------------

# Near-linear, non-normal W (ρ = 0.5, ‖W‖₂ ≈ 2.1): the terms grow like ℓ·0.5^ℓ·‖W‖ ≫ 0.5^ℓ.
_NON_NORMAL = np.array([[0.5, 2.0], [0.0, 0.5]])


def _non_normal_run():
    rng = np.random.default_rng(0)
    rnn, readout = bptt_measurement.rnn_modules(_NON_NORMAL, np.array([[0.01], [0.01]]),
                                         V=np.array([[1.0, 0.0], [-1.0, 0.0]]))
    x = rng.standard_normal((10, 1))
    return bptt_measurement.untied_gradients(rnn, readout, x, np.zeros(10, dtype=np.int64), [10])


def _tight_scalar_run():
    """n = 1, W = 0.5, the largest state at step T − 1 and a_T small: the lag-0 term is
    ≈ γ‖g_T‖ max‖h‖ = C, so the bound is tight at lag 0."""
    rnn, readout = bptt_measurement.rnn_modules([[0.5]], [[1.0]], V=np.array([[1.0], [-1.0]]))
    x = np.array([[0.01]] * 6 + [[0.1], [0.0]])
    return bptt_measurement.untied_gradients(rnn, readout, x, np.zeros(8, dtype=np.int64), [8])


WRONG_BOUNDS = {
    "spectral radius instead of norm": lambda W, lags, g, h: (
        np.log(g * h) + lags * np.log(theory.spectral_radius(W))
    ),
    "gamma halved": lambda W, lags, g, h: (
        np.log(0.5 * g * h) + lags * np.log(0.5 * theory.spectral_norm(W))
    ),
    "lag off by one": lambda W, lags, g, h: correct_bound(W, lags + 1, g, h),
}


@pytest.mark.meta
@pytest.mark.parametrize("name", list(WRONG_BOUNDS))
def test_meta_wrong_per_lag_bound_is_caught(name):
    if name == "spectral radius instead of norm":
        u, W = _non_normal_run(), _NON_NORMAL
    else:
        u, W = _tight_scalar_run(), np.array([[0.5]])
    r, g_norm, h_norm = lag_terms(u)
    lags = np.arange(r.size)
    check_lag_terms(r, correct_bound(W, lags, g_norm, h_norm), W.shape[0], name)  # the right one holds
    with pytest.raises(AssertionError):
        check_lag_terms(r, WRONG_BOUNDS[name](W, lags, g_norm, h_norm), W.shape[0], name)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: bptt.log_lag_term_upper_bound(np.eye(2), "tanh", -1, grad_norm=1.0, state_norm=1.0), "lag"),
        (lambda: bptt.log_lag_term_upper_bound(np.eye(2), "tanh", 1, grad_norm=-1.0, state_norm=1.0), "grad_norm"),
        (lambda: bptt.log_lag_term_upper_bound(np.ones((2, 3)), "tanh", 1, grad_norm=1.0, state_norm=1.0), "square"),
        (lambda: bptt.log_lag_term_upper_bound(np.eye(2), "softsign", 1, grad_norm=1.0, state_norm=1.0), "unknown activation"),
        (lambda: bptt.log_tail_mass_bound(np.eye(2), "tanh", 0, 0, grad_norm=1.0, state_norm=1.0), "T must be"),
        (lambda: bptt.tail_share([1.0, -1.0], 0), "non-negative"),
        (lambda: bptt.tail_share_bound(np.eye(2), "tanh", 0, 3, grad_norm=1.0, state_norm=1.0, total_mass=0.0), "total_mass"),
        (lambda: bptt.log_lag_term_trajectory_lower_bound(np.eye(2), "tanh", np.zeros((3, 2)), np.zeros((3, 2)), np.ones(2)), "states"),
        (lambda: bptt.log_lag_term_trajectory_lower_bound(np.eye(2), "tanh", np.zeros((3, 2)), np.zeros((4, 2)), np.ones(3)), "grad_output"),
    ],
)
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("activation, log_gamma", [("tanh", 0.0), ("sigmoid", math.log(0.25)),
                                                   ("relu", 0.0), ("identity", 0.0)])
@pytest.mark.parametrize("scale", [0.3, 1.7])
def test_a_priori_bptt_bounds_are_the_stated_formulas(activation, log_gamma, scale):
    """Each a-priori BPTT bound is exactly its stated formula, on W = c·Q (‖W‖₂ = c) and a
    U with ‖U‖₂ = 2: the inequality tests cannot see a bound that is merely looser (a sign
    slip on log γ is invisible for tanh, γ = 1, and makes the sigmoid bound 16× looser).
    Tolerance: the rounding of a sum of a few logs of this size, 8u·max(1, |value|)."""
    rng = np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    W = scale * Q
    U = np.diag([2.0, 1.0, 0.5, 0.25])[:, :2]  # ‖U‖₂ = 2
    g, s, lags, T = 1.5, 0.8, np.arange(6), 6
    log_q = log_gamma + math.log(scale)
    expected = {
        "log_lag_term_upper_bound": (
            bptt.log_lag_term_upper_bound(W, activation, lags, grad_norm=g, state_norm=s),
            log_gamma + math.log(g) + math.log(s) + lags * log_q),
        "log_input_sensitivity_bound": (
            bptt.log_input_sensitivity_bound(W, U, activation, lags, grad_norm=g),
            math.log(g) + log_gamma + math.log(2.0) + lags * log_q),
        "log_tail_mass_bound": (
            bptt.log_tail_mass_bound(W, activation, lags, T, grad_norm=g, state_norm=s),
            [math.log(math.fsum(math.exp(log_gamma + math.log(g) + math.log(s) + ell * log_q)
                                for ell in range(L + 1, T))) if L + 1 < T else -math.inf
             for L in lags]),
    }
    for name, (got, want) in expected.items():
        got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        finite = np.isfinite(want)
        assert np.array_equal(np.isfinite(got), finite), f"{name}, {activation}, c={scale}: {got} vs {want}"
        err = np.abs(got[finite] - want[finite])
        assert np.all(err <= 8 * 2.0**-53 * np.maximum(1.0, np.abs(want[finite]))), (
            f"{name}, {activation}, c={scale}: got {got.tolist()}, formula {want.tolist()}")


def test_tail_share_and_its_ceiling_on_hand_computed_values():
    """tail_share is Σ_{ℓ>L} r_ℓ / Σ r_ℓ also when the total is below 1; tail_share_bound is
    capped at exactly 1 (a share); the tail mass with T = 1 has no lag > 0 (−inf).
    Tolerance rel 1e-15: a sum of three terms and one division, a few u (u ≈ 1.1e-16)."""
    assert bptt.tail_share([0.5, 0.25], 0) == pytest.approx(1 / 3, rel=1e-15)
    assert bptt.tail_share([0.5, 0.25, 0.0625], [0, 1, 5]).tolist() == pytest.approx(
        [0.3125 / 0.8125, 0.0625 / 0.8125, 0.0], rel=1e-15)
    assert bptt.tail_share([0.0, 0.0], 0) == 0.0  # no mass: share 0 by convention
    assert bptt.tail_share_bound(2 * np.eye(2), "tanh", 0, 5, grad_norm=1.0, state_norm=1.0,
                                 total_mass=1e-3) == 1.0
    assert bptt.log_tail_mass_bound(0.5 * np.eye(2), "tanh", 0, 1, grad_norm=1.0, state_norm=1.0) == -np.inf


def test_trajectory_lower_bound_on_hand_computed_values():
    """n = 2, T = 3, tanh, W = diag(2, 3) (σ_min = 2), ‖g_T‖ = 1: entry k − 1 is
    log(‖h_{k−1}‖·Π_{t=k..3} m_t·2^{3−k}), m_t = min_i sech²(a_{t,i}), each state with its
    own norm (‖h_0‖ = 0 gives −inf, without a warning). Tolerance 8u·max(1, |value|): a sum of
    a few logs of this size."""
    import warnings

    W = np.diag([2.0, 3.0])
    a = np.array([[0.0, 0.5], [1.0, 0.0], [0.2, 0.3]])
    h = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 0.0], [7.0, 7.0]])  # norms 0, 5, 1 (h_3 unused)
    g = np.array([0.6, 0.8])
    log_m = [math.log(1 / math.cosh(max(abs(x) for x in row)) ** 2) for row in a]
    want = [-math.inf,
            math.log(5.0) + log_m[1] + log_m[2] + math.log(2.0),
            math.log(1.0) + log_m[2]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the −inf is by design, not a divide-by-zero warning
        got = bptt.log_lag_term_trajectory_lower_bound(W, "tanh", a, h, g)
    assert got.shape == (3,) and got[0] == -math.inf, f"got {got.tolist()}, want {want}"
    assert np.all(np.abs(got[1:] - want[1:]) <= 8 * 2.0**-53 * np.maximum(1.0, np.abs(want[1:]))), (
        f"trajectory lower bound {got.tolist()}, hand-computed {want}")
    empty = bptt.log_lag_term_trajectory_lower_bound(W, "tanh", np.zeros((0, 2)), h[:1], g)
    assert empty.shape == (0,), f"T = 0: expected no entries, got {empty.tolist()}"


def test_zero_weights_keep_the_lag_zero_term_and_warn_nothing():
    """‖W‖₂ = 0: the lag-0 bound is C = γ‖g_T‖ max‖h‖ (the empty product (γ‖W‖)⁰ = 1, not
    0·log 0 = NaN) and every longer lag is −inf; a zero norm gives −inf everywhere. Both
    without a RuntimeWarning (the −inf is by design). Exact: log 2 and log 1.5 are one rounding."""
    import warnings

    lags = [0, 1, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bptt.log_lag_term_upper_bound(np.zeros((2, 2)), "tanh", lags, grad_norm=1.5, state_norm=2.0)
        none = bptt.log_lag_term_upper_bound(np.eye(2), "tanh", lags, grad_norm=0.0, state_norm=2.0)
        tail = bptt.log_tail_mass_bound(np.zeros((2, 2)), "tanh", [0, 1], 3, grad_norm=1.5, state_norm=2.0)
    assert got.tolist() == [math.log(1.5) + math.log(2.0), -math.inf, -math.inf], f"W = 0: {got.tolist()}"
    assert none.tolist() == [-math.inf] * 3, f"grad_norm = 0: {none.tolist()}"
    assert tail.tolist() == [-math.inf, -math.inf], f"W = 0, lags > 0 carry nothing: {tail.tolist()}"


def test_tail_share_is_capped_at_one_against_summation_rounding():
    """r_0 = 0: all the mass is at lags > 0, so the share is exactly 1; summed from the end
    (0.003 + 0.816 + 0.935 = 1.754) the tail is an ulp above the total summed from the start
    (1.7539999999999998), and the documented range [0, 1] still holds."""
    share = bptt.tail_share([0.0, 0.935, 0.816, 0.003], 0)
    assert share == 1.0, f"share of lags > 0 with r_0 = 0: {share!r}, expected exactly 1"
