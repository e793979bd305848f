"""Input checks shared by every public theory function (one job: reject bad input clearly)."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_square_matrix", "as_lags", "as_finite_array", "as_positive_float"]


def _to_numpy(value, name):
    # torch tensors are accepted: detach and move to the CPU first, so users can pass nn weights.
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        try:
            value = value.detach().cpu()
            if value.is_floating_point():
                # bfloat16 (and any float type numpy lacks) converts through float64, exactly.
                value = value.double()
            value = value.numpy()
        except (TypeError, RuntimeError, NotImplementedError) as exc:  # sparse, meta, ...
            raise ValueError(
                f"{name} must be a dense tensor with readable values, got layout "
                f"{value.layout} on device {value.device.type!r}"
            ) from exc
    try:
        array = np.asarray(value)
    except Exception as exc:  # pragma: no cover - numpy raises many types here
        raise ValueError(
            f"{name} must be a rectangular numeric array, got {type(value).__name__}"
        ) from exc
    if array.dtype == object:
        raise ValueError(f"{name} must be a numeric array, got {type(value).__name__} (an object array)")
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


# The largest lag that int64 holds; float lags are compared with 2**63 (exact in float64).
_MAX_LAG = np.iinfo(np.int64).max


def as_lags(lag, name="lag"):
    """Return ``lag`` as an int64 array (or int scalar) of non-negative lags.

    Integer-valued floats (``3.0``), numpy integers of any width and integer torch tensors
    are accepted; lags beyond int64 (≥ 2⁶³) are rejected rather than wrapped around.
    """
    if hasattr(lag, "detach") and hasattr(lag, "cpu"):
        lag = lag.detach().cpu().numpy()
    array = np.asarray(lag)
    if array.dtype == bool:
        raise ValueError(f"{name} must be a non-negative integer, got a boolean")
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{name} must be a non-negative integer, got {lag!r}")
        too_large = array >= 2.0**63
    elif np.issubdtype(array.dtype, np.integer):
        too_large = array > _MAX_LAG
    else:
        raise ValueError(f"{name} must be a non-negative integer, got {lag!r}")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative, got {lag!r}")
    if np.any(too_large):
        raise ValueError(f"{name} must be below 2**63 (int64), got {lag!r}")
    return array.astype(np.int64)


def as_positive_float(value, name, allow_zero=False, allow_inf=False):
    """Return ``value`` as a positive (or non-negative) Python float."""
    if isinstance(value, np.ndarray) or (hasattr(value, "detach") and hasattr(value, "cpu")):
        # A 0-d numpy array or torch tensor holding one real number is accepted.
        array = _to_numpy(value, name)
        if array.ndim != 0:
            raise ValueError(f"{name} must be a real number, got an array of shape {array.shape}")
        value = float(array)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if np.isnan(value) or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}, got {value!r}")
    return value
