"""Suite-wide setup: Hypothesis profiles, one torch thread per process, float64, claim markers."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["theory.report.plugin"]


def pytest_configure(config):
    # An xdist controller runs no test, so it does not import torch: that import (~1.1 s) would
    # delay the start of the workers.
    if hasattr(config, "workerinput") or getattr(config.option, "dist", "no") == "no":
        import torch

        # Two torch processes with two threads each oversubscribe this 2-core machine (~100×
        # slower): xdist already gives one process per core.
        torch.set_num_threads(1)
        torch.set_default_dtype(torch.float64)


# too_slow: each example runs a real torch forward and backward pass of up to 300 steps;
# generating the seed/sizes is fast, the example is not, and that is expected.
_SLOW_EXAMPLES = [HealthCheck.too_slow]

settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=_SLOW_EXAMPLES
)
settings.register_profile(
    "ci",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=_SLOW_EXAMPLES,
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_EXAMPLES,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# The longest items of the suite (1–5.5 s each under `pytest -n 2 --durations=20`).
# xdist's load scheduling hands items out in collection order, so a long item collected last
# keeps one worker busy while the other idles: running the longest first (the LPT rule)
# shortens that tail. A prefix that matches nothing does no harm.
LONGEST_FIRST = (
    "tests/test_agreement.py::test_fast_agreement_rnn_fails_where_lstm_holds",
    "tests/test_report_plugin.py::test_plugin_writes_the_full_report",
    "tests/test_report_plugin.py::test_partial_run_writes_to_partial",
    "tests/test_diagnose_cli.py::test_runs_as_a_module",
    "tests/test_testing.py::test_a_correct_hand_written_backward_pass_is_accepted",
    "tests/test_report_plugin.py::test_interrupted_run_writes_nothing",
    "tests/test_figures.py::test_drawing_changes_neither_the_backend",
    "tests/test_linear_regime.py::test_linear_sandwich",
    "theory/experiments/agreement.py::",
    "tests/test_mean_field.py::test_mean_signed_error_over_the_domain_is_small",
    "tests/test_mean_field.py::test_meta_wrong_theory_over_the_domain_is_caught",
)


# Modules of many items of a few milliseconds each (about 450 items, 0.8 s in all), run
# last: the two workers then end within milliseconds of each other instead of one idling
# while the other finishes an item of half a second.
SHORTEST_LAST = (
    "tests/test_bad_input.py::",
    "tests/test_report_merge.py::",
    "tests/test_report_scope.py::",
    "tests/test_report_writer.py::",
)


def _rank(item):
    if item.nodeid.startswith(SHORTEST_LAST):
        return len(LONGEST_FIRST) + 1
    return next((i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)),
                len(LONGEST_FIRST))


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: every other item keeps its collection order
    from theory.report.claims import CLAIMS

    for item in items:
        for mark in item.iter_markers("claim"):
            for claim_id in mark.args:
                if claim_id not in CLAIMS:
                    raise pytest.UsageError(
                        f"{item.nodeid}: unknown claim ID {claim_id!r} in @pytest.mark.claim; "
                        f"known IDs: {', '.join(sorted(CLAIMS))}"
                    )


@pytest.fixture
def rng():
    return np.random.default_rng(20131)
