"""Run a property with a deliberately wrong theory and assert that Hypothesis falsifies it."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, given, settings


def assert_falsified(check, strategy, max_examples=200, **wrong):
    """Assert that ``check(example, **wrong)`` fails on some example drawn from ``strategy``.

    Shrinking is skipped (a counterexample is enough) and the database is off, so the
    meta-test is deterministic under the derandomized ``ci`` profile and cheap otherwise.
    """

    @settings(
        max_examples=max_examples,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(example=strategy)
    def property_with_wrong_theory(example):
        check(example, **wrong)

    try:
        property_with_wrong_theory()
    except AssertionError as caught:
        return str(caught)
    raise AssertionError(
        f"the wrong theory {wrong} survived {max_examples} examples of {check.__name__}: "
        "this property cannot tell it from the right one"
    )
