"""``python -m theory COMMAND``: the package's command line.

Commands:

``diagnose MODEL [--inputs FILE] [--steps T] [--out DIR] [--nonlinearity relu] [--allow-pickle]``
    Diagnose a recurrent model saved with ``torch.save``: prints the per-layer table and
    writes ``diagnosis.json``, ``diagnosis.png`` and ``diagnosis.svg`` into DIR.

Exit status 0 on success and 2 on bad input (a file that is not such a model, inputs of the
wrong width, non-finite weights, an unsupported module, a bad option), with one line on
standard error instead of a traceback. New commands are subparsers of :func:`parser`.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path

PROG = "python -m theory"


class CommandLineError(Exception):
    """Bad input to the command line: printed as one line, exit status 2."""


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints the usage and then the error; here it is one line, exit status 2."""

    def error(self, message):
        raise CommandLineError(f"{message} (see {self.prog} --help)")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def parser():
    """The argument parser: one subparser per command."""
    top = _OneLineParser(prog=PROG, description="rnn-gradient-theory from the command line.")
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    commands.required = True
    diag = commands.add_parser(
        "diagnose", help="diagnose a saved torch.nn.RNN / LSTM / GRU",
        description="Diagnose the gradient flow of a recurrent model saved with torch.save: "
                    "spectra, regime or gate bounds, and (with inputs) the measured lag profile, "
                    "Lyapunov exponents and input sensitivity.")
    diag.add_argument("model", metavar="MODEL",
                      help="torch.save file of an RNN/LSTM/GRU state_dict (loaded with "
                           "weights_only=True; sizes inferred from the weight shapes)")
    diag.add_argument("--inputs", metavar="FILE",
                      help="inputs as .npy or .pt: one (T, m) sequence or a (batch, T, m) array")
    diag.add_argument("--steps", metavar="T", type=_positive_int,
                      help="use the first T steps of the inputs; without inputs, run T steps of "
                           "zero input")
    diag.add_argument("--out", metavar="DIR", default="diagnosis",
                      help="folder for diagnosis.json, .png and .svg (default: ./diagnosis)")
    diag.add_argument("--nonlinearity", choices=("tanh", "relu"), default=None,
                      help="the RNN's nonlinearity (its weights do not say; default tanh)")
    diag.add_argument("--allow-pickle", action="store_true",
                      help="also accept a pickled whole module; unpickling runs arbitrary code, "
                           "so use it only for files you trust")
    diag.add_argument("--quiet", action="store_true", help="no progress messages")
    diag.set_defaults(run=run_diagnose)
    return top


def _torch_load(path, weights_only):
    import torch

    return torch.load(path, map_location="cpu", weights_only=weights_only)


def load_model(path, *, nonlinearity=None, allow_pickle=False):
    """The recurrent module saved in ``path`` (a state_dict, or with ``allow_pickle`` a module)."""
    from .measurement.diagnose import model_from_state_dict

    path = Path(path)
    if not path.is_file():
        raise CommandLineError(f"MODEL {str(path)!r} is not a file")
    try:
        loaded = _torch_load(path, weights_only=True)
    except pickle.UnpicklingError as error:
        if "Unsupported global" not in str(error):  # not a pickle of objects (a text file, ...)
            raise CommandLineError(f"MODEL {path.name!r} is not a file saved with torch.save "
                                   "(UnpicklingError)") from None
        if not allow_pickle:
            raise CommandLineError(
                f"MODEL {path.name!r} is not a plain state_dict (it holds pickled objects); "
                "unpickling runs arbitrary code: pass --allow-pickle only if you trust the file"
            ) from None
        loaded = _torch_load(path, weights_only=False)
    except Exception as error:  # torch raises RuntimeError, EOFError, ... for a non-torch file
        raise CommandLineError(f"MODEL {path.name!r} is not a file saved with torch.save "
                               f"({type(error).__name__})") from None
    import torch

    if isinstance(loaded, torch.nn.Module):
        if nonlinearity is not None:
            raise CommandLineError("--nonlinearity applies to a state_dict; a module knows its own")
        return loaded
    try:
        return model_from_state_dict(loaded, nonlinearity=nonlinearity or "tanh")
    except ValueError as error:
        raise CommandLineError(f"MODEL {path.name!r}: {error}") from None


def load_inputs(path):
    """A numeric array from a .npy file or a tensor from a .pt file, loaded without pickle."""
    import numpy as np

    path = Path(path)
    if not path.is_file():
        raise CommandLineError(f"inputs {str(path)!r} is not a file")
    try:
        if path.suffix == ".npy":
            return np.load(path, allow_pickle=False)
        if path.suffix == ".pt":
            import torch

            value = _torch_load(path, weights_only=True)
            if not isinstance(value, torch.Tensor):
                raise CommandLineError(f"inputs {path.name!r} hold a {type(value).__name__}, "
                                       "not a tensor")
            return value
    except CommandLineError:
        raise
    except Exception as error:  # numpy and torch raise many types for a corrupt file
        raise CommandLineError(f"inputs {path.name!r} could not be read: "
                               f"{str(error).splitlines()[0] if str(error) else type(error).__name__}"
                               ) from None
    raise CommandLineError(f"inputs must be a .npy or .pt file, got {path.name!r}")


def run_diagnose(args):
    """The ``diagnose`` command: returns the exit status."""
    from .measurement.diagnose import diagnose

    start = time.perf_counter()

    def progress(message):
        if not args.quiet:
            print(f"[{time.perf_counter() - start:6.1f} s] {message}", file=sys.stderr, flush=True)

    model = load_model(args.model, nonlinearity=args.nonlinearity, allow_pickle=args.allow_pickle)
    inputs = load_inputs(args.inputs) if args.inputs else None
    try:
        diagnosis = diagnose(model, inputs, steps=args.steps, progress=progress)
    except ValueError as error:
        raise CommandLineError(str(error)) from None
    print(diagnosis)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "diagnosis.json").write_text(
            json.dumps(diagnosis.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        progress("drawing the figure")
        diagnosis.figure(out / "diagnosis")
    except OSError as error:
        raise CommandLineError(f"cannot write to {str(out)!r}: {error.strerror or error}") from None
    print(f"\nwrote {out / 'diagnosis.json'}, {out / 'diagnosis.png'}, {out / 'diagnosis.svg'}")
    return 0


def main(argv=None):
    """Run the command line; return the exit status."""
    try:
        args = parser().parse_args(argv)
        return args.run(args)
    except CommandLineError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader closed the pipe (``| head``): not an error. Point stdout at devnull so
        # that the interpreter's final flush does not raise again (Python docs, "SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
