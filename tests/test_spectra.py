"""Spectra: ‖W‖₂, σ_min, ρ(W) against their definitions and against torch.linalg."""

import numpy as np
import torch
from hypothesis import given
from hypothesis import strategies as st

import theory

from theory.testing import FAMILIES, base_matrix

matrices = st.fixed_dictionaries({
    "family": st.sampled_from(FAMILIES), "n": st.integers(1, 40), "seed": st.integers(0, 2**32 - 1),
}).map(lambda d: base_matrix(d["family"], d["n"], np.random.default_rng(d["seed"])))


@given(W=matrices)
def test_spectral_quantities_against_torch(W):
    t = torch.as_tensor(W)
    norm, smin, rho = theory.spectral_norm(W), theory.min_singular_value(W), theory.spectral_radius(W)
    # Two backward-stable SVDs (LAPACK via numpy and via torch) each err by ≲ n·u·‖W‖₂
    # (Higham 2002, §20); 16·n·u·‖W‖₂ covers both with room.
    tol = 16 * W.shape[0] * np.finfo(float).eps * max(norm, 1e-300)
    assert abs(norm - torch.linalg.matrix_norm(t, ord=2).item()) <= tol, (norm, W.shape)
    assert abs(smin - torch.linalg.matrix_norm(t, ord=-2).item()) <= tol, (smin, W.shape)
    # ρ ≤ ‖W‖₂ always; σ_min ≤ |λ| for every eigenvalue.
    assert smin - tol <= rho <= norm + tol, f"σ_min={smin}, ρ={rho}, ‖W‖₂={norm}"


def test_spectral_radius_of_nilpotent_and_triangular():
    # A defective 2×2 block's computed eigenvalues err by ~√u·‖W‖₂ ≈ 2e-7 (not u): hence 1e-6.
    assert theory.spectral_radius([[8.0, 8.0], [-8.0, -8.0]]) < 1e-6
    jordan = 0.9 * np.eye(30) + np.eye(30, k=1)
    assert theory.spectral_radius(jordan) == 0.9  # exact on triangular input
    assert theory.spectral_norm(jordan) > 1.8
