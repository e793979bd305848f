"""The dependency-free validator of results.json, keyword by keyword.

A report is only cited if it validates; the validator must refuse every malformed value, and
name where it is. Each case gives a small schema, a value and the exact messages expected.
"""

from __future__ import annotations

import math

import pytest

from tests.report_fixtures import synthetic_results
from theory.report.schema import SCHEMA, SCHEMA_ID, SCHEMA_VERSION, errors, validate

NUM = {"anyOf": [{"type": "number"}, {"enum": ["Infinity", "-Infinity", "NaN"]}]}


@pytest.mark.parametrize(
    "schema, value, expected",
    [
        ({"type": "integer"}, 3, []),
        ({"type": "integer"}, True, ["$: expected integer, got bool True"]),
        ({"type": "integer"}, 3.0, ["$: expected integer, got float 3.0"]),
        ({"type": "number"}, False, ["$: expected number, got bool False"]),
        ({"type": "number"}, 2, []),
        ({"type": "boolean"}, 0, ["$: expected boolean, got int 0"]),
        ({"type": "string"}, None, ["$: expected string, got NoneType None"]),
        ({"type": ["string", "null"]}, None, []),
        ({"type": ["string", "null"]}, 1, ["$: expected string or null, got int 1"]),
        ({"type": "array"}, (1,), ["$: expected array, got tuple (1,)"]),
        ({"type": "object"}, [], ["$: expected object, got list []"]),
        ({"type": "null"}, "x" * 100, [f"$: expected null, got str {('x' * 100)!r:.80}"]),
        ({"const": "1.0"}, "2.0", ["$: expected '1.0', got '2.0'"]),
        ({"const": "1.0"}, "1.0", []),
        ({"enum": ["a", "b"]}, "c", ["$: 'c' is not one of ['a', 'b']"]),
        ({"enum": ["a", "b"], "type": "integer"}, "c",
         ["$: 'c' is not one of ['a', 'b']", "$: expected integer, got str 'c'"]),
        ({"type": "number"}, math.inf,
         ["$: non-finite float inf (write it as a string, see jsonsafe)"]),
        ({}, math.nan, ["$: non-finite float nan (write it as a string, see jsonsafe)"]),
        ({"type": "integer", "minimum": 0}, -1, ["$: -1 < minimum 0"]),
        ({"type": "integer", "minimum": 0}, 0, []),
        ({"minimum": 0}, "-1", []),
        ({"pattern": "^[A-Z][0-9]+$"}, "Q11", []),
        ({"pattern": "^[A-Z][0-9]+$"}, "q1", ["$: 'q1' does not match ^[A-Z][0-9]+$"]),
        ({"pattern": "^x$"}, 5, []),
        (NUM, "Infinity", []), (NUM, 1.5, []),
        (NUM, "inf", ["$: 'inf' matches none of the allowed forms"]),
        ({"anyOf": [{"type": "string"}], "const": 1}, "s", []),  # anyOf alone decides
    ],
)
def test_keywords(schema, value, expected):
    got = errors(value, schema)
    assert got == expected, f"errors({value!r:.60}, {schema}) = {got}, expected {expected}"


def test_objects_required_additional_and_nested_paths():
    schema = {"type": "object", "required": ["a", "b"], "additionalProperties": False,
              "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {
                  "n": {"type": "integer"}}, "additionalProperties": {"type": "string"}}},
                  "b": {"type": "string"}}}
    value = {"a": [{"n": 1, "s": "ok"}, {"n": "x", "t": 2}], "c": None}
    got = errors(value, schema)
    assert got == ["$: missing required key 'b'", "$.a[1].n: expected integer, got str 'x'",
                   "$.a[1].t: expected string, got int 2", "$: unexpected key 'c'"], got
    assert errors({"z": 1}, {"type": "object"}) == [], "extra keys are allowed unless refused"
    assert errors([1, "x"], {"type": "array"}) == [], "an array without an items schema is not checked"


def test_the_default_schema_is_the_results_schema():
    r = synthetic_results()
    assert errors(r) == [] and errors(r, SCHEMA) == [], errors(r)
    assert errors({}, {"type": "object"}) == [], "an explicit schema replaces the default"
    assert errors({})[0] == "$: missing required key 'schema'", errors({})


def test_validate_returns_a_valid_document_and_lists_at_most_20_problems():
    r = synthetic_results()
    assert validate(r) is r, "validate returns its argument"
    bad = synthetic_results()
    bad["claims"] = [{"nope": i} for i in range(3)]
    with pytest.raises(ValueError) as err:
        validate(bad)
    text = str(err.value)
    problems = errors(bad)
    assert len(problems) > 20, len(problems)
    expected = (f"results do not match schema {SCHEMA_ID} {SCHEMA_VERSION}:\n  " + "\n  ".join(problems[:20])
                + f"\n  ... and {len(problems) - 20} more")
    assert text == expected, text
    one = synthetic_results()
    one["schema_version"] = "2.0"
    with pytest.raises(ValueError) as err:
        validate(one)
    assert str(err.value) == ("results do not match schema rnn-gradient-theory/results 1.1:\n"
                              "  $.schema_version: '2.0' does not match ^1\\.[0-9]+$"), str(err.value)


def test_exactly_20_problems_are_all_listed_without_a_remainder(monkeypatch):
    from theory.report import schema

    monkeypatch.setattr(schema, "errors", lambda results: [f"p{i}" for i in range(20)])
    with pytest.raises(ValueError) as err:
        validate({})
    assert str(err.value).endswith("\n  p18\n  p19"), str(err.value)
    monkeypatch.setattr(schema, "errors", lambda results: [f"p{i}" for i in range(21)])
    with pytest.raises(ValueError) as err:
        validate({})
    assert str(err.value).endswith("\n  p18\n  p19\n  ... and 1 more"), str(err.value)


def test_the_schema_builders():
    """`_obj` and `_list` build the schema at import, before mutation testing can switch a
    mutant on; these calls check them directly."""
    from theory.report import schema

    props = {"a": {"type": "string"}, "b": {"type": "integer"}}
    assert schema._obj(props) == {"type": "object", "properties": props, "required": ["a", "b"],
                                  "additionalProperties": False}, schema._obj(props)
    got = schema._obj(props, required=["b"], additional=True)
    assert got == {"type": "object", "properties": props, "required": ["b"], "additionalProperties": True}, got
    assert schema._obj(props, required=[])["required"] == [], "an empty required list is kept"
    assert schema._list({"type": "null"}) == {"type": "array", "items": {"type": "null"}}, schema._list(None)
