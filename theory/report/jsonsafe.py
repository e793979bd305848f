"""Convert observed values to plain JSON and back.

JSON has no infinities or NaN, but log-norms of zero gradients are −∞ and a bound can be
+∞. In ``results.json`` a non-finite float is written as one of the strings
``"Infinity"``, ``"-Infinity"`` or ``"NaN"``; :func:`decode` turns them back into floats.
Every other value is a JSON string, number, boolean, null, array or object.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["NONFINITE", "encode", "decode", "canonical"]

#: The strings that stand for non-finite floats in results.json.
NONFINITE = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def _encode_float(x):
    if math.isfinite(x):
        return x
    if math.isnan(x):
        return "NaN"
    return "Infinity" if x > 0 else "-Infinity"


def encode(obj):
    """Return a copy of ``obj`` made of JSON types only.

    Numpy scalars and arrays become Python numbers and lists, tuples and sets become lists
    (sets sorted), mapping keys become strings, non-finite floats become the strings of
    :data:`NONFINITE`; anything else becomes its ``repr``.

    Parameters
    ----------
    obj : object

    Returns
    -------
    object
        Serialisable by :func:`json.dumps` with ``allow_nan=False`` and by execnet.
    """
    if obj is None or type(obj) in (bool, str):
        return obj
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return _encode_float(float(obj))
    if isinstance(obj, Mapping):
        return {str(k): encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((encode(v) for v in obj), key=canonical)
    # numpy without importing it: scalars have .item(), arrays .tolist()
    if hasattr(obj, "tolist") and callable(obj.tolist):
        return encode(obj.tolist())
    if hasattr(obj, "item") and callable(obj.item):
        try:
            return encode(obj.item())
        except (TypeError, ValueError):
            pass
    return repr(obj)


def decode(obj):
    """Inverse of :func:`encode` for non-finite floats: ``"-Infinity"`` → ``-inf`` etc.

    Parameters
    ----------
    obj : object
        As loaded by :func:`json.load` from results.json.

    Returns
    -------
    object
        The same structure with the strings of :data:`NONFINITE` replaced by floats.
    """
    if isinstance(obj, str):
        return NONFINITE.get(obj, obj)
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if isinstance(obj, dict):
        return {k: decode(v) for k, v in obj.items()}
    return obj


def canonical(obj):
    """A canonical text of an encoded value (sorted keys), for deterministic ordering."""
    import json

    # encode() leaves no non-finite float, and json.dumps escapes non-ASCII by default
    return json.dumps(encode(obj), sort_keys=True)
