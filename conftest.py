"""Suite-wide setup: Hypothesis profiles, one torch thread per process, float64, claim markers."""

import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings

pytest_plugins = ["theory.report.plugin"]

# Two torch processes with two threads each oversubscribe this 2-core machine (~100× slower):
# xdist already gives one process per core.
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


def pytest_collection_modifyitems(config, items):
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
