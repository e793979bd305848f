"""The claim registry: lookups, refused IDs, and that every registered test exists.

Claim IDs are quoted in lecture notes; `theory.report.claims.claim` is how code looks one up, and
an unknown ID must say which IDs exist.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.assertions import assert_not_chained
from theory.report import claims
from theory.report.claims import CLAIMS, Claim, claim

ROOT = Path(__file__).resolve().parents[1]


def test_claim_returns_the_registered_claim():
    for claim_id in ("U1", "V1"):
        got = claim(claim_id)
        assert got is CLAIMS[claim_id] and got.id == claim_id, f"claim({claim_id!r}) = {got}"


@pytest.mark.parametrize("bad", ["u1", "", None, ["U1"], 1])
def test_an_unknown_claim_id_names_the_known_ones(bad):
    with pytest.raises(ValueError) as err:
        claim(bad)
    expected = f"unknown claim ID {bad!r}; known IDs: {', '.join(sorted(CLAIMS))}"
    assert str(err.value) == expected, f"claim({bad!r}) said {str(err.value)!r}"
    assert_not_chained(err.value)  # the KeyError behind it is not shown


def test_the_registry_refuses_a_duplicate_id_and_keeps_the_order():
    a = Claim("Z1", "s", "h", (), (), ())
    b = Claim("Z0", "t", "h", (), (), ())
    registry = claims._claims(a, b)
    assert list(registry.items()) == [("Z1", a), ("Z0", b)], registry
    with pytest.raises(RuntimeError) as err:
        claims._claims(a, b, Claim("Z1", "other", "h", (), (), ()))
    assert str(err.value) == "duplicate claim ID Z1", str(err.value)


def _test_functions(path):
    """Names of the module-level test functions of a test file, from its source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_every_test_the_registry_lists_exists():
    missing = []
    for c in CLAIMS.values():
        for nodeid in c.tests:
            file, _, name = nodeid.partition("::")
            path = ROOT / file
            if not path.is_file() or name not in _test_functions(path):
                missing.append(f"{c.id}: {nodeid}")
    assert not missing, f"the registry lists tests that do not exist: {missing}"


def test_claims_are_frozen_and_notes_do_not_count_for_equality():
    a = Claim("Z1", "s", "h", (), (), (), notes="one")
    assert a == Claim("Z1", "s", "h", (), (), (), notes="two"), "notes must not change a claim's identity"
    assert a.area == "foundation", a.area
    with pytest.raises(AttributeError):
        a.id = "Z2"
