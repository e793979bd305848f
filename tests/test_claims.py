"""The claim registry: lookups, refused IDs, and that every registered test exists.

Claim IDs are quoted in lecture notes; `theory.report.claims.claim` is how code looks one up, and
an unknown ID must say which IDs exist.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.assertions import assert_not_chained
from theory.report import claims, phrases
from theory.report.claims import CLAIMS, Claim, claim
from theory.report.phrases import Observed

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
    a = Claim(id="Z1", statement="s", hypotheses="h")
    b = Claim(id="Z0", statement="t", hypotheses="h")
    registry = claims._claims(a, b)
    assert list(registry.items()) == [("Z1", a), ("Z0", b)], registry
    with pytest.raises(RuntimeError) as err:
        claims._claims(a, b, Claim(id="Z1", statement="other", hypotheses="h"))
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
    a = Claim(id="Z1", statement="s", hypotheses="h", notes="one")
    assert a == Claim(id="Z1", statement="s", hypotheses="h", notes="two"), \
        "notes must not change a claim's identity"
    assert a.area == "foundation", a.area
    with pytest.raises(AttributeError):
        a.id = "Z2"
    with pytest.raises(TypeError):
        Claim("Z1", "s", "h")  # keyword arguments only: the registry reads field by field


# --- the one order ---------------------------------------------------------------------

ORDER = ("U", "L", "V", "LIN", "R", "X", "M", "MF", "TU", "LY", "K", "S", "B", "G", "GRU", "C", "D", "Q")


def _prefix_number(claim_id):
    prefix = claim_id.rstrip("0123456789")
    return prefix, int(claim_id[len(prefix):])


def test_the_registry_lists_claims_in_the_report_order():
    """The issue's order for these prefixes; a claim of another prefix goes where it belongs."""
    known = [(ORDER.index(p), n) for p, n in map(_prefix_number, CLAIMS) if p in ORDER]
    assert known == sorted(known), f"registry order {list(CLAIMS)} is not {ORDER} with numbers ascending"
    q = [cid for cid in CLAIMS if cid.startswith("Q")]
    assert q == [f"Q{i}" for i in range(1, 12)], q


def test_claim_order_sorts_known_ids_as_the_registry_and_others_after_them_numerically():
    shuffled = ["Q10", "ZZ2", "Q2", "U1", "ZZ10", "C1", "MF1"]
    assert sorted(shuffled, key=claims.claim_order) == ["U1", "MF1", "C1", "Q2", "Q10", "ZZ2", "ZZ10"]


# --- evidence phrases ------------------------------------------------------------------

OBSERVED = json.loads((ROOT / "tests" / "data" / "report_observed.json").read_text(encoding="utf-8"))


def _observed(claim_id, data=None, **change):
    entry = {**OBSERVED["claims"][claim_id], **change}
    return Observed(entry["examples"], entry["violations"], entry["worst_tightness"], entry["worst_case"],
                    OBSERVED["data"] if data is None else data)


def test_every_claim_declares_its_own_evidence():
    generic = [c.id for c in CLAIMS.values() if c.evidence.tightest == phrases.counts_only().tightest]
    assert not generic, f"claims without their own evidence phrase: {generic}"


def test_phrases_of_a_recorded_default_run():
    """The phrases of a recorded default run (tests/data/report_observed.json): the three
    that the claim report's readers quote most, in full, and every phrase's units."""
    said = {cid: CLAIMS[cid].evidence.phrase(_observed(cid)) for cid in OBSERVED["claims"]}
    assert said["V1"] == ("32 examples, 0 violations; the per-step factor γ‖W‖₂ attained to within "
                          "rounding (1.4e-14 above)"), said["V1"]
    assert said["X1"] == "31 examples, 0 violations; the gradient grew at least 78.8× over 20 steps", said["X1"]
    assert said["Q7"] == ("RNN 0.51 vs LSTM 1.00 accuracy at D = 30; learned (≥ 0.9) in 0 of 1 vs 1 of 1 "
                          "seed"), said["Q7"]
    assert said["Q10"] == "no run recorded", said["Q10"]
    for cid, text in said.items():
        assert "nan" not in text.lower() and "Hypothesis" not in text, (cid, text)
        experiment = cid in ("Q7", "Q8", "Q10", "Q11")
        assert ("examples" in text) != experiment or cid == "MF3" or "trained" in text or "cases" in text, (cid, text)


def test_agreement_phrases_fall_back_to_the_means_without_per_seed_data():
    other_run = {"agreement_details": {**OBSERVED["data"]["agreement_details"], "version": "full"}}
    for data in ({}, other_run):
        text = CLAIMS["Q7"].evidence.phrase(_observed("Q7", data=data))
        assert text == "RNN 0.51 vs LSTM 1.00 accuracy at D = 30", (data, text)
    five = {"agreement_details": {"version": "fast", "distances": [2, 30], "seeds": 5, "per_seed": {
        "rnn": {"accuracy": [[1.0] * 5, [0.5, 0.52, 0.49, 1.0, 0.5]]},
        "lstm": {"accuracy": [[1.0] * 5, [1.0, 1.0, 0.95, 0.9, 0.6]]}}}}
    text = CLAIMS["Q7"].evidence.phrase(_observed("Q7", data=five))
    assert text.endswith("learned (≥ 0.9) in 1 of 5 vs 4 of 5 seeds"), text
    # Q11's own case says how many seeds it compared (the data may come from another run)
    assert CLAIMS["Q11"].evidence.phrase(_observed("Q11", data=five)).endswith("step 50); 1 seed")
    case = {**OBSERVED["claims"]["Q11"]["worst_case"], "seeds": 5}
    text = CLAIMS["Q11"].evidence.phrase(_observed("Q11", data=five, worst_case=case))
    assert text == ("at D = 30 the largest RNN seed's gradient reaching the subject stayed at least 6.4 "
                    "decades below the smallest LSTM seed's at every recorded training step (smallest gap "
                    "at step 50); 5 seeds"), text


@given(excess=st.floats(0.0, phrases.ROUNDING_LEVEL, exclude_min=True), sign=st.sampled_from([1, -1]),
       bound=st.sampled_from([phrases.upper_bound, phrases.lower_bound]))
def test_an_excess_at_rounding_level_is_said_as_such(excess, sign, bound):
    text = bound().phrase(Observed(3, 0, sign * excess, {}))
    side = "above" if sign > 0 else "below"
    assert "attained to within rounding" in text and f" {side})" in text, text


@given(tightness=st.floats(-700.0, 1.0), bound=st.sampled_from([phrases.upper_bound, phrases.lower_bound]))
def test_no_bound_phrase_prints_a_ratio_above_one(tightness, bound):
    text = bound().phrase(Observed(3, 0, tightness, {}))
    ratios = [float(r) for r in re.findall(r"at ([0-9.e+-]+) of", text)]
    assert all(r <= 1 for r in ratios), (tightness, text)
    assert ratios or any(w in text for w in ("rounding", "exactly", "below", "above")), (tightness, text)


@pytest.mark.parametrize("counts, examples, expected", [
    ("examples", 1, "1 example, 0 violations; "), ("examples", 2_000, "2,000 examples, 0 violations; "),
    ("cases", 1, "1 case, 0 violations; ")])
def test_the_count_names_its_unit(counts, examples, expected):
    text = phrases.upper_bound(counts=counts).phrase(Observed(examples, 0, -1.0, {}))
    assert text.startswith(expected), text


def test_the_full_experiment_reads_its_longest_distance_seeds_separation_and_gradient_drop():
    distances = [2, 5, 10, 20, 30, 45, 60]
    accuracy = {"distances": distances, "seeds": 5,
                "rnn": {"mean": [1.0, 1.0, 0.9, 0.7, 0.55, 0.5, 0.51]},
                "lstm": {"mean": [1.0, 1.0, 1.0, 1.0, 0.98, 0.9, 0.8]}}
    details = {"version": "full", "distances": distances, "seeds": 5, "per_seed": {
        "rnn": {"accuracy": [[1.0] * 5] * 6 + [[0.5, 0.52, 0.49, 0.55, 0.5]]},
        "lstm": {"accuracy": [[1.0] * 5] * 6 + [[1.0, 1.0, 0.5, 0.5, 1.0]]}}}
    # the case as tests/test_agreement.py records it: D → (LSTM seeds learned, RNN seeds at chance)
    case = {"version": "full", "seeds": 5, "separated": {"20": [5, 4], "30": [5, 5], "45": [5, 5]},
            "log10_subject_grad_fall_per_seed": [13.59, 13.52, 15.51, 17.78, 15.11]}
    text = CLAIMS["Q10"].evidence.phrase(Observed(1, 0, -0.2, case, {"agreement_accuracy": accuracy,
                                                                   "agreement_details": details}))
    assert text == ("RNN 0.51 vs LSTM 0.80 accuracy at D = 60; learned (≥ 0.9) in 0 of 5 vs 3 of 5 seeds; "
                    "every LSTM seed learned and no RNN seed did at D = 30, 45; also at D = 20 (1 exception "
                    "in 10 runs); the RNN's gradient reaching the subject at initialisation fell 13.5–17.8 "
                    "decades from D = 2 to D = 60 in every seed"), text
