"""The experiment of the motivating question, measured with torch: not theory.

Every gradient here comes from PyTorch autograd through real ``torch.nn`` modules
(``torch.nn.RNN``, ``torch.nn.LSTM``, ``torch.nn.Linear``).

The synthetic agreement task ("The cat(s), which ..., was/were hungry"): a subject token
(singular or plural), D filler tokens, then a verb slot where the model predicts *was*
(label 0) or *were* (label 1). :func:`make_sequences` builds the data (numpy, seeded),
:class:`AgreementModel` is ``torch.nn.RNN`` (tanh) or ``torch.nn.LSTM`` plus a linear
readout, :func:`train_model` trains it deterministically, :func:`wilson_interval` gives
the accuracy's confidence interval, :func:`subject_gradient_norm` measures the gradient
that reaches the subject token, and :func:`run_experiment` does all of it against D.

Backpropagation through time taken apart (:func:`rnn_modules`, :func:`shared_gradients`,
:func:`per_loss_gradients`, :func:`untied_gradients`, :func:`input_gradients`,
:func:`run_states`) is in :mod:`theory.measurement.bptt`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from .._validation import as_lags, as_positive_float

__all__ = [
    "AgreementConfig",
    "AgreementModel",
    "FAST_CONFIG",
    "SLOW_CONFIG",
    "make_sequences",
    "vocabulary",
    "build_model",
    "train_model",
    "evaluate",
    "wilson_interval",
    "LEARNED_ACCURACY",
    "subject_gradient_norm",
    "trained_rnn_arrays",
    "run_experiment",
    "accuracy_payload",
    "details_payload",
    "training_payload",
    "FAST_DISTANCES",
    "FAST_SEEDS",
    "FAST_RECORD_EVERY",
    "SLOW_DISTANCES",
    "SLOW_SEEDS",
    "SLOW_RECORD_EVERY",
]


# --------------------------------------------------------------------------------------
# The agreement task
# --------------------------------------------------------------------------------------

SUBJECTS = ("cat", "cats")
VERBS = ("was", "were")
#: A trained model has *learned* the agreement when its held-out accuracy is at least this.
LEARNED_ACCURACY = 0.9


@dataclass(frozen=True)
class AgreementConfig:
    """Everything that defines one training run except the model kind, D and the seed.

    Attributes
    ----------
    hidden_size : int
        Same for the RNN and the LSTM.
    n_fillers : int
        Size of the filler vocabulary ("which", "was", "gray", "and", ...).
    steps : int
        Adam steps (the training budget, the same for both models).
    batch_size : int
        Fresh sequences per step.
    learning_rate : float
    clip_norm : float
        Gradient-norm clipping (Pascanu et al. 2013), the same for both models.
    lstm_forget_bias : float or None
        Value of the LSTM's forget-gate ``bias_ih`` entries at initialisation (None: PyTorch's
        default). 1.0 is the usual recommendation (Gers et al. 2000; Jozefowicz et al. 2015).
    n_test : int
        Held-out sequences per (model, D, seed) for the accuracy.
    n_grad : int
        Sequences over which the gradient reaching the subject token is averaged.
    test_seed : int
        Seed of the held-out data (shared by all runs, disjoint from training seeds).
    """

    hidden_size: int = 16
    n_fillers: int = 8
    steps: int = 1500
    batch_size: int = 32
    learning_rate: float = 1e-3
    clip_norm: float = 1.0
    lstm_forget_bias: float | None = 1.0
    n_test: int = 500
    n_grad: int = 100
    test_seed: int = 2_000_003

    def __post_init__(self):
        for name in ("hidden_size", "n_fillers", "steps", "batch_size", "n_test", "n_grad"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        as_positive_float(self.learning_rate, "learning_rate")
        as_positive_float(self.clip_norm, "clip_norm")


def vocabulary(n_fillers=8):
    """Token names: the two subjects, the fillers, and the verb slot (one-hot order).

    Examples
    --------
    >>> vocabulary(2)
    ('cat', 'cats', 'filler0', 'filler1', '<verb>')
    """
    if isinstance(n_fillers, bool) or not isinstance(n_fillers, (int, np.integer)) or n_fillers < 1:
        raise ValueError(f"n_fillers must be a positive integer, got {n_fillers!r}")
    return SUBJECTS + tuple(f"filler{i}" for i in range(n_fillers)) + ("<verb>",)


def make_sequences(distance, n, *, n_fillers=8, seed=0):
    """n agreement sequences at distance D: subject, D fillers, verb slot (one-hot, numpy).

    Labels are balanced exactly (n // 2 plural, shuffled); fillers are i.i.d. uniform. The
    sequence for label y is [subject_y, f_1, ..., f_D, <verb>] and the model must predict
    VERBS[y] at the verb slot, D + 1 steps after the subject.

    Parameters
    ----------
    distance : int
        D ≥ 0 filler tokens.
    n : int
        Number of sequences, ≥ 1.
    n_fillers : int
    seed : int
        Seed of ``numpy.random.default_rng``: same seed, same data.

    Returns
    -------
    (inputs, labels) : ndarray (n, D + 2, 3 + n_fillers) float64, ndarray (n,) int64

    Raises
    ------
    ValueError
        For a negative D, n < 1 or a bad filler count.

    Examples
    --------
    >>> x, y = make_sequences(3, 4, n_fillers=2, seed=0)
    >>> x.shape, sorted(y.tolist())
    ((4, 5, 5), [0, 0, 1, 1])
    """
    D = int(as_lags(distance, "distance"))
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    vocab = vocabulary(n_fillers)
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 2).astype(np.int64)
    fillers = rng.integers(0, n_fillers, size=(n, D))
    x = np.zeros((n, D + 2, len(vocab)))
    rows = np.arange(n)
    x[rows, 0, labels] = 1.0
    for j in range(D):
        x[rows, 1 + j, 2 + fillers[:, j]] = 1.0
    x[:, -1, len(vocab) - 1] = 1.0
    return x, labels


class AgreementModel(torch.nn.Module):
    """``torch.nn.RNN`` (tanh) or ``torch.nn.LSTM`` and a ``torch.nn.Linear`` readout at the last step.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    vocab_size : int
        Size of the one-hot input.
    hidden_size : int
    lstm_forget_bias : float, optional
        Forget-gate entries of the LSTM's ``bias_ih_l0`` (gate order i, f, g, o).

    Raises
    ------
    ValueError
        For an unknown kind.
    """

    def __init__(self, kind, vocab_size, hidden_size, lstm_forget_bias=None):
        super().__init__()
        if kind not in ("rnn", "lstm"):
            raise ValueError(f"kind must be 'rnn' or 'lstm', got {kind!r}")
        self.kind = kind
        opts = dict(batch_first=True, dtype=torch.float64)
        if kind == "rnn":
            self.rnn = torch.nn.RNN(vocab_size, hidden_size, nonlinearity="tanh", **opts)
        else:
            self.rnn = torch.nn.LSTM(vocab_size, hidden_size, **opts)
            if lstm_forget_bias is not None:
                with torch.no_grad():
                    self.rnn.bias_ih_l0[hidden_size : 2 * hidden_size] = lstm_forget_bias
        self.readout = torch.nn.Linear(hidden_size, 2, dtype=torch.float64)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.readout(out[..., -1, :])


def build_model(kind, config=None, seed=0):
    """A freshly initialised agreement model, deterministic in ``seed``.

    PyTorch's default initialisation (uniform ±1/√n) for both models, drawn inside
    ``torch.random.fork_rng`` after ``torch.manual_seed(seed)`` so that the global RNG is
    left untouched; for the LSTM, the forget-gate bias is set as in ``config``.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    config : AgreementConfig, optional
    seed : int

    Returns
    -------
    AgreementModel

    Raises
    ------
    ValueError
        For an unknown kind.

    Examples
    --------
    >>> model = build_model("lstm", AgreementConfig(hidden_size=4), seed=0)
    >>> type(model.rnn).__name__, model.rnn.hidden_size
    ('LSTM', 4)
    """
    config = AgreementConfig() if config is None else config
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        return AgreementModel(
            kind,
            len(vocabulary(config.n_fillers)),
            config.hidden_size,
            config.lstm_forget_bias,
        )


def subject_gradient_norm(model, inputs, labels):
    """Mean over sequences of ‖∂L_i/∂x_{i,1}‖₂: the gradient that reaches the subject token.

    L_i is the cross-entropy at the verb slot of sequence i; sequences do not interact, so
    the gradient of Σ_i L_i with respect to the batch of inputs, row (i, 1), is ∂L_i/∂x_{i,1}.

    Parameters
    ----------
    model : AgreementModel
    inputs : ndarray (N, D + 2, vocab)
    labels : ndarray (N,)

    Returns
    -------
    float

    Examples
    --------
    >>> x, y = make_sequences(3, 4, seed=0)
    >>> subject_gradient_norm(build_model("rnn", seed=0), x, y) > 0
    True
    """
    x = torch.as_tensor(inputs).clone().requires_grad_(True)
    loss = torch.nn.functional.cross_entropy(model(x), torch.as_tensor(labels), reduction="sum")
    (g,) = torch.autograd.grad(loss, [x])
    return float(g[:, 0, :].norm(dim=1).mean())


def evaluate(model, inputs, labels):
    """Number of correct verb predictions and number of sequences.

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> x, y = make_sequences(3, 10, seed=0)
    >>> evaluate(build_model("rnn", seed=0), x, y)[1]
    10
    """
    with torch.no_grad():
        pred = model(torch.as_tensor(inputs)).argmax(dim=1).numpy()
    return int((pred == np.asarray(labels)).sum()), int(len(labels))


def wilson_interval(successes, trials, confidence=0.99):
    """Wilson score interval for a binomial proportion (``scipy.stats.binomtest``).

    Hypotheses: ``successes`` ~ Binomial(trials, p), independent trials. Conclusion: the
    interval covers p with probability ≈ ``confidence`` (close to nominal even near 0 and 1,
    unlike the Wald interval). In the agreement experiment the trials are the held-out
    sequences of ONE trained model: every seed is evaluated on the same sequences, so the
    outcomes of different seeds are not independent trials and must not be pooled into one
    count (the pooled interval would be too narrow by up to √seeds).

    Parameters
    ----------
    successes : int
        0 ≤ successes ≤ trials.
    trials : int
        ≥ 1.
    confidence : float
        In (0, 1).

    Returns
    -------
    (float, float)
        Lower and upper end, in [0, 1] (exactly 0 for no successes, 1 for all).

    Raises
    ------
    ValueError
        On counts that are not integers with 0 ≤ successes ≤ trials, trials ≥ 1, or a
        confidence outside (0, 1).

    References
    ----------
    Wilson (1927), "Probable inference, the law of succession, and statistical inference",
    JASA 22(158); Brown, Cai & DasGupta (2001), Statistical Science 16(2).

    Examples
    --------
    >>> lo, hi = wilson_interval(50, 100, 0.95)
    >>> round(lo, 4), round(hi, 4)
    (0.4038, 0.5962)
    """
    for name, v in (("successes", successes), ("trials", trials)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {v!r}")
    if trials < 1 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 ≤ successes ≤ trials and trials ≥ 1, got {successes}/{trials}")
    if not (isinstance(confidence, (float, int)) and 0.0 < confidence < 1.0):
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    from scipy.stats import binomtest  # imported here: scipy.stats is slow to import

    ci = binomtest(int(successes), int(trials)).proportion_ci(
        confidence_level=float(confidence), method="wilson"
    )
    return float(ci.low), float(ci.high)


def train_model(kind, distance, seed, config=None, *, record_every=None):
    """Train one agreement model at distance D; deterministic in (kind, D, seed, config).

    ``torch.optim.Adam`` on the cross-entropy at the verb slot, a fresh batch of sequences per
    step from ``numpy.random.default_rng`` seeded by (seed, D), gradient-norm clipping with
    ``torch.nn.utils.clip_grad_norm_``; same recipe and budget for the RNN and the LSTM.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    distance : int
    seed : int
    config : AgreementConfig, optional
    record_every : int, optional
        Also measure the subject gradient every this many steps.

    Returns
    -------
    (AgreementModel, dict)
        The trained model and a history: ``"subject_grad_init"``, ``"subject_grad_trained"``,
        ``"subject_grad_during"`` (list of [step, value]), ``"seconds"``.

    Raises
    ------
    ValueError
        For an unknown kind or a bad distance.

    References
    ----------
    Kingma & Ba (2015), "Adam: a method for stochastic optimization", ICLR; Pascanu,
    Mikolov & Bengio (2013), ICML, §3.2 (gradient-norm clipping).

    Examples
    --------
    >>> config = AgreementConfig(hidden_size=4, steps=2, batch_size=4, n_grad=4)
    >>> m1, h1 = train_model("rnn", 3, 0, config)
    >>> m2, h2 = train_model("rnn", 3, 0, config)
    >>> h1["subject_grad_trained"] == h2["subject_grad_trained"]  # deterministic
    True
    """
    config = AgreementConfig() if config is None else config
    D = int(as_lags(distance, "distance"))
    model = build_model(kind, config, seed)
    probe_x, probe_y = make_sequences(
        D, config.n_grad, n_fillers=config.n_fillers, seed=config.test_seed + 1
    )
    history = {"subject_grad_init": subject_gradient_norm(model, probe_x, probe_y)}
    history["subject_grad_during"] = [[0, history["subject_grad_init"]]]
    # The first torch.optim.Adam of a process costs about 1.1 s (it imports torch._dynamo;
    # measured 1.06-1.29 s over three fresh processes), once per process: not worth a
    # hand-written optimizer.
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    rng = np.random.default_rng([int(seed), D])
    start = time.perf_counter()
    for step in range(1, config.steps + 1):
        x, y = make_sequences(D, config.batch_size, n_fillers=config.n_fillers, seed=rng)
        loss = torch.nn.functional.cross_entropy(model(torch.as_tensor(x)), torch.as_tensor(y))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
        opt.step()
        if record_every and step % record_every == 0:
            history["subject_grad_during"].append(
                [step, subject_gradient_norm(model, probe_x, probe_y)]
            )
    history["seconds"] = time.perf_counter() - start
    history["subject_grad_trained"] = subject_gradient_norm(model, probe_x, probe_y)
    return model, history


def trained_rnn_arrays(model):
    """W, U, b (= bias_ih + bias_hh) of a trained tanh agreement RNN, as numpy float64.

    Raises
    ------
    ValueError
        If the model is not the vanilla RNN.

    Examples
    --------
    >>> sorted(trained_rnn_arrays(build_model("rnn", AgreementConfig(hidden_size=3))))
    ['U', 'W', 'b']
    """
    if getattr(model, "kind", None) != "rnn":
        raise ValueError("trained_rnn_arrays needs the vanilla RNN agreement model")
    r = model.rnn
    return {
        "W": r.weight_hh_l0.detach().numpy().copy(),
        "U": r.weight_ih_l0.detach().numpy().copy(),
        "b": (r.bias_ih_l0 + r.bias_hh_l0).detach().numpy().copy(),
    }


def run_experiment(distances, seeds, config=None, *, confidence=0.99, keep_models=False,
                   record_every=None):
    """Accuracy and subject gradient against D for the RNN and the LSTM, seed by seed.

    For each model kind, distance D and seed s = 0..seeds − 1: train (:func:`train_model`),
    evaluate on ``config.n_test`` held-out sequences (the SAME sequences for every seed at
    that D), and measure the gradient reaching the subject token at initialisation and after
    training (and, with ``record_every``, every that many steps during training).

    Every seed's accuracy gets its own Wilson interval at ``confidence`` with
    n = ``config.n_test``: the seeds share the test sequences, so their outcomes are not
    independent trials and pooling them into one count would give an interval too narrow by
    up to √seeds. A seed has *learned* the agreement when its accuracy is at least
    :data:`LEARNED_ACCURACY`; ``learned_seeds`` counts them per D.

    Parameters
    ----------
    distances : sequence of int
    seeds : int
        Number of seeds (0..seeds − 1).
    config : AgreementConfig, optional
    confidence : float
    keep_models : bool
        Also return the trained models under ``"models"`` (not JSON-serialisable).
    record_every : int, optional
        Also measure the subject gradient every this many training steps (see
        :func:`training_payload`).

    Returns
    -------
    dict
        ``"distances"``, ``"seeds"``, ``"n_test"``, ``"confidence"``, ``"learned_accuracy"``;
        ``"rnn"`` and ``"lstm"``: ``{"mean", "ci_low", "ci_high"}`` per D, where ``mean`` is
        the mean accuracy over seeds and ``ci_low`` / ``ci_high`` the lowest lower end and the
        highest upper end of the seeds' Wilson intervals (the range the seeds span, not an
        interval for the mean); ``"per_seed"``: for each kind, per D a list over seeds of
        ``"accuracy"``, ``"ci_low"``, ``"ci_high"``, ``"subject_grad"``,
        ``"subject_grad_trained"``, ``"seconds"`` (and ``"subject_grad_during"``);
        ``"learned_seeds"``: ``{"rnn", "lstm"}``, per D the number of seeds that learned;
        ``"subject_grad"``, ``"subject_grad_trained"``: geometric means over seeds;
        ``"config"``, ``"seconds"``. With ``record_every`` also ``"subject_grad_during":
        {"steps", "rnn", "lstm"}``: for each D, the geometric mean over seeds at each
        recorded step (step 0 is the initialisation).

    Raises
    ------
    ValueError
        On bad distances or seeds.

    Examples
    --------
    >>> config = AgreementConfig(hidden_size=4, steps=2, batch_size=4, n_test=10, n_grad=4)
    >>> r = run_experiment([1], 2, config)
    >>> len(r["per_seed"]["rnn"]["accuracy"][0]), r["learned_seeds"]["rnn"][0] <= 2
    (2, True)
    """
    config = AgreementConfig() if config is None else config
    distances, seeds, record_every = _checked_arguments(distances, seeds, record_every)
    start = time.perf_counter()
    models = {} if keep_models else None
    per_seed, steps = {}, None
    for kind in ("rnn", "lstm"):
        per_seed[kind] = {}
        for D in distances:
            test = make_sequences(D, config.n_test, n_fillers=config.n_fillers, seed=config.test_seed)
            cell, steps = _train_seeds(kind, D, seeds, config, test, confidence,
                                       record_every, models)
            for key, values in cell.items():
                per_seed[kind].setdefault(key, []).append(values)
    result = {"distances": distances, "seeds": seeds, "n_test": config.n_test,
              "confidence": confidence, "learned_accuracy": LEARNED_ACCURACY}
    result.update(_summaries(per_seed))
    if record_every:
        result["subject_grad_during"] = {"steps": steps, **{
            kind: [[_geometric_mean(column) for column in zip(*cell)]
                   for cell in per_seed[kind]["subject_grad_during"]] for kind in per_seed}}
    result["per_seed"] = per_seed
    result["config"] = asdict(config)
    result["seconds"] = time.perf_counter() - start
    if keep_models:
        result["models"] = models
    return result


def _checked_arguments(distances, seeds, record_every):
    """Distances as a list of int, seeds as int, record_every as int or None; ValueError otherwise."""
    distances = [int(d) for d in np.atleast_1d(as_lags(distances, "distances"))]
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
    if record_every is not None:
        record_every = int(as_lags(record_every, "record_every"))
        if record_every < 1:
            raise ValueError(f"record_every must be at least 1, got {record_every}")
    return distances, int(seeds), record_every


def _train_seeds(kind, distance, seeds, config, test, confidence, record_every, models):
    """Seeds 0..seeds − 1 of one (kind, D): per-seed accuracy on ``test`` with its own Wilson
    interval (n = the test set's size), gradients and times; the recorded steps (or None)."""
    cell = {key: [] for key in ("accuracy", "ci_low", "ci_high", "subject_grad",
                                "subject_grad_trained", "seconds")}
    if record_every:
        cell["subject_grad_during"] = []
    steps = None
    for seed in range(seeds):
        model, hist = train_model(kind, distance, seed, config, record_every=record_every)
        correct, n = evaluate(model, *test)
        low, high = wilson_interval(correct, n, confidence)
        for key, value in (("accuracy", correct / n), ("ci_low", low), ("ci_high", high),
                           ("subject_grad", hist["subject_grad_init"]),
                           ("subject_grad_trained", hist["subject_grad_trained"]),
                           ("seconds", hist["seconds"])):
            cell[key].append(value)
        if record_every:
            steps = [step for step, _ in hist["subject_grad_during"]]
            cell["subject_grad_during"].append([value for _, value in hist["subject_grad_during"]])
        if models is not None:
            models[(kind, distance, seed)] = model
    return cell, steps


def _summaries(per_seed):
    """Per kind and D: mean accuracy over seeds, the range of the seeds' Wilson intervals, the
    number of seeds that learned, and the geometric means of the subject gradients."""
    out = {"learned_seeds": {}, "subject_grad": {}, "subject_grad_trained": {}}
    for kind, cells in per_seed.items():
        out[kind] = {"mean": [float(np.mean(row)) for row in cells["accuracy"]],
                     "ci_low": [min(row) for row in cells["ci_low"]],
                     "ci_high": [max(row) for row in cells["ci_high"]]}
        out["learned_seeds"][kind] = [sum(a >= LEARNED_ACCURACY for a in row)
                                      for row in cells["accuracy"]]
        for key in ("subject_grad", "subject_grad_trained"):
            out[key][kind] = [_geometric_mean(row) for row in cells[key]]
    return out


def _geometric_mean(values):
    v = np.asarray(values, dtype=float)
    if (v <= 0).any():
        return float(np.exp(np.mean(np.log(np.maximum(v, 1e-300)))))
    return float(np.exp(np.mean(np.log(v))))


def accuracy_payload(result):
    """The ``"agreement_accuracy"`` payload of a :func:`run_experiment` result (figure data).

    Returns
    -------
    dict
        ``{"distances", "seeds", "n_test", "confidence", "learned_accuracy", "rnn": {"mean",
        "ci_low", "ci_high"}, "lstm": {...}, "per_seed": {"rnn": {"accuracy", "ci_low",
        "ci_high"}, "lstm": {...}}, "learned_seeds": {"rnn", "lstm"}, "subject_grad": {"rnn",
        "lstm"}, "subject_grad_trained": {"rnn", "lstm"}}``, as in :func:`run_experiment`
        (``per_seed[kind][key][i][s]``: distance ``distances[i]``, seed s).
    """
    keys = ("distances", "seeds", "n_test", "confidence", "learned_accuracy", "rnn", "lstm",
            "learned_seeds", "subject_grad", "subject_grad_trained")
    payload = {k: result[k] for k in keys}
    payload["per_seed"] = {kind: {k: result["per_seed"][kind][k]
                                  for k in ("accuracy", "ci_low", "ci_high")}
                           for kind in ("rnn", "lstm")}
    return payload


def training_payload(result):
    """The ``"agreement_training"`` payload: the subject gradient during training.

    Parameters
    ----------
    result : dict
        A :func:`run_experiment` result made with ``record_every``.

    Returns
    -------
    dict
        ``{"distances", "seeds", "steps", "rnn", "lstm", "per_seed", "config"}``:
        ``rnn[i][j]`` is the gradient reaching the subject at distance ``distances[i]`` after
        ``steps[j]`` training steps (geometric mean over seeds; step 0 is the
        initialisation), ``per_seed["rnn"][i][s][j]`` the same for seed s alone.

    Raises
    ------
    ValueError
        If the experiment did not record the gradient during training.
    """
    during = result.get("subject_grad_during")
    if not during:
        raise ValueError("this experiment was run without record_every: no gradient during training")
    return {"distances": result["distances"], "seeds": result["seeds"], "steps": during["steps"],
            "rnn": during["rnn"], "lstm": during["lstm"],
            "per_seed": {kind: result["per_seed"][kind]["subject_grad_during"]
                         for kind in ("rnn", "lstm")},
            "config": {k: result["config"][k] for k in ("hidden_size", "steps", "learning_rate")}}


def details_payload(result, version):
    """Per-seed numbers, configuration and timing of a :func:`run_experiment` result."""
    keys = ("per_seed", "config", "confidence", "seconds", "distances", "seeds")
    return {"version": version, **{k: result[k] for k in keys}}


#: The fast version that runs by default: 1 seed, hidden size 8, D ∈ {2, 30}, 300 steps.
FAST_CONFIG = AgreementConfig(hidden_size=8, steps=300, n_test=400, n_grad=50)
FAST_DISTANCES = (2, 30)
FAST_SEEDS = 1
#: Training steps between two measurements of the subject gradient (fast version).
FAST_RECORD_EVERY = 25
#: The full experiment (``pytest -m slow``): hidden size 16, 1500 Adam steps, 5 seeds.
SLOW_CONFIG = AgreementConfig()
SLOW_DISTANCES = (2, 5, 10, 20, 30, 45, 60)
SLOW_SEEDS = 5
SLOW_RECORD_EVERY = 100
