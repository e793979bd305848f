"""The public API named in the README imports from ``theory``, and every docstring example runs."""

import doctest
import importlib
import pkgutil

import pytest

import theory

PUBLIC = ["activation", "spectral_radius", "spectral_norm", "min_singular_value",
          "log_upper_bound", "log_lower_bound", "regime", "lag_profile"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_exported_and_documented(name):
    obj = getattr(theory, name)
    assert name in theory.__all__, f"{name} missing from theory.__all__"
    doc = obj.__doc__ or ""
    for section in ("Parameters", "Returns", "Raises", "Examples"):
        assert section in doc, f"theory.{name} docstring lacks a {section} section"


MODULES = sorted(
    m.name for m in pkgutil.walk_packages(theory.__path__, "theory.") if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {module}"
