"""Input checks shared by every public theory function (one job: reject bad input clearly)."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_square_matrix", "as_lags", "as_finite_array", "as_positive_float"]


def _to_numpy(value, name):
    # torch tensors are accepted: detach and move to the CPU first, so users can pass nn weights.
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value)
    except Exception as exc:  # pragma: no cover - numpy raises many types here
        raise ValueError(f"{name} must be array-like, got {type(value).__name__}") from exc
    if array.dtype == object:
        raise ValueError(f"{name} must be a numeric array, got an object array")
    if np.iscomplexobj(array):
        raise ValueError(f"{name} must be real, got complex dtype {array.dtype}")
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must be a real numeric array, got dtype {array.dtype}")
    return array.astype(np.float64, copy=False)


def as_square_matrix(W, name="W"):
    """Return ``W`` as a finite float64 square matrix, or raise ``ValueError`` saying why not."""
    array = _to_numpy(W, name)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got an array of shape {array.shape}")
    rows, cols = array.shape
    if rows != cols:
        raise ValueError(f"{name} must be square, got shape {array.shape}")
    if rows == 0:
        raise ValueError(f"{name} must be non-empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{name} must have finite entries, found {bad} NaN or infinite entries")
    return array


def as_finite_array(value, name, ndim=None, shape=None):
    """Return ``value`` as a finite float64 array with the given ndim/shape (``None`` = any)."""
    array = _to_numpy(value, name)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if shape is not None:
        for axis, (want, got) in enumerate(zip(shape, array.shape)):
            if want is not None and want != got:
                raise ValueError(
                    f"{name} has shape {array.shape}, but axis {axis} must have length {want}"
                )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must have finite entries")
    return array


def as_lags(lag, name="lag"):
    """Return ``lag`` as an int64 array (or int scalar) of non-negative lags."""
    array = np.asarray(lag)
    if array.dtype == bool:
        raise ValueError(f"{name} must be a non-negative integer, got a boolean")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{name} must be a non-negative integer, got {lag!r}")
    elif not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be a non-negative integer, got {lag!r}")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative, got {lag!r}")
    return array.astype(np.int64)


def as_positive_float(value, name, allow_zero=False, allow_inf=False):
    """Return ``value`` as a positive (or non-negative) Python float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if np.isnan(value) or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}, got {value!r}")
    return value
