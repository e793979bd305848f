"""The claim registry: every claim the suite verifies, with a stable ID.

Claim IDs are cited in course material: once released, add claims, never rename them.
Each test that verifies a claim carries ``@pytest.mark.claim("ID")``; a marker with an ID
that is not listed here is an error at collection time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

__all__ = ["Claim", "CLAIMS", "claim"]

PASCANU_2013 = (
    "Pascanu, Mikolov & Bengio (2013), On the difficulty of training recurrent neural "
    "networks, ICML"
)
BENGIO_1994 = (
    "Bengio, Simard & Frasconi (1994), Learning long-term dependencies with gradient "
    "descent is difficult, IEEE Trans. Neural Networks 5(2)"
)
HOCHREITER_1991 = "Hochreiter (1991), Untersuchungen zu dynamischen neuronalen Netzen, TU München"
HORN_JOHNSON = "Horn & Johnson (2013), Matrix Analysis, 2nd ed."
LE_2015 = (
    "Le, Jaitly & Hinton (2015), A simple way to initialize recurrent networks of "
    "rectified linear units, arXiv:1504.00941"
)


@dataclass(frozen=True)
class Claim:
    """One citeable claim.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"V1"``.
    statement : str
        One sentence.
    hypotheses : str
        When it applies.
    references : tuple of str
    theory : tuple of str
        The ``theory`` functions it rests on.
    tests : tuple of str
        pytest node ids (without parameters) of the tests that verify it.
    area : str
        The area of the claims (one test module per area).
    """

    id: str
    statement: str
    hypotheses: str
    references: Tuple[str, ...]
    theory: Tuple[str, ...]
    tests: Tuple[str, ...]
    area: str = "foundation"
    notes: str = field(default="", compare=False)


def _claims(*claims):
    registry = {}
    for c in claims:
        if c.id in registry:
            raise RuntimeError(f"duplicate claim ID {c.id}")
        registry[c.id] = c
    return registry


CLAIMS = _claims(
    # --- foundation (issue 2): bounds on ‖∂h_T/∂h_k‖₂ -------------------------------------
    Claim(
        "U1",
        "‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at every lag, for every input, bias and initial state.",
        "vanilla RNN h_t = φ(W h_{t−1} + U x_t + b), |φ'| ≤ γ",
        (PASCANU_2013 + ", eqs. 6–7",),
        ("theory.log_upper_bound", "theory.spectral_norm"),
        ("tests/test_upper_bounds.py::test_a_priori_upper_bound",),
    ),
    Claim(
        "U2",
        "‖∂h_T/∂h_k‖₂ ≤ Π_{t=k+1..T} max_i|φ'(a_{t,i})|·‖W‖₂ along any one run.",
        "vanilla RNN; a_t the pre-activations of that run",
        (PASCANU_2013 + ", eqs. 5–7", BENGIO_1994 + ", §III"),
        ("theory.log_trajectory_upper_bound",),
        ("tests/test_upper_bounds.py::test_trajectory_upper_bound",),
    ),
    Claim(
        "L1",
        "‖∂h_T/∂h_k‖₂ ≥ Π_{t=k+1..T} min_i|φ'(a_{t,i})|·σ_min(W) along any one run.",
        "vanilla RNN; a_t the pre-activations of that run",
        (HORN_JOHNSON + ", Thm. 7.3.8",),
        ("theory.log_trajectory_lower_bound", "theory.min_singular_value"),
        ("tests/test_lower_bounds.py::test_trajectory_lower_bound",),
    ),
    Claim(
        "L2",
        "‖∂h_T/∂h_k‖₂ ≥ (inf_{|a|≤r}|φ'(a)|·σ_min(W))^(T−k), with r the reachable "
        "pre-activation radius Σ_j|W_ij| + |(Ux_t)_i| + |b_i|.",
        "tanh or sigmoid (|h| ≤ 1), |h_0| ≤ 1; identity (r irrelevant)",
        (HORN_JOHNSON + ", Thm. 7.3.8", BENGIO_1994 + ", §III"),
        ("theory.log_lower_bound", "theory.reachable_preactivation_radius"),
        ("tests/test_lower_bounds.py::test_a_priori_lower_bound",),
    ),
    Claim(
        "V1",
        "Gradients vanish whenever γ‖W‖₂ < 1: each step back multiplies ‖∂h_T/∂h_k‖₂ by at "
        "most γ‖W‖₂, and it is below ε from the predicted horizon on.",
        "vanilla RNN, γ‖W‖₂ < 1",
        (PASCANU_2013 + ", §3.1 (sufficient condition)", BENGIO_1994),
        ("theory.regime", "theory.log_upper_bound"),
        ("tests/test_vanishing.py::test_vanishing_when_gamma_norm_below_one",),
    ),
    Claim(
        "V2",
        "With the logistic sigmoid (γ = 1/4), ‖W‖₂ < 4 implies vanishing gradients.",
        "vanilla RNN, φ = sigmoid, ‖W‖₂ < 4",
        (HOCHREITER_1991, BENGIO_1994),
        ("theory.regime", "theory.activation"),
        ("tests/test_vanishing.py::test_sigmoid_vanishes_below_four",),
    ),
    Claim(
        "V3",
        "The regime classifier is consistent with the measurement: 'explosion impossible' "
        "never meets a growing gradient, and 'explosion certain' never meets a vanishing one.",
        "vanilla RNN with any of the four activations",
        (PASCANU_2013 + ", §3.1",),
        ("theory.regime",),
        ("tests/test_vanishing.py::test_regime_agrees_with_measurement",),
    ),
    Claim(
        "LIN1",
        "With the identity activation, ∂h_T/∂h_k = W^(T−k) exactly.",
        "linear RNN h_t = W h_{t−1} + U x_t + b",
        (PASCANU_2013 + ", §3.1 (linear case)",),
        ("theory.log_matrix_power_norm",),
        ("tests/test_linear_regime.py::test_linear_jacobian_is_matrix_power",),
        area="linear regime",
    ),
    Claim(
        "LIN2",
        "In the linear regime ρ(W)^ℓ ≤ ‖∂h_T/∂h_{T−ℓ}‖₂ ≤ ‖W‖₂^ℓ: gradients explode when "
        "ρ(W) > 1 and vanish when ‖W‖₂ < 1.",
        "linear RNN",
        (HORN_JOHNSON + ", Thm. 5.6.9",),
        ("theory.log_power_norm_bounds", "theory.spectral_radius"),
        ("tests/test_linear_regime.py::test_linear_sandwich",),
        area="linear regime",
    ),
    Claim(
        "LIN3",
        "Gelfand: the per-step growth rate log‖W^ℓ‖₂/ℓ converges to log ρ(W), within "
        "log κ(V)/ℓ for diagonalizable W = VΛV⁻¹; so ρ(W) < 1 means vanishing eventually.",
        "linear RNN, W diagonalizable",
        (HORN_JOHNSON + ", Cor. 5.6.14", "Trefethen & Embree (2005), Spectra and Pseudospectra, Ch. 15"),
        ("theory.log_eigenvector_condition", "theory.spectral_radius"),
        ("tests/test_linear_regime.py::test_gelfand_rate",),
        area="linear regime",
    ),
    Claim(
        "LIN4",
        "tanh with zero input, zero bias and h_0 = 0 is exactly the linear regime: "
        "∂h_T/∂h_k = W^(T−k).",
        "φ = tanh, x_t = 0, b = 0, h_0 = 0 (then a_t = 0 and tanh'(0) = 1)",
        (PASCANU_2013 + ", §3.1",),
        ("theory.activation",),
        ("tests/test_linear_regime.py::test_tanh_at_rest_is_linear",),
        area="linear regime",
    ),
    Claim(
        "R1",
        "ReLU IRNN: with W = I and inputs that keep every unit active, ∂h_T/∂h_k = I exactly.",
        "φ = relu, W = I, every pre-activation > 0",
        (LE_2015,),
        ("theory.activation",),
        ("tests/test_linear_regime.py::test_irnn_identity_jacobian",),
        area="linear regime",
    ),
    Claim(
        "X1",
        "The spectral-radius condition ρ(W) < 1 does NOT imply vanishing gradients for tanh: "
        "a nilpotent W (ρ = 0) at a fixed point has a growing gradient.",
        "φ = tanh, W = c[[1, 1], [−1, −1]], h* = (0, s) a fixed point, c·s² > 1",
        (PASCANU_2013 + ", §3.1 (only ‖W‖₂ gives a sufficient condition)",),
        ("theory.spectral_radius", "theory.regime"),
        ("tests/test_counterexamples.py::test_spectral_radius_condition_fails_for_tanh",),
    ),
    Claim(
        "M1",
        "The measurement is consistent: the step-by-step lag profile at k = 0 equals the "
        "gradient through the fused torch.nn.RNN with respect to h_0.",
        "φ = tanh or relu",
        ("PyTorch documentation, torch.nn.RNN",),
        ("theory.lag_profile", "theory.fused_rnn_log_norm_h0"),
        ("tests/test_measurement.py::test_profile_matches_fused_rnn",),
        area="measurement",
    ),
    # --- quantitative predictions (issue 3): insert Claim(...) entries below this line ---
    # --- motivating question (issue 4): insert Claim(...) entries below this line ---
)


def claim(claim_id):
    """Return the :class:`Claim` with this ID, or raise ``ValueError`` listing the known IDs."""
    try:
        return CLAIMS[claim_id]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown claim ID {claim_id!r}; known IDs: {', '.join(sorted(CLAIMS))}"
        ) from None
