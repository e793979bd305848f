"""One version everywhere: pyproject, CITATION.cff, theory.__version__ and results.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import theory
from theory.report.provenance import collect_provenance

ROOT = Path(__file__).resolve().parents[1]


def cff_top_level(text):
    """The top-level scalar keys of a CITATION.cff (a minimal YAML reader: ``key: value``
    lines at column 0, quotes stripped), so the check runs without PyYAML."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z][\w-]*):\s*(.*?)\s*$", line)
        if m:
            out[m.group(1)] = m.group(2).strip("'\"")
    return out


def test_citation_cff_parses():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    keys = cff_top_level(text)
    for required in ("cff-version", "message", "title", "authors", "version", "type"):
        assert required in keys, f"CITATION.cff lacks top-level {required!r}; has {sorted(keys)}"
    assert keys["cff-version"] == "1.2.0", f"cff-version {keys['cff-version']!r}"
    assert "\t" not in text, "CITATION.cff must not contain tabs (YAML)"
    try:
        import yaml
    except ImportError:
        return
    doc = yaml.safe_load(text)
    assert str(doc["version"]) == keys["version"] and doc["authors"], f"YAML parse: {doc}"


def pyproject_version():
    """[project] version from pyproject.toml (tomllib on 3.11+, the version line on 3.10)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ImportError:
        m = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
        return m.group(1) if m else None
    return tomllib.loads(text)["project"]["version"]


def test_versions_agree():
    pyproject = pyproject_version()
    cff = cff_top_level((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    results = json.loads(json.dumps(collect_provenance(ROOT)))["version"]
    versions = {"pyproject.toml": pyproject, "CITATION.cff": cff, "theory.__version__": theory.__version__,
                "results.json provenance": results}
    assert len(set(versions.values())) == 1, f"versions disagree: {versions}"

