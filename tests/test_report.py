"""The report's pure parts: JSON encoding, merging, claim status, scope, safe writes."""

from __future__ import annotations

import copy
import itertools
import json
import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.report_fixtures import BLOB, EVIDENCE_PAIRS, synthetic_results
from theory.report import numbers_view
from theory.report.build import claim_status
from theory.report.jsonsafe import canonical, decode, encode
from theory.report.merge import merge_collection, merge_data, merge_evidence
from theory.report.outcomes import base_nodeid, failure_details, final_outcome
from theory.report.outcomes import default_markexpr, run_scope
from theory.report.writer import MARKER, atomic_dir


# --- JSON encoding ------------------------------------------------------------------------


def test_encode_makes_plain_json_and_decode_restores_nonfinite():
    raw = {"a": np.float64(-np.inf), "b": [np.inf, np.nan, 1.5], "c": np.arange(3), "d": (np.int64(2),),
           "e": np.bool_(True), 3: None}
    enc = encode(raw)
    text = json.dumps(enc, allow_nan=False)
    assert enc == {"a": "-Infinity", "b": ["Infinity", "NaN", 1.5], "c": [0, 1, 2], "d": [2],
                   "e": True, "3": None}, f"encoded: {enc}"
    back = decode(json.loads(text))
    assert back["a"] == -math.inf and back["b"][0] == math.inf and math.isnan(back["b"][1]), (
        f"decoded: {back}")


# --- merging --------------------------------------------------------------------------------


def _stores_with_ties():
    case = lambda i: {"seed": i}  # noqa: E731
    return [
        ("t::b", {"X": {"examples": 3, "violations": 0, "worst_tightness": -0.1, "worst_case": case(2)}}),
        ("t::a", {"X": {"examples": 2, "violations": 1, "worst_tightness": -0.1, "worst_case": case(9)}}),
        ("t::c", {"X": {"examples": 1, "violations": 0, "worst_tightness": -0.5, "worst_case": case(1)},
                  "Y": {"examples": 4, "violations": 0, "worst_tightness": -math.inf, "worst_case": case(0)}}),
        ("t::a", {"Y": {"examples": 1, "violations": 0, "worst_tightness": -math.inf, "worst_case": case(5)}}),
        ("<session>", {"Y": {"examples": 0, "violations": 0, "worst_tightness": -math.inf, "worst_case": None}}),
    ]


def test_merge_evidence_does_not_depend_on_order():
    pairs = _stores_with_ties()
    reference = merge_evidence(pairs)
    for perm in itertools.permutations(pairs):
        got = merge_evidence(list(perm))
        assert got == reference, f"order {[p[0] for p in perm]} gave {got}, expected {reference}"
    x, y = reference["X"], reference["Y"]
    assert (x["examples"], x["violations"]) == (6, 1), f"X counts: {x}"
    # the tie at −0.1 goes to the smallest source node id, t::a
    assert x["worst_tightness"] == -0.1 and x["worst_source"] == "t::a" and x["worst_case"] == {"seed": 9}, (
        f"X worst case: {x}")
    assert y["worst_tightness"] == "-Infinity" and y["worst_case"] == {"seed": 5}, f"Y worst: {y}"


_tightness = st.one_of(st.sampled_from([0.0, -0.5, -math.inf, math.nan]),
                       st.floats(-3, 1, allow_nan=False))
_entry = st.fixed_dictionaries({
    "examples": st.integers(1, 5), "violations": st.integers(0, 1), "worst_tightness": _tightness,
    "worst_case": st.fixed_dictionaries({"seed": st.integers(0, 3)}),
})
_pairs = st.lists(st.tuples(st.sampled_from(["t::a", "t::b", "t::c[1]"]),
                            st.dictionaries(st.sampled_from(["X", "Y"]), _entry, min_size=1)),
                  max_size=6)


@given(pairs=_pairs, rnd=st.randoms(use_true_random=False))
def test_merge_evidence_is_order_independent_property(pairs, rnd):
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    a, b = merge_evidence(pairs), merge_evidence(shuffled)
    assert canonical(a) == canonical(b), f"{pairs} → {a}\nshuffled {shuffled} → {b}"
    for claim_id, m in a.items():
        total = sum(store[claim_id]["examples"] for _, store in pairs if claim_id in store)
        assert m["examples"] == total, f"{claim_id}: merged {m['examples']} examples, stores hold {total}"


def test_encoded_values_travel_through_execnet():
    execnet = pytest.importorskip("execnet")
    value = encode({"case": {"n": np.int64(3), "w": np.array([[1.0, -np.inf]])}, "t": (1, 2)})
    back = execnet.loads(execnet.dumps(value))
    assert back == value, f"execnet round trip changed {value} into {back}"


def test_merge_evidence_nan_counts_as_worst():
    pairs = [("t::a", {"X": {"examples": 1, "violations": 0, "worst_tightness": 5.0, "worst_case": {"a": 1}}}),
             ("t::b", {"X": {"examples": 1, "violations": 0, "worst_tightness": math.nan, "worst_case": {"b": 1}}})]
    got = merge_evidence(pairs)["X"]
    assert got["worst_tightness"] == "NaN" and got["worst_case"] == {"b": 1}, f"merged: {got}"


def test_merge_data_later_node_id_wins_in_any_order():
    pairs = [("t::b", {"k": {"v": 2}}), ("t::a", {"k": {"v": 1}, "j": [np.inf]})]
    for perm in itertools.permutations(pairs):
        data, sources = merge_data(list(perm))
        assert data == {"j": ["Infinity"], "k": {"v": 2}}, f"data {data} for order {perm}"
        assert sources == {"j": "t::a", "k": "t::b"}, f"sources {sources}"


def test_merge_collection_is_a_sorted_union():
    a = {"collected": {"t::2": ["B"], "t::1": ["A"]}, "selected": ["t::2", "t::1"], "deselected": ["t::3"],
         "slow": ["t::3"]}
    b = {"collected": {"t::3": []}, "selected": ["t::3"], "deselected": [], "slow": ["t::3", "t::0"]}
    got = merge_collection([b, a])
    assert got == {"collected": {"t::1": ["A"], "t::2": ["B"], "t::3": []},
                   "selected": ["t::1", "t::2", "t::3"], "deselected": [], "slow": ["t::0", "t::3"]}, got


def test_results_do_not_depend_on_worker_order():
    """Shuffled evidence (as from xdist workers finishing in any order) gives the same numbers."""
    reference = numbers_view(synthetic_results())
    rng = random.Random(7)
    for _ in range(10):
        shuffled = EVIDENCE_PAIRS[:]
        rng.shuffle(shuffled)
        got = numbers_view(synthetic_results(evidence_pairs=shuffled))
        assert got == reference, f"shuffled order {[p[0] for p in shuffled]} changed the claim numbers"


def test_times_and_dates_stay_out_of_the_numbers():
    a = synthetic_results(duration=1.0)
    prov = copy.deepcopy(a["provenance"])
    prov["date"] = "2030-01-01T00:00:00Z"
    b = synthetic_results(duration=99.0, provenance=prov)
    assert numbers_view(a) == numbers_view(b), "timings or date leaked into the claim numbers"
    assert a["timings"] != b["timings"], f"timings: {a['timings']} vs {b['timings']}"


# --- statuses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "states, partial, expected",
    [
        (["passed", "passed"], False, "verified"),
        (["passed", "failed"], False, "failed"),
        (["error"], False, "failed"),
        (["deselected"], False, "not run"),
        (["deselected", "not collected"], True, "not run"),
        ([], False, "not verified"),
        ([], True, "not run"),
        (["skipped"], False, "not verified"),
        (["passed", "skipped"], False, "not verified"),
        (["passed", "deselected"], False, "not verified"),
        (["not collected"], False, "not verified"),
        (["not collected"], True, "not run"),
        (["xfailed"], False, "not verified"),
    ],
)
def test_claim_status_rules(states, partial, expected):
    status, reason = claim_status(states, partial=partial)
    assert status == expected, f"states {states} (partial={partial}) → {status!r} ({reason}), expected {expected!r}"


def test_synthetic_results_statuses_and_warnings():
    r = synthetic_results()
    status = {c["id"]: c["status"] for c in r["claims"]}
    assert status == {"A1": "verified", "B1": "failed", "C1": "not run", "D1": "not verified",
                      "E1": "not verified"}, f"statuses: {status}"
    kinds = {(w["kind"], w["claim"]) for w in r["warnings"]}
    assert ("marker_missing", "E1") in kinds and ("unlisted_marker", "A1") in kinds, f"warnings: {kinds}"
    a1 = next(c for c in r["claims"] if c["id"] == "A1")
    assert (a1["examples"], a1["violations"], a1["worst_tightness"], a1["worst_case"]) == (16, 0, -0.03, {"n": 4, "T": 7}), (
        f"A1 numbers: {a1}")
    assert a1["figures"] == ["lag_profile_example"], f"A1 figures: {a1['figures']}"
    b1 = next(c for c in r["claims"] if c["id"] == "B1")
    assert b1["tests"][0]["reproduce_failure"] == BLOB, f"B1 tests: {b1['tests']}"
    assert r["run"]["status"] == "failed" and r["summary"]["failed"] == 1, f"run: {r['run']}, summary {r['summary']}"


# --- schema ---------------------------------------------------------------------------------


# --- outcomes -------------------------------------------------------------------------------


def test_failure_details_finds_counterexample_and_blob():
    text = (
        "[gw1] linux -- Python 3.11.7 /usr/bin/python\n"
        ">       assert n < 10\nE       AssertionError: n=10\nE       Falsifying example: test_x(\n"
        "E           n=10,\nE       )\nE       \nE       You can reproduce this example by temporarily "
        "adding @reproduce_failure('6.155.2', b'AEEK') as a decorator on your test case\n"
    )
    got = failure_details(text)
    assert got["reproduce_failure"] == "@reproduce_failure('6.155.2', b'AEEK')", f"blob: {got}"
    assert got["counterexample"] == "Falsifying example: test_x(\n    n=10,\n)", f"counterexample: {got}"
    assert "[gw1]" not in got["failure"], f"worker header kept: {got['failure']!r}"


@pytest.mark.parametrize(
    "phases, wasxfail, expected",
    [
        ({"setup": "passed", "call": "passed", "teardown": "passed"}, False, "passed"),
        ({"setup": "passed", "call": "failed", "teardown": "passed"}, False, "failed"),
        ({"setup": "failed", "teardown": "passed"}, False, "error"),
        ({"setup": "passed", "call": "passed", "teardown": "failed"}, False, "error"),
        ({"setup": "skipped", "teardown": "passed"}, False, "skipped"),
        ({"setup": "passed", "call": "skipped", "teardown": "passed"}, True, "xfailed"),
        ({"setup": "passed", "call": "passed", "teardown": "passed"}, True, "xpassed"),
        ({}, False, "not run"),
    ],
)
def test_final_outcome(phases, wasxfail, expected):
    got = final_outcome(phases, wasxfail)
    assert got == expected, f"phases {phases}, wasxfail={wasxfail} → {got!r}, expected {expected!r}"


def test_base_nodeid_drops_parameters():
    got = base_nodeid("tests/test_a.py::test_f[n=3-x[1]]")
    assert got == "tests/test_a.py::test_f", f"base node id {got!r}"


# --- full or partial ------------------------------------------------------------------------


def _scope(tmp_path, **kw):
    (tmp_path / "tests").mkdir(exist_ok=True)
    (tmp_path / "tests" / "test_a.py").write_text("")
    args = dict(keyword="", markexpr="not slow", default_mark="not slow", args=["tests"],
                explicit_args=False, testpaths=["tests"], rootdir=tmp_path, invocation_dir=tmp_path)
    args.update(kw)
    return run_scope(**args)


@pytest.mark.parametrize(
    "kw, expected",
    [
        ({}, "full"),
        ({"explicit_args": True}, "full"),  # `pytest tests`
        ({"explicit_args": True, "args": ["."]}, "full"),
        ({"markexpr": ""}, "full"),  # -m "" selects more than the default
        ({"keyword": "upper"}, "partial"),
        ({"markexpr": "slow"}, "partial"),
        ({"explicit_args": True, "args": ["tests/test_a.py"]}, "partial"),
        ({"explicit_args": True, "args": ["tests/test_a.py::test_f"]}, "partial"),
        ({"deselect": ["tests/test_a.py::test_f"]}, "partial"),
        ({"last_failed": True}, "partial"),
    ],
)
def test_run_scope(tmp_path, kw, expected):
    scope, reasons = _scope(tmp_path, **kw)
    assert scope == expected, f"{kw} → {scope} ({reasons}), expected {expected}"
    assert bool(reasons) == (expected == "partial"), f"reasons {reasons} for scope {scope}"


def test_default_markexpr_reads_addopts():
    for addopts, expected in [("--strict-markers -m 'not slow' -p no:cacheprovider", "not slow"),
                              (["-m", "a", "-m", "b"], "b"), ("-q", "")]:
        got = default_markexpr(addopts)
        assert got == expected, f"default_markexpr({addopts!r}) = {got!r}, expected {expected!r}"


# --- safe writes ----------------------------------------------------------------------------


def test_atomic_dir_replaces_only_when_complete(tmp_path):
    target = tmp_path / "reports"
    atomic_dir(target, lambda d: (d / "results.json").write_text("old"))
    assert (target / "results.json").read_text() == "old" and (target / MARKER).exists(), (
        f"first write: {sorted(p.name for p in target.iterdir())}")

    def broken(d):
        (d / "results.json").write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        atomic_dir(target, broken)
    assert (target / "results.json").read_text() == "old", "a failed write changed the report"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "reports"]
    assert not leftovers, f"temporary folders left behind: {leftovers}"


def test_atomic_dir_keeps_carried_entries_and_refuses_foreign_folders(tmp_path):
    target = tmp_path / "reports"
    atomic_dir(target / "partial", lambda d: (d / "results.json").write_text("partial"))
    atomic_dir(target, lambda d: (d / "results.json").write_text("full"), carry=("partial",))
    assert (target / "partial" / "results.json").read_text() == "partial", (
        f"partial/ not carried: {sorted(p.name for p in target.iterdir())}")
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(ValueError, match="refusing to replace"):
        atomic_dir(tmp_path, lambda d: None)
    assert (tmp_path / "precious.txt").read_text() == "keep me", "a foreign folder was touched"


# --- printed numbers ------------------------------------------------------------------------


def test_numbers_view_leaves_out_provenance_timings_and_data():
    r = synthetic_results()
    view = numbers_view(r)
    assert set(view) == set(r) - {"provenance", "timings", "data"}, f"numbers view keys: {sorted(view)}"
