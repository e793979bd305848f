"""Exact behaviour of theory.report.render and ``python -m theory.report`` (in process).

test_report_render.py checks that a report is rendered at all; these tests pin the exact
texts, return values, branches and files, so that a changed message, number, keyword or
condition in render.py or __main__.py makes a test fail (mutation testing).
Every expected value is written out by hand.
"""

from __future__ import annotations

import importlib
import json
import locale
import math
import sys
import types
from pathlib import Path

import pytest

from tests.assertions import assert_not_chained
from tests.report_fixtures import synthetic_results
from tests.test_report_render import PAYLOADS
from theory.report import __main__ as cli
from theory.report.__main__ import main
from theory.report.build import numbers_view
from theory.report.latex import render_latex
from theory.report.markdown import render_markdown
from theory.report.render import _answer, dump_results, load_results, render_into, write_report

NO_DATA = "no data recorded in this run"
# every figure key, in the order of FIGURES (the order of "skipped")
ALL_FIGURES = ["lag_profile_example", "mean_field_rates", "critical_line", "kreiss_transient",
               "tied_untied", "gated_profiles", "agreement_accuracy", "agreement_training",
               "bifurcation_wall"]
CRITICAL_TITLE = "The order–chaos critical line separates vanishing from exploding gradients"
USAGE = "usage: python -m theory.report [-h] [--out DIR] [--numbers] results\n"


# ---------------------------------------------------------------------------- helpers

@pytest.fixture
def no_answer(monkeypatch):
    """Make ``import theory.report.answer`` fail as if the module did not exist."""
    monkeypatch.setitem(sys.modules, "theory.report.answer", None)


@pytest.fixture
def ascii_locale():
    """Run with LC_CTYPE=C, where a text file opened without an encoding is ASCII (as on a bare
    container or a non-UTF-8 Windows code page); the report files must still be UTF-8."""
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


def install_answer(monkeypatch, **attrs):
    """Put a fake ``theory.report.answer`` with the given attributes into sys.modules."""
    module = types.ModuleType("theory.report.answer")
    for name, value in attrs.items():
        setattr(module, name, value)
    monkeypatch.setitem(sys.modules, "theory.report.answer", module)
    return module


def import_raising(monkeypatch, exc):
    """Make ``importlib.import_module("theory.report.answer")`` raise ``exc``."""
    real = importlib.import_module

    def fake(name, package=None):
        if name == "theory.report.answer":
            raise exc
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", fake)


def recorder():
    """A render function that records its arguments; returns (render, calls)."""
    calls = []

    def render(results, *rest):
        calls.append((results, rest))
        return "answer text\n"

    return render, calls


def skipped_lines(exclude=()):
    return "".join(f"  figure {k} not drawn: {NO_DATA}\n" for k in ALL_FIGURES if k not in exclude)


def no_figure_results():
    return synthetic_results(data_pairs=[])


def write_results(path, results):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results), encoding="utf-8")
    return path


def listing(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


# ----------------------------------------------------------------------- dump_results

def test_dump_results_text_is_indented_by_one_keeps_order_and_non_ascii_and_ends_in_newline():
    got = dump_results({"zeta": "γ‖W‖", "alpha": [1, 2.5], "mid": {"b": None, "a": True}})
    expected = ('{\n "zeta": "γ‖W‖",\n "alpha": [\n  1,\n  2.5\n ],\n'
                ' "mid": {\n  "b": null,\n  "a": true\n }\n}\n')
    assert got == expected, f"got {got!r}, expected {expected!r}"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_dump_results_refuses_non_finite_floats(value):
    with pytest.raises(ValueError) as info:
        dump_results({"x": [value]})
    assert "Out of range float values are not JSON compliant" in str(info.value), (
        f"got {info.value!r}, expected the allow_nan=False error")


# ----------------------------------------------------------------------- load_results

def test_load_results_of_a_missing_file_says_no_such_file(tmp_path):
    path = tmp_path / "missing.json"
    with pytest.raises(ValueError) as info:
        load_results(path)
    expected = f"{path}: no such file (expected a results.json written by the test run)"
    assert str(info.value) == expected, f"got {str(info.value)!r}, expected {expected!r}"


def test_load_results_of_a_folder_says_no_such_file(tmp_path):
    with pytest.raises(ValueError) as info:
        load_results(str(tmp_path))
    expected = f"{tmp_path}: no such file (expected a results.json written by the test run)"
    assert str(info.value) == expected, f"got {str(info.value)!r}, expected {expected!r}"


@pytest.mark.parametrize("content, reason", [
    (b"{not json", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    (b"", "Expecting value: line 1 column 1 (char 0)"),
    (b"\xff\xfe{}", "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
], ids=["bad-json", "empty", "not-utf8"])
def test_load_results_of_a_non_json_file_says_not_valid_json_without_a_chained_cause(tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        load_results(path)
    expected = f"{path}: not valid JSON ({reason})"
    assert str(info.value) == expected, f"got {str(info.value)!r}, expected {expected!r}"
    assert_not_chained(info.value)


def test_load_results_of_a_schema_mismatch_names_the_path_and_every_problem(tmp_path):
    path = tmp_path / "wrong.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_results(path)
    expected = f"{path}: results do not match schema rnn-gradient-theory/results 1.1:\n  $: expected object, got list []"
    assert str(info.value) == expected, f"got {str(info.value)!r}, expected {expected!r}"
    assert_not_chained(info.value)


@pytest.mark.parametrize("as_str", [False, True], ids=["Path", "str"])
def test_load_results_returns_the_decoded_document(tmp_path, as_str):
    results = no_figure_results()
    path = write_results(tmp_path / "results.json", results)
    got = load_results(str(path) if as_str else path)
    expected = json.loads(json.dumps(results))
    assert got == expected, f"got keys {sorted(got)}, expected {sorted(expected)}"
    assert isinstance(got, dict), f"got {type(got).__name__}, expected dict"


def test_load_results_reads_utf8_whatever_the_locale(tmp_path, ascii_locale):
    results = no_figure_results()
    path = tmp_path / "results.json"
    path.write_bytes(json.dumps(results, ensure_ascii=False).encode("utf-8"))
    got = load_results(path)
    statement = got["claims"][0]["statement"]
    assert statement == "‖∂h_T/∂h_k‖₂ ≤ (γ‖W‖₂)^(T−k) at |every| lag.", f"got {statement!r}"


# ---------------------------------------------------------------------------- _answer

def test_answer_without_the_module_gives_no_text_and_no_note(no_answer):
    got = _answer({"a": 1}, Path("figs"))
    assert got == (None, None), f"got {got!r}, expected (None, None)"


def test_answer_when_import_reports_theory_answer_itself_missing_is_silent(monkeypatch):
    import_raising(monkeypatch, ModuleNotFoundError("No module named 'theory.report.answer'", name="theory.report.answer"))
    got = _answer({"a": 1})
    assert got == (None, None), f"got {got!r}, expected (None, None)"


def test_answer_with_a_missing_dependency_notes_the_import_failure(monkeypatch):
    import_raising(monkeypatch, ModuleNotFoundError("No module named 'scipy.x'", name="scipy.x"))
    got = _answer({"a": 1})
    expected = (None, "ANSWER.md not written: importing theory.report.answer failed (No module named 'scipy.x')")
    assert got == expected, f"got {got!r}, expected {expected!r}"


def test_answer_with_an_import_error_notes_its_type_and_message(monkeypatch):
    import_raising(monkeypatch, RuntimeError("boom"))
    got = _answer({"a": 1})
    expected = (None, "ANSWER.md not written: importing theory.report.answer failed (RuntimeError: boom)")
    assert got == expected, f"got {got!r}, expected {expected!r}"


@pytest.mark.parametrize("attrs", [{}, {"render": "not a function"}, {"render": None}],
                         ids=["no-render", "render-str", "render-None"])
def test_answer_without_a_callable_render_notes_it(monkeypatch, attrs):
    install_answer(monkeypatch, **attrs)
    got = _answer({"a": 1}, Path("figs"))
    expected = (None, "ANSWER.md not written: theory.report.answer has no render(results) function")
    assert got == expected, f"got {got!r}, expected {expected!r}"


def test_answer_when_render_raises_notes_the_exception(monkeypatch):
    def render(results):
        raise ValueError("bad")

    install_answer(monkeypatch, render=render)
    got = _answer({"a": 1})
    expected = (None, "ANSWER.md not written: theory.report.answer.render raised ValueError: bad")
    assert got == expected, f"got {got!r}, expected {expected!r}"


def test_answer_when_draw_figures_raises_notes_the_exception(monkeypatch, tmp_path):
    def draw(results, folder):
        raise OSError("disk full")

    render, calls = recorder()
    install_answer(monkeypatch, render=render, draw_figures=draw)
    got = _answer({"a": 1}, tmp_path)
    expected = (None, "ANSWER.md not written: theory.report.answer.draw_figures raised OSError: disk full")
    assert got == expected, f"got {got!r}, expected {expected!r}"
    assert calls == [], f"render called {calls!r}, expected not at all"


@pytest.mark.parametrize("value, name", [(3, "int"), (None, "NoneType"), (b"x", "bytes")])
def test_answer_when_render_returns_a_non_string_notes_its_type(monkeypatch, value, name):
    install_answer(monkeypatch, render=lambda results: value)
    got = _answer({"a": 1})
    expected = (None, f"ANSWER.md not written: theory.report.answer.render returned {name}, not str")
    assert got == expected, f"got {got!r}, expected {expected!r}"


def test_answer_returns_the_text_and_render_gets_decoded_results(monkeypatch):
    render, calls = recorder()
    install_answer(monkeypatch, render=render)
    results = {"x": "-Infinity", "y": ["Infinity", "NaN", "plain"], "z": {"w": 2}}
    got = _answer(results)
    assert got == ("answer text\n", None), f"got {got!r}, expected ('answer text\\n', None)"
    assert len(calls) == 1, f"render called {len(calls)} times, expected once"
    seen, rest = calls[0]
    assert rest == (), f"render got extra arguments {rest!r}, expected none"
    assert seen["x"] == -math.inf, f"x: got {seen['x']!r}, expected -inf"
    assert seen["y"][0] == math.inf and math.isnan(seen["y"][1]) and seen["y"][2] == "plain", (
        f"y: got {seen['y']!r}, expected [inf, nan, 'plain']")
    assert seen["z"] == {"w": 2}, f"z: got {seen['z']!r}, expected {{'w': 2}}"
    assert results["x"] == "-Infinity", f"the caller's results were changed: {results!r}"


def test_answer_draws_its_figures_only_when_given_a_folder(monkeypatch):
    draws = []
    render, calls = recorder()
    install_answer(monkeypatch, render=render,
                   draw_figures=lambda results, folder: draws.append(folder) or {"k": "a.png"})
    got = _answer({"a": "NaN"})
    assert got == ("answer text\n", None), f"got {got!r}"
    assert draws == [], f"draw_figures called with {draws!r}, expected no call without a folder"
    assert calls[0][1] == (), f"render got {calls[0][1]!r}, expected no figures argument"


def test_answer_passes_drawn_figures_prefixed_with_the_figures_folder(monkeypatch, tmp_path):
    draws = []

    def draw(results, folder):
        draws.append((results, folder))
        return {"k": "a.png", "m": "sub/b.svg"}

    render, calls = recorder()
    install_answer(monkeypatch, render=render, draw_figures=draw)
    got = _answer({"a": "-Infinity"}, tmp_path / "figures")
    assert got == ("answer text\n", None), f"got {got!r}"
    assert draws == [({"a": -math.inf}, tmp_path / "figures")], (
        f"draw_figures got {draws!r}, expected decoded results and the folder")
    expected = ({"k": "figures/a.png", "m": "figures/sub/b.svg"},)
    assert calls[0][1] == expected, f"render got {calls[0][1]!r}, expected {expected!r}"
    assert calls[0][0] == {"a": -math.inf}, f"render got results {calls[0][0]!r}, expected decoded"


def test_answer_with_no_drawn_figures_calls_render_with_one_argument(monkeypatch, tmp_path):
    render, calls = recorder()
    install_answer(monkeypatch, render=render, draw_figures=lambda results, folder: {})
    got = _answer({"a": 1}, tmp_path)
    assert got == ("answer text\n", None), f"got {got!r}"
    assert calls == [({"a": 1}, ())], f"render calls {calls!r}, expected one call with results only"


@pytest.mark.parametrize("attrs", [{}, {"draw_figures": "not callable"}], ids=["no-draw", "draw-str"])
def test_answer_without_a_callable_draw_figures_still_renders(monkeypatch, tmp_path, attrs):
    render, calls = recorder()
    install_answer(monkeypatch, render=render, **attrs)
    got = _answer({"a": 1}, tmp_path)
    assert got == ("answer text\n", None), f"got {got!r}, expected ('answer text\\n', None)"
    assert calls == [({"a": 1}, ())], f"render calls {calls!r}, expected one call with results only"


# ------------------------------------------------------------------------ render_into

def test_render_into_writes_every_file_and_links_figures_to_their_claims(tmp_path, no_answer):
    results = synthetic_results(data_pairs=[("tests/test_a.py::test_a1[1]", {"critical_line": PAYLOADS["critical_line"]})])
    results["data"] = {"zeta": [1], "critical_line": results["data"]["critical_line"], "alpha": {"x": 1}}
    results["claims"][1]["figures"] = ["critical_line"]  # B1 links it too: "Claims A1, B1"
    log = render_into(results, tmp_path)
    assert set(log) == {"figures", "skipped", "notes"}, f"got keys {sorted(log)}, expected figures, skipped, notes"
    expected_fig = {"critical_line": {"name": "critical_line", "title": f"Claims A1, B1: {CRITICAL_TITLE}",
                                      "png": "critical_line.png", "svg": "critical_line.svg"}}
    assert log["figures"] == expected_fig, f"got {log['figures']!r}, expected {expected_fig!r}"
    expected_skip = {k: NO_DATA for k in ALL_FIGURES if k != "critical_line"}
    assert log["skipped"] == expected_skip, f"got {log['skipped']!r}, expected {expected_skip!r}"
    expected_notes = ["data recorded without a figure (kept in results.json): `alpha`, `zeta`"]
    assert log["notes"] == expected_notes, f"got {log['notes']!r}, expected {expected_notes!r}"
    expected_files = ["REPORT.md", "claims.tex", "figures", "figures/critical_line.png",
                      "figures/critical_line.svg", "results.json"]
    assert listing(tmp_path) == expected_files, f"got {listing(tmp_path)}, expected {expected_files}"
    got = (tmp_path / "results.json").read_text(encoding="utf-8")
    assert got == dump_results(results), "results.json is not the dump_results text"
    assert got.startswith('{\n "schema": "rnn-gradient-theory/results",\n'), f"results.json starts {got[:60]!r}"
    got = (tmp_path / "claims.tex").read_text(encoding="utf-8")
    assert got == render_latex(results), "claims.tex is not render_latex(results)"
    got = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    expected = render_markdown(results, log["figures"], log["skipped"], log["notes"])
    assert got == expected, "REPORT.md is not render_markdown(results, figures, skipped, notes)"
    assert "](figures/critical_line.png)" in got and "`alpha`, `zeta`" in got, "REPORT.md lacks the figure or the note"


def test_render_into_titles_a_figure_linked_from_one_claim_with_claim_singular(tmp_path, no_answer):
    results = synthetic_results(data_pairs=[("tests/test_a.py::test_a1[1]", {"critical_line": PAYLOADS["critical_line"]})])
    log = render_into(results, tmp_path)
    title = log["figures"]["critical_line"]["title"]
    assert title == f"Claim A1: {CRITICAL_TITLE}", f"got {title!r}, expected 'Claim A1: {CRITICAL_TITLE}'"
    assert log["notes"] == [], f"got notes {log['notes']!r}, expected none"


@pytest.mark.parametrize("data", ["absent", None, {}], ids=["no-data-key", "data-None", "data-empty"])
def test_render_into_without_data_draws_nothing_and_notes_nothing(tmp_path, no_answer, data):
    results = no_figure_results()
    if data == "absent":
        del results["data"]
    else:
        results["data"] = data
    log = render_into(results, tmp_path)
    expected = {"figures": {}, "skipped": {k: NO_DATA for k in ALL_FIGURES}, "notes": []}
    assert log == expected, f"got {log!r}, expected {expected!r}"
    assert listing(tmp_path) == ["REPORT.md", "claims.tex", "results.json"], f"got {listing(tmp_path)}"


def test_render_into_writes_answer_md_and_hands_draw_figures_the_figures_folder(tmp_path, monkeypatch):
    draws = []
    texts = []

    def draw(results, folder):
        draws.append(folder)
        return {"extra": "extra.png"}

    def render(results, figures=None):
        texts.append(figures)
        return f"# Answer ü\n\n{results['summary']['verified']} verified, see {figures['extra']}\n"

    install_answer(monkeypatch, render=render, draw_figures=draw)
    log = render_into(no_figure_results(), tmp_path)
    assert draws == [tmp_path / "figures"], f"draw_figures got {draws!r}, expected [{tmp_path / 'figures'}]"
    got = (tmp_path / "ANSWER.md").read_text(encoding="utf-8")
    assert got == "# Answer ü\n\n1 verified, see figures/extra.png\n", f"ANSWER.md: {got!r}"
    assert log["notes"] == [], f"got notes {log['notes']!r}, expected none"


def test_render_into_puts_the_answer_note_after_the_data_note_and_writes_no_answer_md(tmp_path, monkeypatch):
    install_answer(monkeypatch, render=lambda results: 7)
    results = no_figure_results()
    results["data"] = {"b": 1, "a": 2}
    log = render_into(results, tmp_path)
    expected = ["data recorded without a figure (kept in results.json): `a`, `b`",
                "ANSWER.md not written: theory.report.answer.render returned int, not str"]
    assert log["notes"] == expected, f"got {log['notes']!r}, expected {expected!r}"
    assert not (tmp_path / "ANSWER.md").exists(), "ANSWER.md written although render returned no text"
    report = (tmp_path / "REPORT.md").read_text(encoding="utf-8")
    assert "returned int, not str" in report, "the answer note is not in REPORT.md"


def test_render_into_writes_an_empty_answer_text(tmp_path, monkeypatch):
    install_answer(monkeypatch, render=lambda results: "")
    log = render_into(no_figure_results(), tmp_path)
    got = (tmp_path / "ANSWER.md").read_text(encoding="utf-8")
    assert got == "", f"ANSWER.md: {got!r}, expected an empty file"
    assert log["notes"] == [], f"got notes {log['notes']!r}, expected none"


def test_render_into_writes_utf8_files_whatever_the_locale(tmp_path, monkeypatch, ascii_locale):
    install_answer(monkeypatch, render=lambda results: "Antwort: ‖W‖ ü\n")
    results = no_figure_results()
    log = render_into(results, tmp_path)
    assert log["notes"] == [], f"got notes {log['notes']!r}, expected none"
    got = (tmp_path / "ANSWER.md").read_bytes()
    assert got == "Antwort: ‖W‖ ü\n".encode("utf-8"), f"ANSWER.md bytes {got!r}"
    got = (tmp_path / "results.json").read_bytes()
    assert got == dump_results(results).encode("utf-8"), "results.json is not UTF-8"
    got = (tmp_path / "REPORT.md").read_bytes().decode("utf-8")
    assert got == render_markdown(results, {}, log["skipped"], []), "REPORT.md is not UTF-8"
    assert "‖" in got, "REPORT.md has no non-ASCII text to check the encoding with"


# ----------------------------------------------------------------------- write_report

def test_write_report_validates_before_writing_anything(tmp_path, no_answer):
    results = no_figure_results()
    del results["timings"]
    target = tmp_path / "r"
    with pytest.raises(ValueError) as info:
        write_report(results, target)
    expected = "results do not match schema rnn-gradient-theory/results 1.1:\n  $: missing required key 'timings'"
    assert str(info.value) == expected, f"got {str(info.value)!r}, expected {expected!r}"
    assert listing(tmp_path) == [], f"something was written: {listing(tmp_path)}"


def test_write_report_returns_the_resolved_target_and_the_render_log(tmp_path, no_answer, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = write_report(no_figure_results(), "out")
    expected = {"target": tmp_path.resolve() / "out", "figures": {},
                "skipped": {k: NO_DATA for k in ALL_FIGURES}, "notes": []}
    assert log == expected, f"got {log!r}, expected {expected!r}"
    assert isinstance(log["target"], Path), f"target is {type(log['target']).__name__}, expected Path"
    expected_files = [".theory-report", "REPORT.md", "claims.tex", "results.json"]
    assert listing(tmp_path / "out") == expected_files, f"got {listing(tmp_path / 'out')}"


def test_write_report_keeps_carried_entries_and_drops_the_others(tmp_path, no_answer):
    target = tmp_path / "r"
    results = no_figure_results()
    write_report(results, target)
    (target / "partial").mkdir()
    (target / "partial" / "keep.txt").write_text("kept", encoding="utf-8")
    (target / "experiments").mkdir()
    write_report(results, target, carry=("partial",))
    assert (target / "partial" / "keep.txt").read_text(encoding="utf-8") == "kept", (
        f"partial not carried: {listing(target)}")
    assert not (target / "experiments").exists(), f"experiments carried without being asked: {listing(target)}"
    write_report(results, target)
    assert not (target / "partial").exists(), f"partial kept without carry: {listing(target)}"


# ------------------------------------------------------------------------------- main

def test_main_writes_next_to_the_results_and_prints_what_it_wrote(tmp_path, capsys, no_answer):
    results = synthetic_results(data_pairs=[("tests/test_a.py::test_a1[1]",
                                             {"critical_line": PAYLOADS["critical_line"], "zz": 1, "aa": 2})])
    path = write_results(tmp_path / "rep" / "results.json", results)
    status = main([str(path)])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    expected = (f"wrote {tmp_path.resolve() / 'rep'}: REPORT.md, claims.tex, results.json, 1 figure(s) (PNG and SVG)\n"
                + skipped_lines(exclude=("critical_line",))
                + "  data recorded without a figure (kept in results.json): `aa`, `zz`\n")
    assert out == expected, f"stdout:\n{out}\nexpected:\n{expected}"
    assert err == "", f"stderr {err!r}, expected empty"
    expected_files = [".theory-report", "REPORT.md", "claims.tex", "figures", "figures/critical_line.png",
                      "figures/critical_line.svg", "results.json"]
    assert listing(tmp_path / "rep") == expected_files, f"got {listing(tmp_path / 'rep')}, expected {expected_files}"
    got = (tmp_path / "rep" / "results.json").read_text(encoding="utf-8")
    assert got == dump_results(json.loads(json.dumps(results))), "results.json changed by the re-render"


def test_main_with_a_relative_results_path_writes_into_its_folder(tmp_path, capsys, no_answer, monkeypatch):
    write_results(tmp_path / "results.json", no_figure_results())
    monkeypatch.chdir(tmp_path)
    status = main(["results.json"])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    first = out.splitlines()[0]
    expected = f"wrote {tmp_path.resolve()}: REPORT.md, claims.tex, results.json, 0 figure(s) (PNG and SVG)"
    assert first == expected, f"got {first!r}, expected {expected!r}"
    assert (tmp_path / "REPORT.md").exists(), f"REPORT.md not written next to results.json: {listing(tmp_path)}"


def test_main_prints_the_answer_note(tmp_path, capsys, monkeypatch):
    def render(results):
        raise KeyError("x")

    install_answer(monkeypatch, render=render)
    path = write_results(tmp_path / "results.json", no_figure_results())
    status = main([str(path)])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    expected = (f"wrote {tmp_path.resolve()}: REPORT.md, claims.tex, results.json, 0 figure(s) (PNG and SVG)\n"
                + skipped_lines() + "  ANSWER.md not written: theory.report.answer.render raised KeyError: 'x'\n")
    assert out == expected, f"stdout:\n{out}\nexpected:\n{expected}"


def test_main_out_writes_there_and_not_next_to_the_results(tmp_path, capsys, no_answer):
    path = write_results(tmp_path / "in" / "results.json", no_figure_results())
    status = main([str(path), "--out", str(tmp_path / "elsewhere")])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    expected = (f"wrote {tmp_path.resolve() / 'elsewhere'}: REPORT.md, claims.tex, results.json, "
                f"0 figure(s) (PNG and SVG)\n" + skipped_lines())
    assert out == expected, f"stdout:\n{out}\nexpected:\n{expected}"
    assert listing(tmp_path / "in") == ["results.json"], f"wrote next to the results: {listing(tmp_path / 'in')}"
    expected_files = [".theory-report", "REPORT.md", "claims.tex", "results.json"]
    assert listing(tmp_path / "elsewhere") == expected_files, f"got {listing(tmp_path / 'elsewhere')}"


def test_main_carries_partial_and_experiments_of_the_existing_report(tmp_path, capsys, no_answer):
    report = tmp_path / "rep"
    write_report(no_figure_results(), report)
    (report / "partial").mkdir()
    (report / "partial" / "results.json").write_text("{}", encoding="utf-8")
    (report / "experiments").mkdir()
    (report / "experiments" / "long.json").write_text("[1]", encoding="utf-8")
    (report / "ANSWER.md").write_text("stale", encoding="utf-8")
    status = main([str(report / "results.json")])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    expected_files = [".theory-report", "REPORT.md", "claims.tex", "experiments", "experiments/long.json",
                      "partial", "partial/results.json", "results.json"]
    assert listing(report) == expected_files, f"got {listing(report)}, expected {expected_files}"
    assert (report / "experiments" / "long.json").read_text(encoding="utf-8") == "[1]", "experiments changed"


def test_main_numbers_prints_sorted_indented_non_ascii_json_and_writes_nothing(tmp_path, capsys, monkeypatch):
    seen = []

    def fake_load(path):
        seen.append(path)
        return {"zeta": "γ", "alpha": [1, {"b": 2, "a": None}], "provenance": {"date": "x"},
                "timings": [1], "data": {"k": 1}}

    monkeypatch.setattr(cli, "load_results", fake_load)
    status = main(["--numbers", str(tmp_path / "results.json")])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    expected = ('{\n "alpha": [\n  1,\n  {\n   "a": null,\n   "b": 2\n  }\n ],\n "zeta": "γ"\n}\n')
    assert out == expected, f"stdout {out!r}, expected {expected!r}"
    assert err == "", f"stderr {err!r}, expected empty"
    assert seen == [str(tmp_path / "results.json")], f"load_results got {seen!r}"
    assert listing(tmp_path) == [], f"--numbers wrote {listing(tmp_path)}"


def test_main_numbers_of_a_real_file_is_its_numbers_view(tmp_path, capsys, no_answer):
    results = json.loads(json.dumps(synthetic_results()))
    path = write_results(tmp_path / "results.json", results)
    status = main([str(path), "--numbers"])
    out, err = capsys.readouterr()
    assert status == 0, f"exit status {status}, expected 0; stderr {err!r}"
    got = json.loads(out)
    assert got == numbers_view(results), f"got keys {sorted(got)}, expected the numbers view"
    assert sorted(got) == ["claims", "data_sources", "run", "schema", "schema_version", "summary", "warnings"], (
        f"got keys {sorted(got)}")
    assert out.startswith('{\n "claims": [\n  {\n   "area": '), f"not sorted/indented by one: {out[:60]!r}"
    assert "‖∂h_T/∂h_k‖₂" in out, "non-ASCII text escaped in --numbers output"
    assert listing(tmp_path) == ["results.json"], f"--numbers wrote {listing(tmp_path)}"


def test_main_reports_a_missing_file_on_stderr_with_status_2(tmp_path, capsys):
    path = tmp_path / "missing.json"
    status = main([str(path), "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert status == 2, f"exit status {status}, expected 2"
    expected = (f"python -m theory.report: error: {path}: no such file "
                f"(expected a results.json written by the test run)\n")
    assert err == expected, f"stderr {err!r}, expected {expected!r}"
    assert out == "", f"stdout {out!r}, expected empty"
    assert listing(tmp_path) == [], f"wrote {listing(tmp_path)}"


def test_main_numbers_of_a_missing_file_also_exits_2(tmp_path, capsys):
    status = main(["--numbers", str(tmp_path / "x.json")])
    out, err = capsys.readouterr()
    assert status == 2, f"exit status {status}, expected 2"
    assert out == "", f"stdout {out!r}, expected empty"
    assert err.startswith("python -m theory.report: error: "), f"stderr {err!r}"


def test_main_reports_invalid_json_and_schema_mismatch_with_status_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main([str(bad)]) == 2, "invalid JSON must exit with status 2"
    out, err = capsys.readouterr()
    expected = (f"python -m theory.report: error: {bad}: not valid JSON "
                f"(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))\n")
    assert err == expected and out == "", f"stderr {err!r}, stdout {out!r}; expected stderr {expected!r}"
    wrong = tmp_path / "wrong.json"
    wrong.write_text("[]", encoding="utf-8")
    assert main([str(wrong)]) == 2, "a schema mismatch must exit with status 2"
    out, err = capsys.readouterr()
    expected = (f"python -m theory.report: error: {wrong}: results do not match schema "
                f"rnn-gradient-theory/results 1.1:\n  $: expected object, got list []\n")
    assert err == expected and out == "", f"stderr {err!r}, stdout {out!r}; expected stderr {expected!r}"


def test_main_refuses_an_out_folder_holding_foreign_files(tmp_path, capsys, no_answer):
    path = write_results(tmp_path / "results.json", no_figure_results())
    out_dir = tmp_path / "mine"
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine", encoding="utf-8")
    status = main([str(path), "--out", str(out_dir)])
    out, err = capsys.readouterr()
    assert status == 2, f"exit status {status}, expected 2"
    expected = (f"python -m theory.report: error: refusing to replace {out_dir.resolve()}: it holds entries "
                f"a report never writes (notes.txt); choose another folder "
                f"(pytest --report-dir, or python -m theory.report --out)\n")
    assert err == expected, f"stderr {err!r}, expected {expected!r}"
    assert out == "", f"stdout {out!r}, expected empty"
    assert listing(out_dir) == ["notes.txt"], f"the foreign folder changed: {listing(out_dir)}"


def test_main_without_arguments_is_an_argparse_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2, f"exit code {info.value.code!r}, expected 2"
    out, err = capsys.readouterr()
    expected = USAGE + "python -m theory.report: error: the following arguments are required: results\n"
    assert err == expected, f"stderr {err!r}, expected {expected!r}"
    assert out == "", f"stdout {out!r}, expected empty"


def test_main_help_is_the_usage_the_description_and_every_option(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # no line wrapping
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0, f"exit code {info.value.code!r}, expected 0"
    out = capsys.readouterr().out
    expected = (USAGE + "\n"
                "Regenerate REPORT.md, claims.tex and the figures from a results.json.\n"
                "\n"
                "positional arguments:\n"
                "  results     path to results.json (written by a pytest run)\n"
                "\n"
                "options:\n"
                "  -h, --help  show this help message and exit\n"
                "  --out DIR   report folder to write (default: the folder of RESULTS)\n"
                "  --numbers   print only the claim numbers (the part two runs of the same commit share) "
                "as canonical JSON, and write nothing\n")
    assert out == expected, f"help:\n{out}\nexpected:\n{expected}"


def test_an_output_folder_that_cannot_be_created_exits_2_with_one_line(tmp_path, capsys):
    """`--out` under a regular file: the file system refuses, and the command says so in one
    line instead of a traceback."""
    src = tmp_path / "in" / "results.json"
    src.parent.mkdir()
    src.write_text(dump_results(synthetic_results(data_pairs=[])), encoding="utf-8")
    (tmp_path / "f").write_text("a file", encoding="utf-8")
    status = main([str(src), "--out", str(tmp_path / "f" / "sub")])
    err = capsys.readouterr().err
    assert status == 2, f"exit status {status}, stderr {err!r}"
    assert err.startswith("python -m theory.report: error: [Errno 17] File exists: ") and err.count("\n") == 1, err
