"""The versioned JSON schema of results.json, checked with ``jsonschema``.

The schema is a JSON Schema (draft 2020-12) written as a Python dict. See
docs/results-schema.md for the meaning of every field.
"""

from __future__ import annotations

import math

__all__ = ["SCHEMA_ID", "SCHEMA_VERSION", "SCHEMA", "validate", "errors"]

SCHEMA_ID = "rnn-gradient-theory/results"
#: Bump the major part when a field is removed or changes meaning, the minor part when a
#: field is added.
SCHEMA_VERSION = "1.1"

_NUM = {"anyOf": [{"type": "number"}, {"enum": ["Infinity", "-Infinity", "NaN"]}]}
_STR_OR_NULL = {"type": ["string", "null"]}
_STATUS = ["verified", "failed", "not run", "not verified"]
_STATE = ["passed", "failed", "error", "skipped", "xfailed", "xpassed",
          "deselected", "not run", "not collected"]


def _obj(properties, required=None, additional=False):
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": additional,
    }


def _list(items):
    return {"type": "array", "items": items}


_TEST = _obj({
    "nodeid": {"type": "string"},
    "outcome": {"enum": _STATE},
    "failure": _STR_OR_NULL,
    "counterexample": _STR_OR_NULL,
    "reproduce_failure": _STR_OR_NULL,
})

_CLAIM = _obj({
    "id": {"type": "string"},
    "statement": {"type": "string"},
    "hypotheses": {"type": "string"},
    "area": {"type": "string"},
    "references": _list({"type": "string"}),
    "theory": _list({"type": "string"}),
    "registry_tests": _list({"type": "string"}),
    "status": {"enum": _STATUS},
    "status_reason": {"type": "string"},
    "tests": _list(_TEST),
    "examples": {"type": "integer", "minimum": 0},
    "violations": {"type": "integer", "minimum": 0},
    "worst_tightness": {"anyOf": [_NUM, {"type": "null"}]},
    "worst_case": {"type": ["object", "null"]},
    "worst_source": _STR_OR_NULL,
    "figures": _list({"type": "string"}),
    "evidence": {"type": "string"},
}, required=["id", "statement", "hypotheses", "area", "references", "theory", "registry_tests",
             "status", "status_reason", "tests", "examples", "violations", "worst_tightness",
             "worst_case", "worst_source", "figures"])

_PROVENANCE = _obj(
    {
        "package": {"const": "rnn-gradient-theory"},
        "version": {"type": "string"},
        "git": _obj({"commit": _STR_OR_NULL, "short": _STR_OR_NULL,
                     "dirty": {"type": ["boolean", "null"]}}),
        "versions": {"type": "object", "additionalProperties": _STR_OR_NULL},
        "python": {"type": "string"},
        "python_implementation": {"type": "string"},
        "platform": {"type": "string"},
        "machine": {"type": "string"},
        "cpu_count": {"type": ["integer", "null"]},
        "torch_threads": {"type": ["integer", "null"]},
        "xdist_workers": {"type": "integer", "minimum": 0},
        "hypothesis": {
            "type": "object",
            "properties": {
                "profile": _STR_OR_NULL,
                "derandomize": {"type": "boolean"},
                "max_examples": {"type": "integer"},
                "print_blob": {"type": "boolean"},
                "database": _STR_OR_NULL,
                "seed": _STR_OR_NULL,
            },
            "required": ["profile", "seed"],
            "additionalProperties": False,
        },
        "pytest_args": _list({"type": "string"}),
        "date": {"type": "string"},
        "reproduce": _list({"type": "string"}),
    },
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.invalid/rnn-gradient-theory/results-1.1.json",
    "title": "rnn-gradient-theory results",
    **_obj({
        "schema": {"const": SCHEMA_ID},
        "schema_version": {"type": "string", "pattern": r"^1\.[0-9]+$"},
        "provenance": _PROVENANCE,
        "run": _obj({
            "status": {"enum": ["passed", "failed"]},
            "scope": {"enum": ["full", "partial"]},
            "partial_reasons": _list({"type": "string"}),
            "exit_status": {"type": "integer"},
            "tests_collected": {"type": "integer", "minimum": 0},
            "tests_selected": {"type": "integer", "minimum": 0},
            "tests_deselected": {"type": "integer", "minimum": 0},
            "selected_not_run": _list({"type": "string"}),
            "slow_deselected": {"type": "integer", "minimum": 0},
            "test_outcomes": {"type": "object", "additionalProperties": {"type": "integer"}},
        }, required=["status", "scope", "partial_reasons", "exit_status", "tests_collected",
                     "tests_selected", "tests_deselected", "selected_not_run", "test_outcomes"]),
        "summary": _obj({
            "failed": {"type": "integer", "minimum": 0},
            "verified": {"type": "integer", "minimum": 0},
            "not verified": {"type": "integer", "minimum": 0},
            "not run": {"type": "integer", "minimum": 0},
            "claims": {"type": "integer", "minimum": 0},
        }),
        "claims": _list(_CLAIM),
        "warnings": _list(_obj({
            "kind": {"type": "string"},
            "claim": _STR_OR_NULL,
            "nodeid": _STR_OR_NULL,
            "message": {"type": "string"},
        })),
        "data": {"type": "object"},
        "data_sources": {"type": "object", "additionalProperties": {"type": "string"}},
        "timings": _obj({
            "session_s": {"type": "number", "minimum": 0},
            "claims": {"type": "object", "additionalProperties": {"type": "number"}},
            "tests": {"type": "object", "additionalProperties": {"type": "number"}},
        }),
    }),
}


def errors(results):
    """All the ways ``results`` departs from :data:`SCHEMA` (empty when valid).

    Parameters
    ----------
    results : object
        A results document as loaded by :func:`json.load`.

    Returns
    -------
    list of str
        One message per problem, ``"<path>: <jsonschema's message>"``, with the path of the
        offending value written ``$.claims[3].status``; sorted by path.
    """
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(SCHEMA)
    found = sorted(validator.iter_errors(results), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_path(e.absolute_path)}: {e.message}" for e in found] + _non_finite(results, ())


def _non_finite(value, path):
    """Paths of non-finite floats: JSON Schema's "number" admits them, results.json may not
    (it writes them as the strings of :mod:`theory.report.jsonsafe`)."""
    if isinstance(value, float) and not math.isfinite(value):
        return [f"{_path(path)}: non-finite float {value!r} (write it as a string, see jsonsafe)"]
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in _non_finite(v, (*path, k))]
    if isinstance(value, list):
        return [m for i, v in enumerate(value) for m in _non_finite(v, (*path, i))]
    return []


def _path(parts):
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def validate(results):
    """Return ``results`` if it matches the schema; else raise ``ValueError``.

    The message names the first problem and how many more there are, on one line.
    """
    problems = errors(results)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ValueError(f"does not match schema {SCHEMA_ID} {SCHEMA_VERSION}: {problems[0]}{more}")
    return results
