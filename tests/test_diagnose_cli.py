"""``python -m theory diagnose``: outputs for good input, exit 2 and one line for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from theory.__main__ import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def files(tmp_path):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 4, num_layers=2)
    paths = {name: tmp_path / name for name in (
        "lstm.pt", "module.pt", "relu.pt", "x.npy", "wide.npy", "x.pt", "nan.pt", "junk.pt",
        "linear.pt", "list.pt", "objects.npy", "x.csv", "inf_x.npy")}
    torch.save(lstm.state_dict(), paths["lstm.pt"])
    torch.save(lstm, paths["module.pt"])
    torch.save(torch.nn.RNN(3, 5, nonlinearity="relu").state_dict(), paths["relu.pt"])
    np.save(paths["x.npy"], np.random.default_rng(0).standard_normal((20, 3)))
    np.save(paths["wide.npy"], np.zeros((20, 4)))
    np.save(paths["inf_x.npy"], np.full((20, 3), np.inf))
    np.save(paths["objects.npy"], np.array([{"a": 1}], dtype=object), allow_pickle=True)
    torch.save(torch.zeros(9, 3), paths["x.pt"])
    state = lstm.state_dict()
    state["weight_hh_l1"][0, 0] = float("nan")
    torch.save(state, paths["nan.pt"])
    paths["junk.pt"].write_text("not a torch file")
    paths["x.csv"].write_text("1,2,3\n")
    torch.save(torch.nn.Linear(2, 2).state_dict(), paths["linear.pt"])
    torch.save([1, 2, 3], paths["list.pt"])
    return paths


def run(capsys, *args):
    status = main(["diagnose", *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_state_dict_with_inputs_writes_table_json_png_svg(files, tmp_path, capsys):
    out_dir = tmp_path / "report"
    status, out, err = run(capsys, files["lstm.pt"], "--inputs", files["x.npy"], "--out", out_dir)
    assert status == 0, err
    assert "LSTM: 2 layers" in out and "forget gates" in out and "end-to-end" in out
    assert "layer 1 (forward): lag profile" in err  # progress on standard error
    data = json.loads((out_dir / "diagnosis.json").read_text())
    assert data["steps"] == 20 and data["model"]["num_layers"] == 2
    assert (out_dir / "diagnosis.png").stat().st_size > 0 and (out_dir / "diagnosis.svg").stat().st_size > 0


def test_relu_rnn_with_pt_inputs_and_steps(files, tmp_path, capsys):
    status, out, _ = run(capsys, files["relu.pt"], "--nonlinearity", "relu", "--inputs", files["x.pt"],
                         "--steps", 5, "--out", tmp_path / "o", "--quiet")
    assert status == 0 and "RNN (relu)" in out and "T = 5 steps" in out


def test_weights_only(files, tmp_path, capsys):
    status, out, err = run(capsys, files["lstm.pt"], "--out", tmp_path / "w")
    assert status == 0 and "weights only" in out and "end-to-end" not in out, err


def test_pickled_module_needs_allow_pickle(files, tmp_path, capsys):
    status, _, err = run(capsys, files["module.pt"])
    assert status == 2 and "--allow-pickle" in err and "arbitrary code" in err
    status, out, _ = run(capsys, files["module.pt"], "--allow-pickle", "--out", tmp_path / "p", "--quiet")
    assert status == 0 and "LSTM" in out


@pytest.mark.parametrize("args, message", [
    (("junk.pt",), "not a file saved with torch.save"),
    (("linear.pt",), "no recurrent weights"),
    (("list.pt",), "expected a state_dict"),
    (("nan.pt",), "weight_hh_l1 has non-finite"),
    (("missing.pt",), "is not a file"),
    (("lstm.pt", "--inputs", "wide.npy"), "width 4"),
    (("lstm.pt", "--inputs", "inf_x.npy"), "finite"),
    (("lstm.pt", "--inputs", "objects.npy"), "could not be read"),
    (("lstm.pt", "--inputs", "x.csv"), "must be a .npy or .pt"),
    (("lstm.pt", "--inputs", "lstm.pt"), "not a tensor"),
    (("lstm.pt", "--nonlinearity", "relu"), "applies to an RNN"),
    (("lstm.pt", "--nonlinearity", "sigmoid"), "invalid choice"),
    (("lstm.pt", "--steps", "0"), "positive integer"),
    (("lstm.pt", "--steps", "ten"), "positive integer"),
])
def test_bad_input_exits_2_with_one_line(files, capsys, args, message):
    resolved = [str(files.get(a, a)) if not a.startswith("-") else a for a in args]
    status, out, err = run(capsys, *resolved)
    assert status == 2, (status, out, err)
    assert err.count("\n") == 1 and message in err and "Traceback" not in err, err
    assert err.startswith("python -m theory: error: "), err


def test_no_command_and_unknown_command(capsys):
    for argv in ([], ["frobnicate"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "error:" in err, err


def test_runs_as_a_module(files, tmp_path):
    """The real entry point: ``python -m theory diagnose`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-m", "theory", "diagnose", str(files["junk.pt"])],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
