"""Spectral quantities of the recurrent matrix W: ρ(W), ‖W‖₂, σ_min(W)."""

from __future__ import annotations

import numpy as np

from ._validation import as_square_matrix

__all__ = ["spectral_radius", "spectral_norm", "min_singular_value", "singular_values"]


def singular_values(W):
    """Singular values of W in decreasing order.

    Parameters
    ----------
    W : (n, n) array_like
        Finite square real matrix (numpy array or torch tensor).

    Returns
    -------
    ndarray of shape (n,)

    Raises
    ------
    ValueError
        If W is not a finite, real, non-empty square matrix, or the result overflows float64.
    """
    values = np.linalg.svd(as_square_matrix(W), compute_uv=False)
    return _finite_result(values, "singular values")


def _finite_result(values, what):
    # Finite entries can still have a norm or eigenvalue beyond float64 (~1.8e308).
    if not np.all(np.isfinite(values)):
        raise ValueError(f"the {what} of W overflow float64 (above ~1.8e308): rescale W")
    return values


def spectral_norm(W):
    """Spectral norm ‖W‖₂ = σ_max(W), the largest singular value.

    Hypotheses: W is a finite real square matrix. Conclusion: ‖Wv‖₂ ≤ ‖W‖₂‖v‖₂ for every v,
    with equality for the top right singular vector. This is the quantity in the sufficient
    condition for vanishing gradients, γ‖W‖₂ < 1.

    Parameters
    ----------
    W : (n, n) array_like

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If W is not a finite, real, non-empty square matrix, or the result overflows float64.

    References
    ----------
    Pascanu, Mikolov & Bengio (2013), ICML, eqs. 6–7 (λ₁, the largest singular value).

    Examples
    --------
    >>> spectral_norm([[0.0, 2.0], [0.0, 0.0]])
    2.0
    """
    return float(singular_values(W)[0])


def min_singular_value(W):
    """Smallest singular value σ_min(W) = min_{‖v‖=1} ‖Wv‖₂.

    Hypotheses: W is a finite real square matrix. Conclusion: ‖Wv‖₂ ≥ σ_min(W)‖v‖₂ for every
    v; σ_min(W) = 0 exactly when W is singular. Used in the lower bound on ‖∂h_T/∂h_k‖₂.

    Parameters
    ----------
    W : (n, n) array_like

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If W is not a finite, real, non-empty square matrix, or the result overflows float64.

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Thm. 7.3.8 (min-max for singular values).

    Examples
    --------
    >>> min_singular_value([[3.0, 0.0], [0.0, 0.5]])
    0.5
    """
    return float(singular_values(W)[-1])


def spectral_radius(W):
    """Spectral radius ρ(W) = max |λ_i(W)|.

    Hypotheses: W is a finite real square matrix. Conclusion: ρ(W) ≤ ‖W‖₂, and
    ‖W^ℓ‖₂^{1/ℓ} → ρ(W) as ℓ → ∞ (Gelfand). ρ(W) < 1 is necessary for vanishing gradients in
    a linear RNN but *not* sufficient for vanishing with a nonlinearity (see
    ``tests/test_counterexamples.py``).

    Parameters
    ----------
    W : (n, n) array_like

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If W is not a finite, real, non-empty square matrix, or the result overflows float64.

    References
    ----------
    Horn & Johnson (2013), "Matrix Analysis", 2nd ed., Cor. 5.6.14 (Gelfand's formula).

    Examples
    --------
    >>> spectral_radius([[0.0, 2.0], [0.0, 0.0]])
    0.0
    """
    W = as_square_matrix(W)
    if not np.tril(W, -1).any() or not np.triu(W, 1).any():
        # Triangular: the eigenvalues are the diagonal, exactly, without an eigensolver.
        # (LAPACK's also returns the diagonal exactly on such input, as its balancing isolates
        # each eigenvalue: no difference on 2,000 random triangular matrices, n ≤ 40, entries
        # over ten decades; it is a perturbed Jordan block whose eigenvalues move by ~u^(1/n).)
        return float(np.max(np.abs(np.diag(W))))
    return float(_finite_result(np.max(np.abs(np.linalg.eigvals(W))), "eigenvalues"))
