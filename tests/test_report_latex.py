"""claims.tex and the slide table: statements converted to LaTeX, and both tables compiled.

Lecturers \\input claims.tex into an article and the ``--claims`` table into a beamer frame; a
statement must come out as the same formula (``(γ‖W‖₂)^(T−k)``), and both must compile with
pdflatex with exactly the packages their header names, without an Overfull box and without
losing a row. The texts of the tables are golden files (tests/test_report_golden.py).
Without pdflatex the compile tests skip, saying so (.ci/run installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.report_fixtures import synthetic_results
from theory.report.build import evidence_phrase
from theory.report.claims import CLAIMS
from theory.report.document import parse_results
from theory.report.latex import (ARTICLE_PACKAGES, SLIDE_MAX_CLAIMS, SLIDE_PACKAGES, render_latex,
                                 render_slide_table, to_latex)

E = r"\ensuremath"


@pytest.mark.parametrize(
    "text, expected",
    [
        # sub- and superscripts: one word, a {group} or a (group) whose brackets are dropped
        ("h_T", "h" + E + "{_{T}}"), ("x^(T−k)", "x" + E + "{^{T-k}}"), ("a_{t−1}", "a" + E + "{_{t-1}}"),
        ("W^{k}", "W" + E + "{^{k}}"), ("x^ab1 c", "x" + E + "{^{ab1}} c"),
        ("f(x)^(a(b)c)", "f(x)" + E + "{^{a(b)c}}"), ("x_(unclosed", "x" + E + "{_{(unclosed}}"),
        ("λ_max", E + r"{\lambda}" + E + "{_{max}}"), ("ℓ_∞", E + r"{\ell}" + E + r"{_{\infty }}"),
        ("x_&", "x" + E + r"{_{\&}}"), ("a_{X}", "a" + E + "{_{X}}"), ("x^ab c", "x" + E + "{^{ab}} c"),
        ("x^αβ", "x" + E + r"{^{\alpha \beta }}"), ("x_éa", "x" + E + "{_{é}}a"), ("XY", "XY"),
        # an underscore after a short word that itself holds one ("a_b") is code, not a subscript
        ("a_b_c", "a" + E + r"{_{b}}\_c"),
        # an underscore inside a code identifier, at the end, or before a space is not a subscript
        ("clip_grad_norm_", r"clip\_grad\_norm\_"), ("abcd_e", r"abcd\_e"), ("x.y_z", r"x.y\_z"),
        ("foo__bar", r"foo\_\_bar"), ("a_", r"a\_"), ("a_ b", "a_ b"), ("x^", "x^"), ("abc_d", "abc" + E + "{_{d}}"),
        # Unicode super- and subscripts, in runs
        ("σ²", E + r"{\sigma}" + E + "{^{2}}"), ("h₁₂ and x⁻¹", "h" + E + "{_{12}} and x" + E + "{^{-1}}"),
        ("‖W‖₂ ≤ 1", E + r"{\|}W" + E + r"{\|}" + E + "{_{2}} " + E + r"{\le} 1"),
        # text-mode specials
        ("~\\", E + r"{\sim}\textbackslash{}"), ("50% & $ # { }", r"50\% \& \$ \# \{ \}"),
        ("<|>", E + "{<}" + E + "{|}" + E + "{>}"),
        ("½°—–“”’…üé", r"\textonehalf{}\textdegree{}-----``'''\dots{}\"u\'e"),
        # math symbols; * and ' stay as they are outside a formula
        ("Δt*", E + r"{\Delta}t*"), ("it's", "it's"), ("∂h/∂x", E + r"{\partial}h/" + E + r"{\partial}x"),
        ("√2", E + r"{\surd}2"), ("−", E + "{-}"), ("plain", "plain"), ("", ""), (42, "42"),
    ],
)
def test_to_latex(text, expected):
    got = to_latex(text)
    assert got == expected, f"to_latex({text!r}) = {got!r}, expected {expected!r}"


def test_specials_inside_a_script_are_escaped():
    assert to_latex("x_{a%b~c}") == "x" + E + r"{_{a\%b\ensuremath{\sim}c}}", to_latex("x_{a%b~c}")
    assert to_latex("x^(γ·2)") == "x" + E + r"{^{\gamma \cdot 2}}", to_latex("x^(γ·2)")
    assert to_latex("y_{#$\\}") == "y" + E + r"{_{\#\$\textbackslash{}}}", to_latex("y_{#$\\}")




# --- compiled with pdflatex -------------------------------------------------------------------

OBSERVED = json.loads((Path(__file__).parent / "data" / "report_observed.json").read_text(encoding="utf-8"))
needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="pdflatex not installed (bash .ci/run installs texlive)")


def _registry_results():
    """Every claim of the registry as verified, with the recorded numbers of a default run."""
    document = synthetic_results()
    template = document["claims"][0]
    document["claims"] = [
        {**template, "id": cid, "statement": claim.statement, "hypotheses": claim.hypotheses,
         "status": "verified", "figures": [],
         "evidence": evidence_phrase(claim, OBSERVED["claims"].get(cid, {}), OBSERVED["data"])}
        for cid, claim in CLAIMS.items()]
    return parse_results(document)


def _header_packages(tex):
    return tuple(re.findall(r"^% \\usepackage\{([^}]*)\}$", tex, flags=re.M))


def _compile(tmp_path, document, table):
    (tmp_path / "table.tex").write_text(table, encoding="ascii")
    (tmp_path / "doc.tex").write_text(document, encoding="ascii")
    for _ in range(2):  # longtable settles its column widths on the second pass
        done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    log = (tmp_path / "doc.log").read_text(encoding="latin-1")
    assert done.returncode == 0, f"pdflatex failed:\n{done.stdout[-3000:]}"
    overfull = [line for line in log.splitlines() if line.startswith("Overfull")]
    assert not overfull, f"{len(overfull)} Overfull boxes: {overfull[:5]}"
    return log


@needs_pdflatex
def test_claims_tex_compiles_in_an_article_with_the_packages_it_names_and_loses_no_row(tmp_path):
    results = _registry_results()
    tex = render_latex(results)
    assert _header_packages(tex) == ARTICLE_PACKAGES, tex[:400]
    preamble = "".join(f"\\usepackage{{{p}}}\n" for p in _header_packages(tex))
    _compile(tmp_path, f"\\documentclass[a4paper]{{article}}\n{preamble}\\begin{{document}}\n"
                       f"\\input{{table.tex}}\n\\end{{document}}\n", tex)
    text = subprocess.run(["pdftotext", "-layout", "doc.pdf", "-"], cwd=tmp_path, capture_output=True,
                          text=True).stdout if shutil.which("pdftotext") else tex
    missing = [cid for cid in CLAIMS if not re.search(rf"^\s*{cid}\s", text, flags=re.M)]
    assert not missing, f"rows lost from the PDF: {missing}"


@needs_pdflatex
def test_the_longest_claims_fit_one_beamer_frame(tmp_path):
    results = _registry_results()
    longest = sorted(results.claims, key=lambda c: -(len(c.statement) + len(c.evidence)))
    ids = [c.id for c in longest[:SLIDE_MAX_CLAIMS]]
    tex = render_slide_table(results, ids)
    assert _header_packages(tex) == SLIDE_PACKAGES, tex[:400]
    preamble = "".join(f"\\usepackage{{{p}}}\n" for p in SLIDE_PACKAGES)
    # beamer reports an "Overfull \\vbox" when a frame's content runs off its bottom
    _compile(tmp_path, f"\\documentclass{{beamer}}\n{preamble}\\begin{{document}}\n"
                       f"\\begin{{frame}}{{Claims {', '.join(ids)}}}\n\\input{{table.tex}}\n"
                       f"\\end{{frame}}\n\\end{{document}}\n", tex)


def test_the_slide_table_refuses_what_it_cannot_show():
    results = parse_results(synthetic_results())
    for ids, message in [([], "1 to 4 claim IDs"), (["A1", "A1", "B1", "C1", "D1", "E1"], "1 to 4 claim IDs"),
                         (["Z9"], "no claim 'Z9' in these results"), (["C1"], "C1 did not run")]:
        with pytest.raises(ValueError, match=message):
            render_slide_table(results, ids)


def test_not_run_claims_are_left_out_of_the_tables_and_the_rest_keep_the_registry_order():
    tex = render_latex(parse_results(synthetic_results()))
    rows = re.findall(r"^([A-Z]+[0-9]+) & ", tex, flags=re.M)
    assert rows == ["A1", "B1", "D1", "E1"], rows
    assert all(ord(ch) < 128 for ch in tex), sorted({ch for ch in tex if ord(ch) >= 128})
