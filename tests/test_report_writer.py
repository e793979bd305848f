"""Safe report writes: which folders a report may replace (``check_target``), and that
``atomic_dir`` swaps a complete folder into place, keeps carried entries, restores the old
folder when the swap fails, and never leaves temporary folders behind.

A report write replaces a whole folder, so a wrong rule here deletes a user's files or
leaves a half-written report that looks complete.
"""

from __future__ import annotations

import os
import shutil
import stat
import types
from pathlib import Path

import pytest

from theory.report import writer
from theory.report.writer import MANAGED, MARKER, atomic_dir, check_target

MARKER_TEXT = "written by rnn-gradient-theory (theory.report)\n"
ADVICE = "choose another folder (pytest --report-dir, or python -m theory.report --out)"


def _names(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def _tree(folder):
    """``{relative path: text}`` of every file under ``folder``, and ``"<dir>"`` for folders."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): "<dir>" if p.is_dir() else p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*"))}


# --- constants --------------------------------------------------------------------------------


def test_constants():
    got = (MARKER, MANAGED)
    expected = (".theory-report",
                frozenset({"results.json", "REPORT.md", "claims.tex", "ANSWER.md", "figures",
                           "partial", ".theory-report"}))
    assert got == expected, f"writer constants {got}, expected {expected}"


# --- check_target -----------------------------------------------------------------------------


def test_check_target_accepts_a_missing_or_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "missing", str(tmp_path / "missing" / "deeper"), tmp_path / "empty"):
        got = check_target(target)
        assert got is None, f"check_target({target}) returned {got!r}"


def test_check_target_rejects_a_file(tmp_path):
    target = tmp_path / "reports"
    target.write_text("not a folder")
    with pytest.raises(ValueError) as info:
        check_target(str(target))
    expected = f"report target {target} exists and is not a folder"
    assert str(info.value) == expected, f"message {str(info.value)!r}, expected {expected!r}"


@pytest.mark.parametrize("name", sorted(MANAGED))
def test_check_target_accepts_every_managed_entry(tmp_path, name):
    target = tmp_path / "reports"
    target.mkdir()
    (target / name).write_text("x")
    got = check_target(target)
    assert got is None, f"a folder holding only {name!r} was refused: {got!r}"


def test_check_target_accepts_a_full_report_folder_with_leftovers(tmp_path):
    target = tmp_path / "reports"
    target.mkdir()
    for name in ("results.json", "REPORT.md", "claims.tex", "ANSWER.md", MARKER):
        (target / name).write_text("x")
    for name in ("figures", "partial", ".partial.tmp-abc123", ".partial.old-xyz_9"):
        (target / name).mkdir()
    got = check_target(target)
    assert got is None, f"a report folder with nested-write leftovers was refused: {_names(target)}"


@pytest.mark.parametrize(
    "entries, listed",
    [
        (["notes.txt"], "notes.txt"),
        # not the leftover of an interrupted reports/partial write
        ([".partial.new-1"], ".partial.new-1"),
        ([".partial.tmp"], ".partial.tmp"),
        (["x.partial.tmp-1"], "x.partial.tmp-1"),
        ([".reports.tmp-1"], ".reports.tmp-1"),
        (["results.JSON"], "results.JSON"),
        (["e", "d", "c", "b", "a"], "a, b, c, d, e"),  # five: all named, no ", ..."
        (["f", "e", "d", "c", "b", "a"], "a, b, c, d, e, ..."),
        (["g", "REPORT.md", "f", "e", "d", "c", "b", "a"], "a, b, c, d, e, ..."),
    ],
)
def test_check_target_refuses_a_folder_with_foreign_entries(tmp_path, entries, listed):
    target = tmp_path / "reports"
    target.mkdir()
    for name in entries:
        (target / name).write_text("mine")
    with pytest.raises(ValueError) as info:
        check_target(target)
    expected = (f"refusing to replace {target}: it holds entries a report never writes ({listed}); "
                f"{ADVICE}")
    assert str(info.value) == expected, f"entries {entries}: message\n {str(info.value)!r}\n expected\n {expected!r}"


# --- atomic_dir -------------------------------------------------------------------------------


def _write(name, text):
    def fill(folder):
        (folder / name).write_text(text, encoding="utf-8")
    return fill


def test_atomic_dir_returns_the_resolved_target_and_creates_parents(tmp_path):
    (tmp_path / "a").mkdir()
    given = tmp_path / "a" / ".." / "x" / "y" / "reports"
    got = atomic_dir(given, _write("results.json", "{}"))
    expected = tmp_path.resolve() / "x" / "y" / "reports"
    assert got == expected, f"atomic_dir({given}) returned {got}, expected {expected}"
    tree = _tree(expected)
    assert tree == {"results.json": "{}", MARKER: MARKER_TEXT}, f"written folder {tree}"
    assert _names(tmp_path / "x" / "y") == ["reports"], f"next to the report: {_names(tmp_path / 'x' / 'y')}"


def test_atomic_dir_accepts_a_string_target_whose_parent_exists(tmp_path):
    got = atomic_dir(str(tmp_path / "reports"), _write("REPORT.md", "# r\n"))
    assert got == tmp_path.resolve() / "reports", f"atomic_dir returned {got!r}"
    assert _tree(got) == {"REPORT.md": "# r\n", MARKER: MARKER_TEXT}, f"written folder {_tree(got)}"


def test_atomic_dir_fills_a_private_sibling_then_writes_the_marker(tmp_path):
    seen = []

    def fill(folder):
        seen.append((folder.parent, folder.name, _names(folder)))
        (folder / "results.json").write_text("{}")

    atomic_dir(tmp_path / "reports", fill)
    assert len(seen) == 1, f"fill called {len(seen)} times"
    parent, name, names = seen[0]
    assert parent == tmp_path.resolve() and name.startswith(".reports.tmp-"), (
        f"fill got {parent}/{name}, expected a .reports.tmp-* folder in {tmp_path.resolve()}")
    assert names == [], f"the folder given to fill was not empty: {names}"
    marker = (tmp_path / "reports" / MARKER).read_text(encoding="utf-8")
    assert marker == MARKER_TEXT, f"marker {marker!r}, expected {MARKER_TEXT!r}"


def test_atomic_dir_marker_overrides_one_written_by_fill(tmp_path):
    atomic_dir(tmp_path / "reports", _write(MARKER, "forged"))
    got = (tmp_path / "reports" / MARKER).read_text(encoding="utf-8")
    assert got == MARKER_TEXT, f"marker {got!r}, expected {MARKER_TEXT!r}"


@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o027, 0o750), (0o077, 0o700), (0o002, 0o775)])
def test_atomic_dir_folder_permissions_follow_the_umask(tmp_path, umask, mode):
    saved = os.umask(umask)
    try:
        target = atomic_dir(tmp_path / "reports", _write("results.json", "{}"))
        after = os.umask(umask)
    finally:
        os.umask(saved)
    got = stat.S_IMODE(target.stat().st_mode)
    assert got == mode, f"umask {umask:o}: folder mode {got:o}, expected {mode:o} (not mkdtemp's 700)"
    assert after == umask, f"atomic_dir left the umask at {after:o}, expected {umask:o}"


def test_atomic_dir_replaces_the_old_content_and_deletes_it(tmp_path):
    target = tmp_path / "reports"
    atomic_dir(target, _write("REPORT.md", "old\n"))
    (target / "figures").mkdir()
    (target / "figures" / "a.svg").write_text("<svg/>")
    atomic_dir(target, _write("results.json", "new"))
    assert _tree(target) == {"results.json": "new", MARKER: MARKER_TEXT}, f"after the swap: {_tree(target)}"
    assert _names(tmp_path) == ["reports"], f"left next to the report: {_names(tmp_path)}"


def test_atomic_dir_carries_files_and_folders_of_the_old_target(tmp_path):
    target = tmp_path / "reports"

    def first(folder):
        (folder / "REPORT.md").write_text("old report")
        (folder / "ANSWER.md").write_text("old answer")
        (folder / "partial").mkdir()
        (folder / "partial" / "results.json").write_text("{}")
        (folder / "partial" / "deep").mkdir()
        (folder / "partial" / "deep" / "x.txt").write_text("x")

    def second(folder):
        (folder / "REPORT.md").write_text("new report")
        (folder / "results.json").write_text("new")

    atomic_dir(target, first)
    atomic_dir(target, second, carry=("ANSWER.md", "REPORT.md", "partial", "claims.tex"))
    expected = {"ANSWER.md": "old answer", "REPORT.md": "new report", "results.json": "new",
                MARKER: MARKER_TEXT, "partial": "<dir>", "partial/results.json": "{}",
                "partial/deep": "<dir>", "partial/deep/x.txt": "x"}
    got = _tree(target)
    assert got == expected, f"carried folder\n {got}\n expected\n {expected}"
    assert _names(tmp_path) == ["reports"], f"left next to the report: {_names(tmp_path)}"


def test_atomic_dir_carry_without_an_old_target(tmp_path):
    target = atomic_dir(tmp_path / "reports", _write("results.json", "{}"), carry=("partial", "figures"))
    got = _tree(target)
    assert got == {"results.json": "{}", MARKER: MARKER_TEXT}, f"first write with carry: {got}"


def test_atomic_dir_does_not_carry_what_it_was_not_asked_to(tmp_path):
    target = tmp_path / "reports"
    atomic_dir(target, _write("ANSWER.md", "old"))
    atomic_dir(target, _write("results.json", "new"), carry=("REPORT.md",))
    got = _tree(target)
    assert got == {"results.json": "new", MARKER: MARKER_TEXT}, f"after a write carrying REPORT.md: {got}"


def test_atomic_dir_failed_fill_leaves_the_target_untouched(tmp_path):
    target = tmp_path / "reports"
    atomic_dir(target, _write("results.json", "old"))

    def broken(folder):
        (folder / "results.json").write_text("half")
        (folder / "figures").mkdir()
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="^interrupted$"):
        atomic_dir(target, broken, carry=("results.json",))
    assert _tree(target) == {"results.json": "old", MARKER: MARKER_TEXT}, f"after a failed fill: {_tree(target)}"
    assert _names(tmp_path) == ["reports"], f"left next to the report: {_names(tmp_path)}"


def test_atomic_dir_refuses_a_foreign_folder_before_calling_fill(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("keep")
    called = []
    with pytest.raises(ValueError, match="^refusing to replace "):
        atomic_dir(target, called.append)
    assert called == [], f"fill was called for a refused target: {called}"
    assert _tree(target) == {"thesis.tex": "keep"}, f"refused folder changed: {_tree(target)}"
    assert _names(tmp_path) == ["mine"], f"left next to the folder: {_names(tmp_path)}"


def _failing_replace(monkeypatch, fail_on):
    """os.replace in writer that raises on call number ``fail_on``; gives the names and the
    parent folders of each call's source and destination."""
    real = os.replace
    calls = []
    places = []

    def replace(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        places.append((Path(src).parent, Path(dst).parent))
        if len(calls) == fail_on:
            raise OSError("swap failed")
        return real(src, dst)

    monkeypatch.setattr(writer.os, "replace", replace)
    return calls, places


def test_atomic_dir_restores_the_old_folder_when_the_swap_fails(tmp_path, monkeypatch):
    target = tmp_path / "reports"
    atomic_dir(target, _write("results.json", "old"))
    calls, places = _failing_replace(monkeypatch, fail_on=2)
    with pytest.raises(OSError, match="^swap failed$"):
        atomic_dir(target, _write("results.json", "new"))
    monkeypatch.undo()
    assert len(calls) == 3, f"os.replace calls {calls}, expected away, in (failing), back"
    (away_src, away_dst), (in_src, in_dst), (back_src, back_dst) = calls
    assert away_src == "reports" and away_dst.startswith(".reports.old-"), f"first replace {calls[0]}"
    assert in_src.startswith(".reports.tmp-") and in_dst == "reports", f"second replace {calls[1]}"
    assert (back_src, back_dst) == (away_dst, "reports"), f"third replace {calls[2]}, expected the old folder back"
    here = tmp_path.resolve()
    assert places == [(here, here)] * 3, f"os.replace folders {places}, expected all {here}"
    assert _tree(target) == {"results.json": "old", MARKER: MARKER_TEXT}, f"after a failed swap: {_tree(target)}"
    assert _names(tmp_path) == ["reports"], f"left next to the report: {_names(tmp_path)}"


def test_atomic_dir_failed_first_write_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "reports"
    calls, _ = _failing_replace(monkeypatch, fail_on=1)
    with pytest.raises(OSError, match="^swap failed$"):
        atomic_dir(target, _write("results.json", "new"))
    monkeypatch.undo()
    assert len(calls) == 1 and calls[0][1] == "reports" and calls[0][0].startswith(".reports.tmp-"), (
        f"os.replace calls {calls}, expected one from .reports.tmp-* to reports")
    assert _names(tmp_path) == [], f"left behind after a failed first write: {_names(tmp_path)}"


def test_atomic_dir_moves_the_old_folder_to_an_old_sibling(tmp_path, monkeypatch):
    target = tmp_path / "reports"
    atomic_dir(target, _write("results.json", "old"))
    calls, places = _failing_replace(monkeypatch, fail_on=0)  # never fails; records the calls
    atomic_dir(target, _write("results.json", "new"))
    monkeypatch.undo()
    assert len(calls) == 2, f"os.replace calls {calls}, expected two"
    assert calls[0][0] == "reports" and calls[0][1].startswith(".reports.old-"), f"first replace {calls[0]}"
    assert calls[1][0].startswith(".reports.tmp-") and calls[1][1] == "reports", f"second replace {calls[1]}"
    # renames within one folder stay on one filesystem, so each is atomic
    here = tmp_path.resolve()
    assert places == [(here, here), (here, here)], f"os.replace folders {places}, expected all {here}"
    assert _tree(target) == {"results.json": "new", MARKER: MARKER_TEXT}, f"after the swap: {_tree(target)}"
    assert _names(tmp_path) == ["reports"], f"left next to the report: {_names(tmp_path)}"


def test_atomic_dir_nested_partial_write_inside_a_report(tmp_path):
    target = tmp_path / "reports"
    atomic_dir(target, _write("results.json", "full"))
    atomic_dir(target / "partial", _write("results.json", "partial"))
    atomic_dir(target, _write("results.json", "full 2"), carry=("partial",))
    expected = {"results.json": "full 2", MARKER: MARKER_TEXT, "partial": "<dir>",
                "partial/results.json": "partial", f"partial/{MARKER}": MARKER_TEXT}
    assert _tree(target) == expected, f"after nested writes {_tree(target)}, expected {expected}"


def _undeletable(monkeypatch):
    """shutil.rmtree in writer fails unless told to ignore errors (a busy or read-only
    filesystem); gives the names it was asked to delete."""
    asked = []

    def rmtree(path, ignore_errors=False):
        asked.append(Path(path).name)
        if not ignore_errors:
            raise OSError(f"cannot delete {path}")

    monkeypatch.setattr(writer, "shutil", types.SimpleNamespace(
        rmtree=rmtree, copytree=shutil.copytree, copy2=shutil.copy2))
    return asked


def test_atomic_dir_succeeds_when_the_old_folder_cannot_be_deleted(tmp_path, monkeypatch):
    target = tmp_path / "reports"
    atomic_dir(target, _write("results.json", "old"))
    asked = _undeletable(monkeypatch)
    got = atomic_dir(target, _write("results.json", "new"))
    monkeypatch.undo()
    assert got == target.resolve(), f"atomic_dir returned {got}, expected {target.resolve()}"
    assert _tree(target) == {"results.json": "new", MARKER: MARKER_TEXT}, f"after the swap: {_tree(target)}"
    left = [n for n in _names(tmp_path) if n != "reports"]
    assert len(asked) == 1 and asked[0].startswith(".reports.old-") and left == asked, (
        f"asked to delete {asked}, left {left}; expected one undeletable .reports.old-* folder")


def test_atomic_dir_failed_fill_keeps_its_error_when_cleanup_fails(tmp_path, monkeypatch):
    target = tmp_path / "reports"
    atomic_dir(target, _write("results.json", "old"))
    asked = _undeletable(monkeypatch)

    def broken(folder):
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="^interrupted$"):
        atomic_dir(target, broken)
    monkeypatch.undo()
    assert _tree(target) == {"results.json": "old", MARKER: MARKER_TEXT}, f"after a failed fill: {_tree(target)}"
    assert len(asked) == 1 and asked[0].startswith(".reports.tmp-"), f"asked to delete {asked}"


def test_a_taken_temporary_name_is_skipped_and_a_full_set_is_an_error(tmp_path, monkeypatch):
    names = iter(["aaaa", "aaaa", "bbbb"])
    monkeypatch.setattr(writer.secrets, "token_hex", lambda n: next(names))
    first = writer._new_folder(tmp_path, ".r.tmp-")
    second = writer._new_folder(tmp_path, ".r.tmp-")
    assert (first.name, second.name) == (".r.tmp-aaaa", ".r.tmp-bbbb"), (first, second)
    tries = []
    monkeypatch.setattr(writer.secrets, "token_hex", lambda n: tries.append(n) or "aaaa")
    with pytest.raises(FileExistsError) as err:
        writer._new_folder(tmp_path, ".r.tmp-")
    assert str(err.value) == f"no free temporary folder name .r.tmp-* in {tmp_path}", str(err.value)
    assert tries == [6] * 100, f"{len(tries)} tries of token_hex({set(tries)}), expected 100 of 6 bytes"


def test_temporary_names_are_random_and_twelve_hex_digits(tmp_path):
    a, b = writer._new_folder(tmp_path, "p-"), writer._new_folder(tmp_path, "p-")
    for folder in (a, b):
        assert folder.is_dir() and len(folder.name) == 14 and int(folder.name[2:], 16) >= 0, folder.name
    assert a != b, f"two temporary folders got one name: {a.name}"
