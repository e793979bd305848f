"""results.json's schema, checked with jsonschema: what it refuses, and how it says so.

A report is only cited if it validates; every malformed value must be refused with the path
where it is, and the command line must say the first problem on one line.
"""

from __future__ import annotations

import json
import math

import pytest
from jsonschema import Draft202012Validator

from tests.report_fixtures import synthetic_results
from theory.report.render import dump_results
from theory.report.schema import SCHEMA, SCHEMA_VERSION, errors, validate


def test_the_schema_is_a_valid_draft_2020_12_schema_and_built_results_match_it():
    Draft202012Validator.check_schema(SCHEMA)
    document = json.loads(dump_results(synthetic_results()))
    assert errors(document) == [], errors(document)
    assert document["schema_version"] == SCHEMA_VERSION
    assert validate(document) is document


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda r: r.pop("claims"), "$: 'claims' is a required property"),
        (lambda r: r["claims"][0].update(status="probably"), "$.claims[0].status: 'probably' is not one of"),
        (lambda r: r["claims"][0].update(examples=-1), "$.claims[0].examples: -1 is less than the minimum of 0"),
        (lambda r: r["claims"][0].update(worst_tightness=math.inf),
         "$.claims[0].worst_tightness: non-finite float inf (write it as a string, see jsonsafe)"),
        (lambda r: r["data"].update(curve=[1.0, math.nan]),
         "$.data.curve[1]: non-finite float nan (write it as a string, see jsonsafe)"),
        (lambda r: r["claims"][1].update(evidence=3), "$.claims[1].evidence: 3 is not of type 'string'"),
        (lambda r: r["run"].update(extra=1), "$.run: Additional properties are not allowed ('extra' was unexpected)"),
        (lambda r: r.update(schema_version="2.0"), "$.schema_version: '2.0' does not match '^1\\\\.[0-9]+$'"),
    ],
)
def test_a_malformed_document_is_refused_with_the_path_of_the_problem(mutate, expected):
    document = synthetic_results()
    mutate(document)
    problems = errors(document)
    assert any(p.startswith(expected) for p in problems), f"expected {expected!r} among {problems}"
    with pytest.raises(ValueError) as err:
        validate(document)
    message = str(err.value)
    assert "\n" not in message and message.startswith(
        f"does not match schema rnn-gradient-theory/results {SCHEMA_VERSION}: "), message


def test_a_document_of_schema_1_0_without_evidence_still_validates():
    document = synthetic_results()
    for c in document["claims"]:
        del c["evidence"]
    document["schema_version"] = "1.0"
    assert errors(document) == []


def test_the_message_counts_the_problems_it_does_not_show():
    with pytest.raises(ValueError) as err:
        validate({"a": 1})
    assert str(err.value) == (f"does not match schema rnn-gradient-theory/results {SCHEMA_VERSION}: "
                              f"$: 'schema' is a required property (and {len(errors({'a': 1})) - 1} more)")
