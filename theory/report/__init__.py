"""The claim report: results.json, REPORT.md, claims.tex and figures from a test run.

The pytest plugin (:mod:`theory.report.plugin`) writes the report on every run;
``python -m theory.report reports/results.json`` re-renders it from the JSON alone, and
writes single parts of it (``--claims V1,X1,Q7 --latex FILE``, ``--answer OUT.md``).
Every renderer reads the document parsed once into typed objects
(:func:`theory.report.document.parse_results`).
The format of results.json is described in docs/results-schema.md and
:data:`theory.report.schema.SCHEMA`.
"""

from .build import build_results, claim_status, numbers_view
from .jsonsafe import decode, encode
from .document import Results, load_results, parse_results
from .render import render_into, write_report
from .schema import SCHEMA, SCHEMA_ID, SCHEMA_VERSION, validate

__all__ = [
    "SCHEMA",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "Results",
    "build_results",
    "claim_status",
    "decode",
    "encode",
    "load_results",
    "numbers_view",
    "parse_results",
    "render_into",
    "validate",
    "write_report",
]
