"""The one loader and the one command line: ``load_results``, ``render_into``, ``write_report``
and ``python -m theory.report`` (in process, and once as a subprocess).

Every expected message is written out by hand: a lecturer who mistypes a path or passes a
stray JSON file gets exit status 2 and one line, never a traceback; a good file gives the
report folder, a slide table, a full claims table or the answer page.
"""

from __future__ import annotations

import json
import locale
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.assertions import assert_not_chained
from tests.report_fixtures import synthetic_results
from tests.test_figures import PAYLOADS
from theory.report import render as render_module
from theory.report.__main__ import main
from theory.report.build import numbers_view
from theory.report.document import Results, load_results, parse_results
from theory.report.latex import render_latex, render_slide_table
from theory.report.markdown import render_markdown
from theory.report.render import dump_results, render_into, write_report

ROOT = Path(__file__).resolve().parents[1]
ERROR = "python -m theory.report: error: "
NO_DATA = "no data recorded in this run"
CRITICAL_TITLE = "The order–chaos critical line separates vanishing from exploding gradients"
REPORT_FILES = [".theory-report", "ANSWER.md", "REPORT.md", "claims.tex", "results.json"]


@pytest.fixture(autouse=True)
def stub_answer(monkeypatch):
    """The answer page's own module is tested elsewhere; here it is a stub that records calls."""
    calls = []

    def render_answer(results, figures_folder=None, predrawn=None):
        calls.append((results, figures_folder))
        return f"# Answer\n\n{results.summary['verified']} verified\n"

    monkeypatch.setattr(render_module, "render_answer", render_answer)
    monkeypatch.setattr("theory.report.__main__.render_answer", render_answer)
    return calls


@pytest.fixture
def ascii_locale():
    """LC_CTYPE=C, where a file opened without an encoding is ASCII: files must stay UTF-8."""
    saved = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
    except locale.Error:
        pytest.skip("cannot switch LC_CTYPE to C")
    try:
        if locale.getpreferredencoding(False).lower().replace("-", "") == "utf8":
            pytest.skip("Python runs in UTF-8 mode: the locale does not choose the file encoding")
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)


def write_results(path, results):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_results(results), encoding="utf-8")
    return path


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


def run_main(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------- dump and load

def test_dump_results_is_indented_by_one_keeps_order_and_non_ascii_and_refuses_non_finite():
    got = dump_results({"zeta": "γ‖W‖", "alpha": [1, 2.5], "mid": {"b": None, "a": True}})
    assert got == ('{\n "zeta": "γ‖W‖",\n "alpha": [\n  1,\n  2.5\n ],\n'
                   ' "mid": {\n  "b": null,\n  "a": true\n }\n}\n'), got
    for value in (math.nan, math.inf):
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            dump_results({"x": [value]})


@pytest.mark.parametrize("content, reason", [
    (None, "no such file (expected a results.json written by the test run)"),
    (b"{not json", "not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
    (b"\xff\xfe{}", "not valid JSON ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)"),
    (b'{"x": NaN}', "not valid JSON (non-finite number token NaN (results.json writes them as strings))"),
    (b"[]", "does not match schema rnn-gradient-theory/results 1.1: $: [] is not of type 'object'"),
    (b'{"a": 1}', "does not match schema rnn-gradient-theory/results 1.1: $: 'schema' is a required "
                  "property (and 10 more)"),
], ids=["missing", "bad-json", "not-utf8", "nan-token", "list", "stray-object"])
def test_a_bad_results_file_is_one_line_naming_the_file_in_the_api_and_on_the_command_line(
        tmp_path, capsys, content, reason):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        load_results(path)
    assert str(info.value) == f"{path}: {reason}", str(info.value)
    if content is not None:
        assert_not_chained(info.value)  # the JSON or schema error behind it is not shown
    for extra in ([], ["--numbers"], ["--latex", tmp_path / "t.tex"], ["--answer", tmp_path / "a.md"]):
        status, out, err = run_main(capsys, path, *extra)
        assert (status, out, err) == (2, "", f"{ERROR}{path}: {reason}\n"), (extra, status, out, err)
    assert listing(tmp_path) == ([] if content is None else ["results.json"]), listing(tmp_path)


def test_load_results_parses_once_into_typed_results_whatever_the_locale(tmp_path, ascii_locale):
    document = json.loads(dump_results(synthetic_results()))
    got = load_results(write_results(tmp_path / "results.json", document))
    assert isinstance(got, Results) and got.document == document
    a1 = got.claim("A1")
    assert a1.statement == "‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at |every| lag.", a1.statement
    assert (a1.examples, a1.tests_passed, a1.worst_tightness) == (16, 3, -0.03), a1
    assert got.provenance.commit_text == "abc1234" and got.run.scope == "full", got.provenance
    assert [c.id for c in got.claims] == ["A1", "B1", "C1", "D1", "E1"]
    with pytest.raises(ValueError, match="no claim 'Z1' in these results; present: A1, B1, C1, D1, E1"):
        got.claim("Z1")


def test_a_schema_1_0_file_gets_its_phrases_from_the_registry_and_the_registry_order():
    document = synthetic_results()
    document["schema_version"] = "1.0"
    document["claims"] = [{**document["claims"][0], "id": cid, "evidence": "x"} for cid in ("Q10", "V1", "Q2")]
    for c in document["claims"]:
        del c["evidence"]
    got = parse_results(document)
    assert [c.id for c in got.claims] == ["V1", "Q2", "Q10"], [c.id for c in got.claims]
    assert got.claim("V1").evidence == ("16 examples, 0 violations; tightest case: measured value at 0.97 of "
                                        "the per-step factor γ‖W‖₂"), got.claim("V1").evidence


# ------------------------------------------------------------------ render_into, write_report

def test_render_into_writes_every_file_from_the_one_parsed_document(tmp_path, stub_answer):
    results = synthetic_results(data_pairs=[("tests/test_a.py::test_a1[1]", {"critical_line": PAYLOADS["critical_line"]})])
    results["data"] = {"zeta": [1], "critical_line": results["data"]["critical_line"], "alpha": {"x": 1}}
    results["claims"][1]["figures"] = ["critical_line"]  # B1 links it too: "Claims A1, B1"
    log = render_into(results, tmp_path)
    assert log["figures"] == {"critical_line": {"name": "critical_line", "title": f"Claims A1, B1: {CRITICAL_TITLE}",
                                                "png": "critical_line.png", "svg": "critical_line.svg"}}, log
    assert set(log["skipped"]) == {k for k in log["skipped"] if k != "critical_line"} and NO_DATA in log["skipped"].values()
    assert log["notes"] == ["data recorded without a figure (kept in results.json): `alpha`, `zeta`"], log["notes"]
    parsed = parse_results(results)
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == dump_results(results)
    assert (tmp_path / "claims.tex").read_text(encoding="utf-8") == render_latex(parsed)
    assert (tmp_path / "REPORT.md").read_text(encoding="utf-8") == render_markdown(
        parsed, log["figures"], log["skipped"], log["notes"])
    assert (tmp_path / "ANSWER.md").read_text(encoding="utf-8") == "# Answer\n\n1 verified\n"
    assert stub_answer[0][1] == tmp_path / "figures", stub_answer


def test_write_report_validates_first_writes_utf8_and_keeps_only_carried_entries(tmp_path, monkeypatch, ascii_locale):
    results = synthetic_results(data_pairs=[])
    broken = {k: v for k, v in results.items() if k != "timings"}
    with pytest.raises(ValueError, match="'timings' is a required property"):
        write_report(broken, tmp_path / "r")
    assert listing(tmp_path) == [], "something was written before validation"
    monkeypatch.chdir(tmp_path)
    log = write_report(results, "r")
    assert log["target"] == tmp_path.resolve() / "r" and listing(tmp_path / "r") == REPORT_FILES, log
    assert "‖" in (tmp_path / "r" / "REPORT.md").read_bytes().decode("utf-8")
    (tmp_path / "r" / "partial").mkdir()
    (tmp_path / "r" / "partial" / "REPORT.md").write_text("partial", encoding="utf-8")
    write_report(results, "r", carry=("partial",))
    assert (tmp_path / "r" / "partial" / "REPORT.md").read_text(encoding="utf-8") == "partial"
    write_report(results, "r")
    assert listing(tmp_path / "r") == REPORT_FILES, listing(tmp_path / "r")


# ------------------------------------------------------------------------------ the CLI

def test_main_rerenders_the_folder_of_the_results_carrying_partial(tmp_path, capsys):
    report = tmp_path / "rep"
    write_report(synthetic_results(data_pairs=[]), report)
    (report / "partial").mkdir()
    (report / "partial" / "results.json").write_text("[1]", encoding="utf-8")
    (report / "REPORT.md").unlink()
    status, out, err = run_main(capsys, report / "results.json")
    assert (status, err) == (0, ""), (status, err)
    assert out.splitlines()[0] == (f"wrote {report.resolve()}: REPORT.md, claims.tex, ANSWER.md, results.json, "
                                   f"0 figure(s) (PNG and SVG)"), out
    assert f"  figure critical_line not drawn: {NO_DATA}" in out.splitlines(), out
    assert listing(report) == sorted(REPORT_FILES + ["partial", "partial/results.json"])


def test_main_out_writes_elsewhere_and_refuses_a_folder_of_foreign_files(tmp_path, capsys):
    path = write_results(tmp_path / "in" / "results.json", synthetic_results(data_pairs=[]))
    status, out, err = run_main(capsys, path, "--out", tmp_path / "elsewhere")
    assert (status, err) == (0, "") and listing(tmp_path / "elsewhere") == REPORT_FILES, (status, err)
    assert listing(tmp_path / "in") == ["results.json"]
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    status, out, err = run_main(capsys, path, "--out", tmp_path / "mine")
    assert (status, out) == (2, "") and err == (
        f"{ERROR}refusing to replace {(tmp_path / 'mine').resolve()}: it holds entries a report never writes "
        f"(notes.txt); choose another folder (pytest --report-dir, or python -m theory.report --out)\n"), err
    (tmp_path / "f").write_text("a file", encoding="utf-8")
    status, out, err = run_main(capsys, path, "--out", tmp_path / "f" / "sub")
    assert status == 2 and err.startswith(f"{ERROR}[Errno 17] File exists: ") and err.count("\n") == 1, err


def test_main_numbers_prints_the_numbers_view_sorted_and_writes_nothing(tmp_path, capsys):
    document = json.loads(dump_results(synthetic_results()))
    path = write_results(tmp_path / "results.json", document)
    status, out, err = run_main(capsys, path, "--numbers")
    assert (status, err) == (0, "") and json.loads(out) == numbers_view(document), err
    assert out.startswith('{\n "claims": [\n  {\n   "area": ') and "‖∂h_T/∂h_k‖₂" in out, out[:80]
    assert listing(tmp_path) == ["results.json"]


def test_main_latex_writes_the_slide_table_or_the_full_table(tmp_path, capsys):
    path = write_results(tmp_path / "results.json", synthetic_results(data_pairs=[]))
    parsed = load_results(path)
    status, out, err = run_main(capsys, path, "--claims", "B1, A1", "--latex", tmp_path / "s" / "slide.tex")
    assert (status, out, err) == (0, f"wrote {tmp_path / 's' / 'slide.tex'}\n", ""), (status, out, err)
    assert (tmp_path / "s" / "slide.tex").read_text(encoding="utf-8") == render_slide_table(parsed, ["A1", "B1"])
    status, out, err = run_main(capsys, path, "--latex", tmp_path / "all.tex")
    assert (status, err) == (0, "") and (tmp_path / "all.tex").read_text(encoding="utf-8") == render_latex(parsed)
    for ids, message in [("C1", "claim(s) C1 did not run in these results: nothing to cite"),
                         ("A1,Z9", "no claim 'Z9' in these results; present: A1, B1, C1, D1, E1"),
                         ("A1,B1,C1,D1,E1", "--claims takes 1 to 4 claim IDs for one slide, got 5")]:
        status, out, err = run_main(capsys, path, "--claims", ids, "--latex", tmp_path / "x.tex")
        assert (status, out, err) == (2, "", f"{ERROR}{message}\n"), (ids, err)
    assert not (tmp_path / "x.tex").exists()


def test_main_answer_writes_the_page_and_hands_it_a_figures_folder_beside_it(tmp_path, capsys, stub_answer):
    path = write_results(tmp_path / "results.json", synthetic_results(data_pairs=[]))
    status, out, err = run_main(capsys, path, "--answer", tmp_path / "docs" / "page.md")
    assert (status, err) == (0, ""), err
    assert out == f"wrote {tmp_path / 'docs' / 'page.md'} and its figures in {tmp_path / 'docs' / 'figures'}\n"
    assert (tmp_path / "docs" / "page.md").read_text(encoding="utf-8") == "# Answer\n\n1 verified\n"
    assert stub_answer[-1][1] == tmp_path / "docs" / "figures"


def test_main_slides_draws_the_figures_without_headings_into_the_folder(tmp_path, capsys, monkeypatch):
    titles = []
    real = render_module.draw_all
    monkeypatch.setattr(render_module, "draw_all",
                        lambda *a, **k: titles.append(k.get("titles")) or real(*a, **k))
    data = [("tests/test_a.py::test_a1[1]", {"critical_line": PAYLOADS["critical_line"]})]
    path = write_results(tmp_path / "results.json", synthetic_results(data_pairs=data))
    status, out, err = run_main(capsys, path, "--slides", tmp_path / "slides")
    assert (status, err) == (0, ""), err
    assert titles == [False], f"draw_all called with titles={titles}"
    assert sorted(p.name for p in (tmp_path / "slides").iterdir()) == ["critical_line.png", "critical_line.svg"]
    assert out.splitlines()[0] == f"wrote 1 slide figure(s) (PNG and SVG) in {tmp_path / 'slides'}", out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "slides"], "--slides wrote more"


def test_main_usage_errors_exit_2_and_help_names_every_option(tmp_path, capsys, monkeypatch):
    for argv, message in [([], "the following arguments are required: results"),
                          (["r.json", "--claims", "V1"], "--claims needs --latex FILE")]:
        with pytest.raises(SystemExit) as info:
            main(argv)
        err = capsys.readouterr().err
        assert info.value.code == 2 and err.endswith(f"python -m theory.report: error: {message}\n"), err
    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for option in ("--out DIR", "--numbers", "--claims IDS", "--latex FILE", "--answer OUT.md",
                   "--slides DIR"):
        assert option in out, f"{option} missing from --help:\n{out}"


def test_the_module_exits_2_without_a_traceback(tmp_path):
    (tmp_path / "a.json").write_text('{"a": 1}', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "theory.report", str(tmp_path / "a.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "'schema' is a required property" in done.stderr, done.stderr
