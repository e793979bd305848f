"""Autograder for the RNN exercise: a student's ``rnn_exercise.py`` against autograd.

Hypothesis draws small tanh RNNs (``theory.testing.rnn_cases``) and upstream gradients;
the reference is torch autograd in float64 (``theory.testing.reference_gradients``); the
comparison's tolerance is a stated float64 rounding bound (``assert_gradients_close``), so a
correct solution never fails by chance and a wrong one fails with a printed case.
Put the student's file next to this one as ``rnn_exercise.py`` and run ``pytest``.
"""

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from theory.testing import (
    assert_gradients_close,
    from_course_layout,
    reference_gradients,
    rnn_cases,
    to_course_layout,
)

from rnn_exercise import rnn_backward, rnn_forward

# Small cases print readably; W's spectral norm spans e^−1.5 .. e^1, around tanh's threshold 1
# between vanishing and exploding gradients.
CASES = rnn_cases(sizes=(1, 5), lengths=(1, 6), input_width=(1, 3), activations=["tanh"],
                  log_target=(-1.5, 1.0), target_kinds=["norm"])
# Every grader draws the same examples (derandomize), keeps no state between runs (no
# database), and prints the falsifying example without Hypothesis's code explanation.
GRADER = settings(derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink])


def upstream_of(case, seed):
    """∂L/∂a⟨t⟩ arriving from outside the recurrence: standard normal, (T, n), from the seed."""
    return np.random.default_rng(seed).standard_normal((case.T, case.n))


@GRADER
@given(case=CASES)
def test_rnn_forward_states(case):
    course = to_course_layout(case)
    a, _ = rnn_forward(course["x"], course["a0"], course["parameters"])
    want = reference_gradients(case, np.zeros((case.T, case.n)))
    assert a.shape == (case.n, 1, case.T), f"a has shape {a.shape}, expected (n_a, m, T_x) = {(case.n, 1, case.T)}"
    assert_gradients_close({"states": np.vstack([case.h0, a[:, 0, :].T])}, want, case)


@GRADER
@given(case=CASES, upstream_seed=st.integers(0, 2**32 - 1))
def test_rnn_backward_gradients(case, upstream_seed):
    upstream = upstream_of(case, upstream_seed)
    course = to_course_layout(case, upstream)
    _, caches = rnn_forward(course["x"], course["a0"], course["parameters"])
    gradients = rnn_backward(course["da"], caches)
    missing = {"dx", "da0", "dWax", "dWaa", "dba"} - set(gradients)
    assert not missing, f"rnn_backward's result lacks {sorted(missing)}"
    assert_gradients_close(from_course_layout(gradients), reference_gradients(case, upstream), case)
