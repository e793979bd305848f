"""The suite's check on error messages (an error raised ``from None``, so that its message
stands alone). The general assertions live in ``theory.testing``."""

from __future__ import annotations


def assert_not_chained(error):
    """`error` was raised with ``raise ... from None``: no cause, its context suppressed, so
    the traceback shows one clear message and not the internal error behind it."""
    assert error.__cause__ is None, f"__cause__ is {error.__cause__!r}, expected None"
    assert error.__suppress_context__ is True, (
        f"__suppress_context__ is {error.__suppress_context__!r}, expected True (raise ... from None)")
