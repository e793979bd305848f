"""Hypothesis strategies, autograd reference gradients and tolerance-stated assertions for
testing vanilla-RNN code: the toolkit this package's own test suite uses, for course
autograders and anyone checking a hand-written ``rnn_forward`` / ``rnn_backward``.

Strategies (raise ``hypothesis.errors.InvalidArgument`` on bad arguments when built):
:func:`matrices`, :func:`rnn_cases` (of :class:`RNNCase`). The reference:
:func:`reference_gradients` (torch autograd in float64 through ``torch.nn`` modules), with
:func:`to_course_layout` / :func:`from_course_layout` for the (n_a, m, T_x) layout.
Assertions (raise ``ValueError`` on bad arguments): :func:`assert_gradients_close` and the
log-space bound checks :func:`assert_log_le`, :func:`assert_log_le_by_lag` with their
tolerances :func:`rounding_tolerance`, :func:`derivative_rounding_tolerance`,
:func:`log_evaluation_tolerance`. See docs/autograder.md.

Needs Hypothesis, the ``test`` extra: ``pip install "rnn-gradient-theory[test]"``.
``import theory`` does not import this subpackage.
"""

try:
    import hypothesis  # noqa: F401
except ImportError as error:  # pragma: no cover - exercised in tests by hiding hypothesis
    raise ImportError(
        'theory.testing needs Hypothesis: pip install "rnn-gradient-theory[test]"'
    ) from error

from ._assertions import (
    EPS,
    assert_gradients_close,
    assert_log_le,
    assert_log_le_by_lag,
    derivative_rounding_tolerance,
    describe,
    finite_target,
    gradient_tolerances,
    lags_by_k,
    log_evaluation_tolerance,
    rounding_tolerance,
    worst_tightness,
)
from ._cases import ACTIVATIONS, RNNCase, rnn_cases
from ._matrices import FAMILIES, NON_NORMAL_FAMILIES, base_matrix, matrices, scale_to_target
from ._reference import (
    GRADIENT_NAMES,
    ReferenceGradients,
    from_course_layout,
    reference_gradients,
    to_course_layout,
)

__all__ = [
    "ACTIVATIONS",
    "EPS",
    "FAMILIES",
    "GRADIENT_NAMES",
    "NON_NORMAL_FAMILIES",
    "RNNCase",
    "ReferenceGradients",
    "assert_gradients_close",
    "assert_log_le",
    "assert_log_le_by_lag",
    "base_matrix",
    "derivative_rounding_tolerance",
    "describe",
    "finite_target",
    "from_course_layout",
    "gradient_tolerances",
    "lags_by_k",
    "log_evaluation_tolerance",
    "matrices",
    "reference_gradients",
    "rnn_cases",
    "rounding_tolerance",
    "scale_to_target",
    "to_course_layout",
    "worst_tightness",
]
