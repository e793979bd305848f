"""The versioned JSON schema of results.json, and a small validator for it.

The schema is a JSON Schema (draft 2020-12) written as a Python dict, so that tools such
as ``jsonschema`` can use it; :func:`validate` checks the subset of keywords it uses
without any dependency. See docs/results-schema.md for the meaning of every field.
"""

from __future__ import annotations

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
            "test_outcomes": {"type": "object", "additionalProperties": {"type": "integer"}},
        }),
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

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _check(value, schema, path, out):
    import math
    import re

    if "anyOf" in schema:
        if not any(not _collect(value, s, path) for s in schema["anyOf"]):
            out.append(f"{path}: {value!r:.80} matches none of the allowed forms")
        return
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: expected {schema['const']!r}, got {value!r:.80}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r:.80} is not one of {schema['enum']}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            out.append(f"{path}: expected {' or '.join(types)}, got {type(value).__name__} {value!r:.80}")
            return
    if isinstance(value, float) and not math.isfinite(value):
        out.append(f"{path}: non-finite float {value!r} (write it as a string, see jsonsafe)")
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        out.append(f"{path}: {value!r} < minimum {schema['minimum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            if key not in value:
                out.append(f"{path}: missing required key {key!r}")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], f"{path}.{key}", out)
            elif extra is False:
                out.append(f"{path}: unexpected key {key!r}")
            elif isinstance(extra, dict):
                _check(item, extra, f"{path}.{key}", out)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], f"{path}[{i}]", out)


def _collect(value, schema, path):
    out = []
    _check(value, schema, path, out)
    return out


def errors(results, schema=None):
    """All the ways ``results`` departs from the schema (empty when valid).

    Parameters
    ----------
    results : object
        A results document as loaded by :func:`json.load`.
    schema : dict, optional
        Default :data:`SCHEMA`.

    Returns
    -------
    list of str
        One message per problem, with the path of the offending value (``$.claims[3].status``).
    """
    return _collect(results, SCHEMA if schema is None else schema, "$")


def validate(results):
    """Raise ``ValueError`` listing every schema violation of ``results``; return it if valid."""
    problems = errors(results)
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ValueError(f"results do not match schema {SCHEMA_ID} {SCHEMA_VERSION}:\n  {shown}{more}")
    return results
