"""Merging what the xdist workers observed, and the JSON form the numbers are stored in.

Every count and tightest case a citation quotes passes through `merge_evidence` (one store
per test, from whichever worker ran it) and through `theory.report.jsonsafe` (results.json
has no infinities). The expected values are written out by hand.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from types import MappingProxyType

import numpy as np
import pytest

from theory.report.jsonsafe import NONFINITE, canonical, decode, encode
from theory.report.merge import merge_collection, merge_data, merge_evidence, tightness_value


def _entry(examples, tightness, case, violations=0):
    return {"examples": examples, "violations": violations, "worst_tightness": tightness, "worst_case": case}


# --- merge_evidence -------------------------------------------------------------------------


def test_counts_are_summed_and_the_largest_tightness_wins_across_sources():
    pairs = [("t::b", {"X": _entry(2, -0.2, {"k": "b"}, violations=1)}),
             ("t::a", {"X": _entry(3, -0.7, {"k": "a"}), "Y": _entry(1, 0.5, {"k": "y"}, violations=1)}),
             ("t::c", {"X": _entry(4, -1e-9, {"k": "c"})})]
    got = merge_evidence(pairs)
    assert got == {
        "X": {"examples": 9, "violations": 1, "worst_tightness": -1e-9, "worst_case": {"k": "c"},
              "worst_source": "t::c"},
        "Y": {"examples": 1, "violations": 1, "worst_tightness": 0.5, "worst_case": {"k": "y"},
              "worst_source": "t::a"},
    }, f"merged: {got}"
    assert list(got) == ["X", "Y"], f"claims not sorted: {list(got)}"


def test_a_smaller_tightness_from_an_earlier_source_does_not_replace_the_worst():
    pairs = [("t::a", {"X": _entry(1, -3.0, {"k": "a"})}), ("t::b", {"X": _entry(1, -1.0, {"k": "b"})}),
             ("t::c", {"X": _entry(1, -2.0, {"k": "c"})})]
    got = merge_evidence(pairs)["X"]
    assert (got["worst_tightness"], got["worst_source"]) == (-1.0, "t::b"), f"merged: {got}"


def test_a_tie_goes_to_the_smaller_source_then_to_the_smaller_case_text():
    same_source = [("t::a", {"X": _entry(1, -1.0, {"k": 2})}), ("t::a", {"X": _entry(1, -1.0, {"k": 1})})]
    got = merge_evidence(same_source)["X"]
    assert got["worst_case"] == {"k": 1} and got["examples"] == 2, f"tie on one source: {got}"
    sources = [("t::b", {"X": _entry(1, -1.0, {"k": 0})}), ("t::a", {"X": _entry(1, -1.0, {"k": 9})})]
    got = merge_evidence(sources)["X"]
    assert (got["worst_source"], got["worst_case"]) == ("t::a", {"k": 9}), f"tie across sources: {got}"


def test_infinite_and_nan_tightness_rank_as_numbers_with_nan_worst():
    pairs = [("t::a", {"X": _entry(1, math.inf, {"k": "inf"})}), ("t::b", {"X": _entry(1, "NaN", {"k": "nan"})}),
             ("t::c", {"X": _entry(1, 1e300, {"k": "big"})})]
    got = merge_evidence(pairs)["X"]
    assert (got["worst_tightness"], got["worst_case"]) == ("NaN", {"k": "nan"}), f"NaN is not worst: {got}"
    got = merge_evidence(pairs[::2])["X"]
    assert (got["worst_tightness"], got["worst_case"]) == ("Infinity", {"k": "inf"}), f"+inf is not worst: {got}"


def test_a_store_without_examples_or_case_adds_nothing_but_one_with_a_case_counts():
    """The session's own store may hold a claim with 0 examples and no case (skip it); a
    case recorded with 0 examples, or examples without a case, still name the worst source."""
    got = merge_evidence([("<session>", {"X": _entry(0, None, None)})])
    assert got == {"X": {"examples": 0, "violations": 0, "worst_tightness": None, "worst_case": None,
                         "worst_source": None}}, f"empty store: {got}"
    got = merge_evidence([("t::a", {"X": _entry(0, -1.0, {"k": 1})})])["X"]
    assert (got["worst_tightness"], got["worst_case"], got["worst_source"]) == (-1.0, {"k": 1}, "t::a"), got
    got = merge_evidence([("t::a", {"X": _entry(2, -1.0, None)})])["X"]
    assert (got["examples"], got["worst_tightness"], got["worst_source"]) == (2, -1.0, "t::a"), got


def test_missing_counts_default_to_zero_and_values_are_encoded():
    got = merge_evidence([("t::a", {"X": {"worst_tightness": np.float64(-np.inf),
                                          "worst_case": {"n": np.int64(3)}}}),
                          ("t::b", {"X": {"examples": "4", "violations": np.int64(1)}})])["X"]
    assert got == {"examples": 4, "violations": 1, "worst_tightness": "-Infinity", "worst_case": {"n": 3},
                   "worst_source": "t::a"}, f"merged: {got}"
    assert type(got["worst_case"]["n"]) is int, "numpy values must be encoded"


def test_a_store_that_is_not_a_dict_is_refused():
    with pytest.raises(ValueError) as err:
        merge_evidence([("t::a", [1, 2])])
    assert str(err.value) == "evidence store of 't::a' must be a dict, got list", str(err.value)


@pytest.mark.parametrize(
    "value, expected",
    [(None, -math.inf), ("-Infinity", -math.inf), ("Infinity", math.inf), (-0.5, -0.5), (2, 2.0),
     (np.float32(0.25), 0.25)],
)
def test_tightness_value(value, expected):
    got = tightness_value(value)
    assert got == expected and type(got) is float, f"tightness_value({value!r}) = {got!r}, expected {expected!r}"


def test_tightness_value_of_nan_and_of_an_unknown_string():
    assert math.isnan(tightness_value("NaN")), "'NaN' must decode to NaN"
    with pytest.raises(ValueError) as err:
        tightness_value("nan")
    assert str(err.value) == "tightness must be a number or one of ['-Infinity', 'Infinity', 'NaN'], got 'nan'", (
        str(err.value))


# --- merge_data and merge_collection ---------------------------------------------------------


def test_merge_data_encodes_payloads_and_names_their_source():
    data, sources = merge_data([("t::b", {"z": (np.inf, 1), "2": "two"}), ("t::a", {"z": "earlier"})])
    assert data == {"2": "two", "z": ["Infinity", 1]}, f"data: {data}"
    assert sources == {"2": "t::b", "z": "t::b"}, f"sources: {sources}"
    assert list(data) == ["2", "z"] and list(sources) == ["2", "z"], "keys must be sorted"


def test_merge_data_on_one_source_takes_the_larger_payload_text():
    data, sources = merge_data([("t::a", {"k": [2]}), ("t::a", {"k": [1]})])
    assert data == {"k": [2]} and sources == {"k": "t::a"}, f"data {data}, sources {sources}"


def test_merge_data_refuses_payloads_that_are_not_a_dict():
    with pytest.raises(ValueError) as err:
        merge_data([("t::a", "curve")])
    assert str(err.value) == "data of 't::a' must be a dict, got str", str(err.value)


def test_merge_collection_unions_claims_and_a_test_selected_anywhere_is_selected():
    got = merge_collection([
        {"collected": {"t::1": ["B", "A"]}, "selected": ["t::1"], "deselected": ["t::2"]},
        {"collected": {"t::1": ["C", "A"], "t::2": []}, "selected": ["t::2"]},
        {"deselected": ["t::3"]},
        {"collected": None, "selected": None, "deselected": None},
    ])
    assert got == {"collected": {"t::1": ["A", "B", "C"], "t::2": []}, "selected": ["t::1", "t::2"],
                   "deselected": ["t::3"], "slow": []}, f"merged: {got}"


# --- jsonsafe ---------------------------------------------------------------------------------


class _Tolist:
    def tolist(self):
        return [1.5, math.nan]


class _Item:
    def item(self):
        return np.inf


class _BadItem:
    def item(self):
        raise TypeError("no scalar")

    def __repr__(self):
        return "<bad item>"


class _Str(str):
    pass


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None), (True, True), (False, False), ("text", "text"), (3, 3), (-0.5, -0.5),
        (math.inf, "Infinity"), (-math.inf, "-Infinity"), (1e308, 1e308),
        (np.bool_(False), False), (np.int64(-7), -7), (np.float32(0.5), 0.5), (np.float64(-np.inf), "-Infinity"),
        (np.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]]), (np.array([np.nan, 1.0])[1:], [1.0]),
        ((1, (2.5, None)), [1, [2.5, None]]), ([np.inf], ["Infinity"]),
        ({3, 1, 2}, [1, 2, 3]), (frozenset({"b", "a"}), ["a", "b"]),
        ({1, "a"}, ["a", 1]),  # sorted by canonical text, and '"a"' < '1'
        ({1: {2: 3}}, {"1": {"2": 3}}), (MappingProxyType({"m": np.int64(1)}), {"m": 1}),
        (OrderedDict([("b", 1), ("a", 2)]), {"b": 1, "a": 2}),
        (_Tolist(), [1.5, "NaN"]), (_Item(), "Infinity"), (_BadItem(), "<bad item>"), (object, repr(object)),
        (1 + 2j, "(1+2j)"), (_Str("sub"), "sub"),
    ],
)
def test_encode(value, expected):
    got = encode(value)
    assert got == expected, f"encode({value!r}) = {got!r}, expected {expected!r}"
    assert type(got) is type(expected), f"encode({value!r}) has type {type(got).__name__}"
    json.dumps(got, allow_nan=False)


def test_encode_of_nan_is_the_nan_string():
    assert encode(math.nan) == "NaN" and encode(np.float64("nan")) == "NaN", "NaN must be encoded as 'NaN'"


def test_decode_restores_nonfinite_floats_anywhere_and_leaves_other_values():
    got = decode({"a": ["Infinity", {"b": "-Infinity"}], "c": "NaNs", "d": 1, "e": None, "f": "NaN"})
    assert got["a"][0] == math.inf and got["a"][1] == {"b": -math.inf}, f"decoded: {got}"
    assert (got["c"], got["d"], got["e"]) == ("NaNs", 1, None) and math.isnan(got["f"]), f"decoded: {got}"
    assert decode(("Infinity",)) == ("Infinity",), "tuples are not JSON; decode leaves them"


def test_nonfinite_strings():
    assert set(NONFINITE) == {"Infinity", "-Infinity", "NaN"}, NONFINITE
    assert NONFINITE["Infinity"] == math.inf and NONFINITE["-Infinity"] == -math.inf, NONFINITE
    assert math.isnan(NONFINITE["NaN"]), NONFINITE


def test_canonical_sorts_keys_escapes_and_encodes():
    got = canonical({"b": [np.inf], "a": "é", 1: None})
    assert got == '{"1": null, "a": "\\u00e9", "b": ["Infinity"]}', f"canonical text {got!r}"


def test_an_empty_claim_in_a_store_does_not_hide_the_claims_after_it():
    got = merge_evidence([("t::a", {"A": _entry(0, None, None), "B": _entry(2, -1.0, {"k": 1})})])
    assert got["B"] == {"examples": 2, "violations": 0, "worst_tightness": -1.0, "worst_case": {"k": 1},
                        "worst_source": "t::a"}, f"merged: {got}"


def test_a_smaller_source_with_a_smaller_tightness_does_not_win():
    """Only at equal tightness does the source decide."""
    pairs = [("t::b", {"X": _entry(1, -1.0, {"k": "b"})}), ("t::a", {"X": _entry(1, -3.0, {"k": "a"})})]
    got = merge_evidence(pairs)["X"]
    assert (got["worst_tightness"], got["worst_source"]) == (-1.0, "t::b"), f"merged: {got}"


def test_merge_data_chooses_by_source_not_by_payload():
    for pairs in ([("t::a", {"k": "z"}), ("t::b", {"k": "a"})], [("t::b", {"k": "a"}), ("t::a", {"k": "z"})]):
        data, sources = merge_data(pairs)
        assert (data, sources) == ({"k": "a"}, {"k": "t::b"}), f"{pairs} → {data}, {sources}"


def test_a_tie_on_one_source_goes_to_the_smaller_case_in_either_order():
    one, two = ("t::a", {"X": _entry(1, -1.0, {"k": 1})}), ("t::a", {"X": _entry(1, -1.0, {"k": 2})})
    for pairs in ([one, two], [two, one]):
        got = merge_evidence(pairs)["X"]
        assert got["worst_case"] == {"k": 1}, f"{[p[1]['X']['worst_case'] for p in pairs]} → {got}"


def test_a_tie_between_zero_and_minus_zero_does_not_depend_on_order():
    """0.0 and −0.0 rank equal, on one source with one case; the pairs are sorted first, so the
    merged tightness is the same for every order (found by `.ci/flakiness`, dev seed 6)."""
    zero = ("t::b", {"X": _entry(1, 0.0, {"seed": 1})})
    minus_zero = ("t::b", {"X": _entry(1, -0.0, {"seed": 1})})
    a, b = merge_evidence([zero, minus_zero]), merge_evidence([minus_zero, zero])
    assert canonical(a) == canonical(b), f"order changed the merge: {a} against {b}"
