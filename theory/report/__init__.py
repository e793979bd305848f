"""The claim report: results.json, REPORT.md, claims.tex and figures from a test run.

The pytest plugin (:mod:`theory.report.plugin`) writes the report on every run;
``python -m theory.report reports/results.json`` re-renders it from the JSON alone.
The format of results.json is described in docs/results-schema.md and
:data:`theory.report.schema.SCHEMA`.
"""

from .build import build_results, claim_status, numbers_view
from .jsonsafe import decode, encode
from .render import load_results, render_into, write_report
from .schema import SCHEMA, SCHEMA_ID, SCHEMA_VERSION, validate

__all__ = [
    "SCHEMA",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "build_results",
    "claim_status",
    "decode",
    "encode",
    "load_results",
    "numbers_view",
    "render_into",
    "validate",
    "write_report",
]
