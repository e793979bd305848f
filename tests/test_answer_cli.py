"""The answer page's command line and loader, pinned exactly: ``theory.report.answer._load`` and ``main``.

``python -m theory.report.answer RESULTS [OUT] [--also MORE ...]`` is how the page is built, so its
help, error messages, exit codes, merging of runs, ``sources`` list, output folders, figure
links and printed summary are checked here against values written out by hand (strong
enough to fail on mutated strings, numbers, operators and dropped keyword arguments).
Figures are faked through ``answer.draw_figures`` except in one small end-to-end test.
"""

from __future__ import annotations

import contextlib
import json
import locale
import math
import sys
from pathlib import Path

import pytest

from tests.assertions import assert_not_chained
from tests.test_answer import _ACC  # the agreement payload of the answer tests
from theory.report import answer

PROG = "python -m theory.report.answer"
USAGE = ("usage: python -m theory.report.answer [-h] [--also [RESULTS ...]]\n"
         "                                      results [out]\n")
HELP = (
    USAGE
    + "\n"
    "Render the motivating-question answer page.\n"
    "\n"
    "positional arguments:\n"
    "  results\n"
    "  out\n"
    "\n"
    "options:\n"
    "  -h, --help            show this help message and exit\n"
    "  --also [RESULTS ...]  further results.json files (e.g. the -m slow run) to\n"
    "                        merge in\n"
)



def _write(path, doc):
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _doc(outcome="passed", data=None):
    return {
        "claims": [{"id": "Q7", "status": "verified" if outcome == "passed" else "not verified",
                    "tests": [{"nodeid": "tests/test_agreement.py::slow", "outcome": outcome}]}],
        "data": {"agreement_accuracy": _ACC} if data is None else data,
    }


@contextlib.contextmanager
def _ascii_locale():
    """Make the locale's default text encoding ASCII, so only an explicit UTF-8 works."""
    old = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, old)


class _Recorder:
    """Stands in for ``answer.render`` / ``answer.draw_figures`` and records each call."""

    def __init__(self, result):
        self.result = result
        self.calls = []

    def __call__(self, *args):
        self.calls.append(args)
        return self.result


@pytest.fixture
def fake_render(monkeypatch):
    rec = _Recorder("# page ‖ ünïcode\nline two")
    monkeypatch.setattr(answer, "render", rec)
    return rec


@pytest.fixture
def fake_draw(monkeypatch):
    rec = _Recorder({})
    monkeypatch.setattr(answer, "draw_figures", rec)
    return rec


# --------------------------------------------------------------------------------------
# argparse: help and usage
# --------------------------------------------------------------------------------------


def test_help_text_is_exactly_the_documented_one(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as info:
        answer.main(["--help"])
    out, err = capsys.readouterr()
    assert info.value.code == 0, f"--help exit code: got {info.value.code!r}, expected 0"
    assert out == HELP, f"--help text:\ngot:\n{out}\nexpected:\n{HELP}"
    assert err == "", f"--help stderr: got {err!r}, expected ''"


def test_no_arguments_is_a_usage_error_with_exit_2(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as info:
        answer.main([])
    out, err = capsys.readouterr()
    expected = USAGE + f"{PROG}: error: the following arguments are required: results\n"
    assert info.value.code == 2, f"exit code: got {info.value.code!r}, expected 2"
    assert err.startswith(f"usage: {PROG}"), f"stderr start: got {err!r}"
    assert err == expected, f"stderr:\ngot:      {err!r}\nexpected: {expected!r}"
    assert out == "", f"stdout: got {out!r}, expected ''"


# --------------------------------------------------------------------------------------
# _load
# --------------------------------------------------------------------------------------


def test_load_missing_file_names_the_path(tmp_path):
    path = tmp_path / "missing.json"
    with pytest.raises(ValueError) as info:
        answer._load(path)
    expected = f"{tmp_path}/missing.json: no such file"
    assert str(info.value) == expected, f"message: got {str(info.value)!r}, expected {expected!r}"


def test_load_folder_is_no_such_file(tmp_path):
    with pytest.raises(ValueError) as info:
        answer._load(str(tmp_path))
    expected = f"{tmp_path}: no such file"
    assert str(info.value) == expected, f"message: got {str(info.value)!r}, expected {expected!r}"


def test_load_invalid_json_names_path_and_parser_error_without_chaining(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        answer._load(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}: not valid JSON ("), f"message start: got {msg!r}"
    expected = f"{tmp_path}/bad.json: not valid JSON (Expecting value: line 1 column 1 (char 0))"
    assert msg == expected, f"message: got {msg!r}, expected {expected!r}"
    assert not isinstance(info.value, json.JSONDecodeError), \
        f"type: got {type(info.value).__name__}, expected a plain ValueError"
    assert_not_chained(info.value)


def test_load_decodes_non_finite_strings(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"data": {"g": ["-Infinity", "Infinity", "NaN", "plain", 1.5]}}', encoding="utf-8")
    got = answer._load(path)
    g = got["data"]["g"]
    assert isinstance(g[0], float) and g[0] == -math.inf, f"'-Infinity': got {g[0]!r}, expected -inf"
    assert isinstance(g[1], float) and g[1] == math.inf, f"'Infinity': got {g[1]!r}, expected inf"
    assert isinstance(g[2], float) and math.isnan(g[2]), f"'NaN': got {g[2]!r}, expected nan"
    assert g[3:] == ["plain", 1.5], f"other values: got {g[3:]!r}, expected ['plain', 1.5]"


def test_load_without_report_package_returns_json_unchanged(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "theory.report.jsonsafe", None)  # import fails
    path = tmp_path / "r.json"
    path.write_text('{"g": ["-Infinity", 2]}', encoding="utf-8")
    got = answer._load(path)
    assert got == {"g": ["-Infinity", 2]}, f"got {got!r}, expected the raw JSON {{'g': ['-Infinity', 2]}}"


def test_load_reads_utf8_whatever_the_locale(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes('{"note": "‖∂L/∂x‖ ünï"}'.encode("utf-8"))
    with _ascii_locale():
        got = answer._load(path)
    assert got == {"note": "‖∂L/∂x‖ ünï"}, f"got {got!r}, expected {{'note': '‖∂L/∂x‖ ünï'}}"


# --------------------------------------------------------------------------------------
# main without OUT: print the page
# --------------------------------------------------------------------------------------


def test_main_without_out_prints_rendered_page_and_writes_nothing(tmp_path, capsys, monkeypatch):
    doc = _doc(data={"agreement_accuracy": _ACC, "lag_terms": {"log_norms": ["-Infinity", 0.5]}})
    src = _write(tmp_path / "results.json", doc)
    decoded = _doc(data={"agreement_accuracy": _ACC, "lag_terms": {"log_norms": [-math.inf, 0.5]}})
    expected = answer.render(decoded) + "\n"

    def no_drawing(*args):
        raise AssertionError(f"draw_figures called without OUT: {args!r}")

    monkeypatch.setattr(answer, "draw_figures", no_drawing)
    rc = answer.main([str(src)])
    out, err = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    assert out == expected, f"stdout differs from render(doc) + newline:\ngot:\n{out[:300]}\nexpected:\n{expected[:300]}"
    assert err == "", f"stderr: got {err!r}, expected ''"
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["results.json"], f"files in folder: got {files!r}, expected ['results.json']"


def test_main_without_out_passes_decoded_results_and_default_figures(tmp_path, capsys, fake_render):
    src = _write(tmp_path / "results.json", _doc(data={"x": "-Infinity"}))
    rc = answer.main([str(src)])
    out, _ = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    assert out == "# page ‖ ünïcode\nline two\n", f"stdout: got {out!r}, expected the page plus newline"
    assert len(fake_render.calls) == 1, f"render calls: got {len(fake_render.calls)}, expected 1"
    args = fake_render.calls[0]
    assert len(args) == 1, f"render args: got {args!r}, expected only results (default figures)"
    assert args[0]["data"] == {"x": -math.inf}, f"data: got {args[0]['data']!r}, expected {{'x': -inf}}"


def test_main_without_also_records_no_sources(tmp_path, capsys, fake_render):
    src = _write(tmp_path / "results.json", _doc())
    assert answer.main([str(src)]) == 0, "exit status: expected 0"
    results = fake_render.calls[0][0]
    assert "sources" not in results, f"results keys: got {sorted(results)!r}, expected no 'sources'"


def test_main_with_empty_also_behaves_like_none(tmp_path, capsys, fake_render):
    src = _write(tmp_path / "results.json", _doc())
    rc = answer.main([str(src), "--also"])
    out, err = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    assert err == "", f"stderr: got {err!r}, expected ''"
    results = fake_render.calls[0][0]
    assert "sources" not in results, f"results keys: got {sorted(results)!r}, expected no 'sources'"
    assert results["data"] == {"agreement_accuracy": _ACC}, f"data: got {results['data']!r}"


# --------------------------------------------------------------------------------------
# main with --also: merge runs
# --------------------------------------------------------------------------------------


def test_also_merges_data_and_passing_outcome_and_records_sources(tmp_path, capsys, fake_render):
    first = _write(tmp_path / "fast.json", _doc("deselected", {"agreement_accuracy": {"distances": [2]},
                                                               "only_first": 1}))
    second = _write(tmp_path / "slow.json", _doc("passed", {"agreement_accuracy": _ACC}))
    third = _write(tmp_path / "more.json", {"claims": [], "data": {"extra": "-Infinity"}})
    rc = answer.main([str(first), "--also", str(second), str(third)])
    out, err = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    assert err == "", f"stderr: got {err!r}, expected ''"
    results = fake_render.calls[0][0]
    expected_sources = [f"{tmp_path}/fast.json", f"{tmp_path}/slow.json", f"{tmp_path}/more.json"]
    assert results["sources"] == expected_sources, \
        f"sources: got {results.get('sources')!r}, expected {expected_sources!r}"
    expected_data = {"agreement_accuracy": _ACC, "only_first": 1, "extra": -math.inf}
    assert results["data"] == expected_data, f"data: got {results['data']!r}, expected {expected_data!r}"
    claim = results["claims"][0]
    tests = claim["tests"]
    assert tests == [{"nodeid": "tests/test_agreement.py::slow", "outcome": "passed"}], \
        f"tests: got {tests!r}, expected the passing outcome"
    assert claim["status"] == "verified", f"status: got {claim['status']!r}, expected 'verified'"


def test_also_sources_appear_on_the_real_page(tmp_path, capsys):
    first = _write(tmp_path / "fast.json", _doc("deselected"))
    second = _write(tmp_path / "slow.json", _doc("passed"))
    assert answer.main([str(first), "--also", str(second)]) == 0, "exit status: expected 0"
    page, _ = capsys.readouterr()
    line = f"Results merged from: `{first}`, `{second}`."
    assert line in page, f"page lacks {line!r}; got start:\n{page[:600]}"
    assert "**Q7** — verified" in page, f"page lacks the merged verified Q7; got start:\n{page[:600]}"


# --------------------------------------------------------------------------------------
# main: errors
# --------------------------------------------------------------------------------------


def test_missing_results_exits_2_with_message_on_stderr(tmp_path, capsys, fake_render, fake_draw):
    missing = tmp_path / "missing.json"
    out_path = tmp_path / "new" / "page.md"
    rc = answer.main([str(missing), str(out_path)])
    out, err = capsys.readouterr()
    expected = f"python -m theory.report.answer: error: {tmp_path}/missing.json: no such file\n"
    assert rc == 2, f"exit status: got {rc!r}, expected 2"
    assert err == expected, f"stderr: got {err!r}, expected {expected!r}"
    assert out == "", f"stdout: got {out!r}, expected ''"
    assert not (tmp_path / "new").exists(), "OUT's folder was created despite the error"
    assert fake_render.calls == [] and fake_draw.calls == [], \
        f"render/draw calls: got {fake_render.calls!r} / {fake_draw.calls!r}, expected none"


def test_missing_also_file_exits_2_naming_that_file(tmp_path, capsys, fake_render):
    src = _write(tmp_path / "results.json", _doc())
    rc = answer.main([str(src), "--also", str(tmp_path / "gone.json")])
    out, err = capsys.readouterr()
    expected = f"python -m theory.report.answer: error: {tmp_path}/gone.json: no such file\n"
    assert rc == 2, f"exit status: got {rc!r}, expected 2"
    assert err == expected, f"stderr: got {err!r}, expected {expected!r}"
    assert out == "", f"stdout: got {out!r}, expected ''"
    assert fake_render.calls == [], f"render calls: got {fake_render.calls!r}, expected none"


def test_invalid_json_in_later_also_file_exits_2_naming_that_file(tmp_path, capsys, fake_render):
    src = _write(tmp_path / "results.json", _doc())
    good = _write(tmp_path / "slow.json", _doc())
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    rc = answer.main([str(src), "--also", str(good), str(bad)])
    out, err = capsys.readouterr()
    expected = (f"python -m theory.report.answer: error: {tmp_path}/bad.json: not valid JSON "
                "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))\n")
    assert rc == 2, f"exit status: got {rc!r}, expected 2"
    assert err == expected, f"stderr: got {err!r}, expected {expected!r}"
    assert out == "", f"stdout: got {out!r}, expected ''"


# --------------------------------------------------------------------------------------
# main with OUT: folders, figures, page, summary line
# --------------------------------------------------------------------------------------


def test_out_in_new_nested_folder_draws_links_writes_and_reports(tmp_path, capsys, fake_render, monkeypatch):
    src = _write(tmp_path / "results.json", _doc())
    out_path = tmp_path / "docs" / "deep" / "page.md"
    seen = []

    def draw(results, directory):
        seen.append((results, directory, out_path.parent.is_dir()))
        return {"agreement": "a.png", "training": "t.png"}

    monkeypatch.setattr(answer, "draw_figures", draw)
    rc = answer.main([str(src), str(out_path)])
    out, err = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    assert err == "", f"stderr: got {err!r}, expected ''"
    assert len(seen) == 1, f"draw_figures calls: got {len(seen)}, expected 1"
    results, directory, parent_existed = seen[0]
    expected_dir = tmp_path / "docs" / "deep" / "figures"
    assert Path(directory) == expected_dir, f"figure folder: got {directory!r}, expected {expected_dir!r}"
    assert parent_existed, "OUT's folder did not exist yet when draw_figures was called"
    assert len(fake_render.calls) == 1, f"render calls: got {len(fake_render.calls)}, expected 1"
    rendered_results, figures = fake_render.calls[0]
    assert rendered_results is results, "render got other results than draw_figures"
    assert results["data"] == {"agreement_accuracy": _ACC}, f"data: got {results['data']!r}"
    expected_links = {"agreement": "figures/a.png", "training": "figures/t.png"}
    assert figures == expected_links, f"figure links: got {figures!r}, expected {expected_links!r}"
    written = out_path.read_bytes()
    expected_bytes = "# page ‖ ünïcode\nline two".encode("utf-8")
    assert written == expected_bytes, f"page bytes: got {written!r}, expected {expected_bytes!r}"
    expected_line = (f"wrote {tmp_path}/docs/deep/page.md and 2 figure(s) in "
                     f"{tmp_path}/docs/deep/figures\n")
    assert out == expected_line, f"stdout: got {out!r}, expected {expected_line!r}"


def test_out_in_existing_folder_with_no_figures(tmp_path, capsys, fake_render, fake_draw):
    src = _write(tmp_path / "results.json", _doc())
    out_path = tmp_path / "page.md"
    rc = answer.main([str(src), str(out_path)])
    out, err = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    assert err == "", f"stderr: got {err!r}, expected ''"
    assert len(fake_draw.calls) == 1, f"draw_figures calls: got {len(fake_draw.calls)}, expected 1"
    assert fake_draw.calls[0][1] == tmp_path / "figures", \
        f"figure folder: got {fake_draw.calls[0][1]!r}, expected {tmp_path / 'figures'!r}"
    assert fake_render.calls[0][1] == {}, f"figure links: got {fake_render.calls[0][1]!r}, expected {{}}"
    expected_line = f"wrote {tmp_path}/page.md and 0 figure(s) in {tmp_path}/figures\n"
    assert out == expected_line, f"stdout: got {out!r}, expected {expected_line!r}"
    assert out_path.is_file(), f"{out_path} was not written"


def test_out_with_also_records_sources_for_draw_and_render(tmp_path, capsys, fake_render, monkeypatch):
    first = _write(tmp_path / "fast.json", _doc("deselected"))
    second = _write(tmp_path / "slow.json", _doc("passed"))
    drawn = _Recorder({"lag_terms": "l.png"})
    monkeypatch.setattr(answer, "draw_figures", drawn)
    out_path = tmp_path / "out" / "page.md"
    rc = answer.main([str(first), str(out_path), "--also", str(second)])
    out, _ = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    expected_sources = [str(first), str(second)]
    got = drawn.calls[0][0].get("sources")
    assert got == expected_sources, f"sources given to draw_figures: got {got!r}, expected {expected_sources!r}"
    assert fake_render.calls[0][1] == {"lag_terms": "figures/l.png"}, \
        f"figure links: got {fake_render.calls[0][1]!r}, expected {{'lag_terms': 'figures/l.png'}}"
    expected_line = f"wrote {tmp_path}/out/page.md and 1 figure(s) in {tmp_path}/out/figures\n"
    assert out == expected_line, f"stdout: got {out!r}, expected {expected_line!r}"


def test_page_is_written_as_utf8_even_under_an_ascii_locale(tmp_path, capsys, fake_render, fake_draw):
    src = _write(tmp_path / "results.json", _doc())
    out_path = tmp_path / "page.md"
    with _ascii_locale():
        rc = answer.main([str(src), str(out_path)])
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    written = out_path.read_bytes()
    expected_bytes = "# page ‖ ünïcode\nline two".encode("utf-8")
    assert written == expected_bytes, f"page bytes: got {written!r}, expected {expected_bytes!r}"


def test_end_to_end_draws_real_figures_and_links_them(tmp_path, capsys):
    src = _write(tmp_path / "results.json", _doc())
    out_path = tmp_path / "site" / "answer.md"
    rc = answer.main([str(src), str(out_path)])
    out, err = capsys.readouterr()
    assert rc == 0, f"exit status: got {rc!r}, expected 0"
    figdir = tmp_path / "site" / "figures"
    pngs = sorted(p.name for p in figdir.glob("*.png"))
    assert pngs, f"no figures drawn in {figdir}"
    page = out_path.read_text(encoding="utf-8")
    for name in pngs:
        assert f"figures/{name}" in page, f"page lacks link figures/{name}"
        head = (figdir / name).read_bytes()[:8]
        assert head == b"\x89PNG\r\n\x1a\n", f"{name} header: got {head!r}, expected the PNG signature"
    assert "‖" in page, "page lacks the non-ASCII '‖' that the real page contains"
    expected_line = f"wrote {out_path} and {len(pngs)} figure(s) in {figdir}\n"
    assert out == expected_line, f"stdout: got {out!r}, expected {expected_line!r}"


@pytest.mark.parametrize("content, kind", [(b"[1]", "list"), (b'"text"', "str"), (b"3", "int")])
def test_a_file_that_is_not_a_json_object_exits_2_naming_it(tmp_path, capsys, content, kind):
    path = tmp_path / "not_results.json"
    path.write_bytes(content)
    status = answer.main([str(path)])
    err = capsys.readouterr().err
    expected = f"python -m theory.report.answer: error: {path}: not a results document (a JSON object), got a JSON {kind}\n"
    assert (status, err) == (2, expected), f"exit {status}, stderr {err!r}, expected {expected!r}"


def test_a_file_that_is_not_utf8_exits_2_naming_it(tmp_path, capsys):
    path = tmp_path / "bytes.json"
    path.write_bytes(b"\xff")
    status = answer.main([str(path)])
    err = capsys.readouterr().err
    expected = (f"python -m theory.report.answer: error: {path}: not valid JSON ('utf-8' codec can't decode byte 0xff "
                "in position 0: invalid start byte)\n")
    assert (status, err) == (2, expected), f"exit {status}, stderr {err!r}, expected {expected!r}"
