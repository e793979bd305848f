"""The public API named in the README imports from ``theory`` and documents itself.

Every docstring example runs as a test of its own: ``--doctest-modules`` in pyproject.toml
collects them from ``theory/``."""

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

import theory
from tests.import_graph import cycle, import_graph, layer_violations

PUBLIC = ["activation", "spectral_radius", "spectral_norm", "min_singular_value",
          "log_upper_bound", "log_lower_bound", "regime", "lag_profile"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_exported_and_documented(name):
    obj = getattr(theory, name)
    assert name in theory.__all__, f"{name} missing from theory.__all__"
    doc = obj.__doc__ or ""
    for section in ("Parameters", "Returns", "Raises", "Examples"):
        assert section in doc, f"theory.{name} docstring lacks a {section} section"


HEAVY = ("torch", "matplotlib", "scipy.optimize")

# One fresh interpreter answers both tests below: what `import theory` loads, what the
# theorem functions load when used, and what each public name is once its submodule loaded.
_PROBE = """
import json, sys
loaded = lambda names: [m for m in names if m in sys.modules]
import theory
facts = {"after import": loaded(%r)}
import numpy as np
theory.regime(np.eye(2), "tanh"); theory.log_upper_bound(np.eye(2), "tanh", 3)
theory.mean_field("tanh", 1.5); theory.kreiss_constant([[0.5, 1.0], [0.0, 0.5]])
facts["after theorems"] = loaded(("torch", "matplotlib"))
import theory.mean_field, theory.regime
facts["types"] = {n: type(getattr(theory, n)).__name__ for n in theory.__all__}
print(json.dumps(facts))
""" % (HEAVY,)


@functools.lru_cache(maxsize=1)
def _probe():
    """Run _PROBE in a new Python (this checkout first on the path); return its facts."""
    root = str(Path(theory.__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r})\n" + _PROBE],
                         capture_output=True, text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def test_import_theory_loads_neither_torch_matplotlib_nor_scipy_optimize():
    """`import theory` is light: torch, matplotlib and scipy.optimize load only when a
    function that needs them is first used (a lazy module __getattr__, and scipy.optimize
    imported inside the functions of bifurcation, mean_field and kreiss); theorem functions
    that need no torch load neither torch nor matplotlib, even when used."""
    facts = _probe()
    assert facts["after import"] == [], f"`import theory` loaded {facts['after import']}"
    assert facts["after theorems"] == [], f"theorem functions loaded {facts['after theorems']}"


def test_every_public_name_resolves_lazily_to_its_definition():
    """Each name of theory.__all__ resolves, to what its module defines; ``mean_field`` and
    ``regime`` stay the functions after their submodules load."""
    types = _probe()["types"]
    assert types["mean_field"] == "function" and types["regime"] == "function", types
    assert set(types) == set(theory.__all__) and len(theory.__all__) == len(set(theory.__all__))
    for name in theory.__all__:
        obj = getattr(theory, name)
        assert getattr(obj, "__module__", "theory").startswith("theory") or name.isupper(), name
    assert set(theory.__all__) <= set(dir(theory))
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        theory.no_such_name  # noqa: B018


def _layer(module):
    """The layer of a module of ``theory``: 0 validation, 1 theorems, 2 measurement,
    3 experiments, 4 report and the testing toolkit (the consumers). The package itself
    (its lazy ``__getattr__`` reaches every layer) and ``python -m theory`` stand outside."""
    if module in ("theory", "theory.__main__"):
        return None
    top = module.split(".")[1]
    return {"_validation": 0, "measurement": 2, "experiments": 3, "report": 4, "testing": 4}.get(top, 1)


def test_imports_run_one_way_from_the_report_down_to_the_validation():
    """report → experiments → measurement → theorems → validation, and no import cycle."""
    graph = import_graph(Path(theory.__file__).parent)
    against = layer_violations(graph, _layer)
    assert not against, "imports against the layers: " + ", ".join(f"{a} → {b}" for a, b in against)
    loop = cycle(graph)
    assert loop is None, f"import cycle: {' → '.join(loop)}"


def test_the_import_checks_catch_an_upward_import_and_a_cycle(tmp_path):
    package = tmp_path / "theory"
    (package / "report").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "report" / "__init__.py").write_text("")
    # an import inside a function (lazy) is still a dependency
    (package / "bounds.py").write_text("def f():\n    from .report import claims\n")
    (package / "report" / "claims.py").write_text("from ..bounds import f\n")
    graph = import_graph(package)
    against = layer_violations(graph, _layer)
    assert ("theory.bounds", "theory.report.claims") in against, against
    assert cycle(graph) == ["theory.bounds", "theory.report.claims", "theory.bounds"], cycle(graph)
