"""Train the character-level RNN of docs/diagnose.md on prose that ships with Python.

The text is every help topic of ``pydoc_data.topics`` (the pages ``help("if")`` shows,
about 465,000 characters), in sorted topic order; the last 10 % is held out. Characters are
printable ASCII plus newline (96 symbols, one-hot); any other character becomes '?'.

The model is a one-layer ``torch.nn.RNN`` (tanh, 128 units) and a ``torch.nn.Linear`` readout
that predicts the next character; ``torch.optim.Adam`` (learning rate 3e-3), gradient-norm
clipping at 1, 3,000 steps of 32 windows of 100 characters, float32. Everything is seeded
and runs on one thread, so a rerun gives the same weights on the same machine and torch
version (and numbers within rounding elsewhere).

Run from the repository root (about 2 minutes on one core):

    python examples/diagnose/train_char_rnn.py

It writes ``examples/diagnose/char_rnn.pt`` (the state_dict: ``rnn.*`` and ``readout.*``,
about 170 KB) and ``examples/diagnose/char_rnn_inputs.npy`` (a 300-character held-out passage,
one-hot, float32) for ``python -m theory diagnose``.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
ALPHABET = "\n" + "".join(chr(c) for c in range(32, 127))
HIDDEN, WINDOW, BATCH, STEPS, LEARNING_RATE, CLIP, SEED = 128, 100, 32, 3000, 3e-3, 1.0, 0
PASSAGE = 300


def corpus():
    """The help topics as one string of ALPHABET characters (others become '?')."""
    from pydoc_data.topics import topics

    text = "\n\n".join(topics[name] for name in sorted(topics))
    known = set(ALPHABET)
    return "".join(ch if ch in known else "?" for ch in text)


def encode(text):
    index = {ch: i for i, ch in enumerate(ALPHABET)}
    return np.array([index[ch] for ch in text], dtype=np.int64)


class CharRNN(torch.nn.Module):
    """One-hot characters → torch.nn.RNN (tanh) → torch.nn.Linear logits of the next one."""

    def __init__(self, vocab=len(ALPHABET), hidden=HIDDEN):
        super().__init__()
        self.vocab = vocab
        self.rnn = torch.nn.RNN(vocab, hidden, batch_first=True)
        self.readout = torch.nn.Linear(hidden, vocab)

    def forward(self, codes):
        out, _ = self.rnn(torch.nn.functional.one_hot(codes, self.vocab).float())
        return self.readout(out)


def bits_per_character(model, codes):
    with torch.no_grad():
        x = torch.as_tensor(codes[: (len(codes) - 1) // WINDOW * WINDOW + 1])
        inputs, targets = x[:-1].reshape(-1, WINDOW), x[1:].reshape(-1, WINDOW)
        loss = torch.nn.functional.cross_entropy(model(inputs).transpose(1, 2), targets)
    return float(loss) / math.log(2)


def train():
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    codes = encode(corpus())
    split = int(0.9 * len(codes))
    train_codes, held_out = codes[:split], codes[split:]
    model = CharRNN()
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    for step in range(1, STEPS + 1):
        offsets = rng.integers(0, len(train_codes) - WINDOW - 1, size=BATCH)
        window = torch.as_tensor(np.stack([train_codes[o : o + WINDOW + 1] for o in offsets]))
        loss = torch.nn.functional.cross_entropy(model(window[:, :-1]).transpose(1, 2), window[:, 1:])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        if step % 250 == 0:
            print(f"step {step:5d}: training loss {loss.item() / math.log(2):.3f} bits/char "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"held-out: {bits_per_character(model, held_out[:20_000]):.3f} bits/char "
          f"(uniform: {math.log2(len(ALPHABET)):.3f})")
    return model, held_out


def main():
    model, held_out = train()
    torch.save(model.state_dict(), HERE / "char_rnn.pt")
    passage = held_out[1000 : 1000 + PASSAGE]
    np.save(HERE / "char_rnn_inputs.npy", np.eye(len(ALPHABET), dtype=np.float32)[passage])
    print("passage:", repr("".join(ALPHABET[c] for c in passage[:80])), "...")
    print(f"wrote {HERE / 'char_rnn.pt'} and {HERE / 'char_rnn_inputs.npy'}")


if __name__ == "__main__":
    main()
