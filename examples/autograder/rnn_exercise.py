"""The exercise: a vanilla RNN's forward and backward pass in numpy, in the course's notation.

a⟨t⟩ = tanh(W_aa a⟨t−1⟩ + W_ax x⟨t⟩ + b_a), t = 1..T_x, for a batch of m sequences stored
column-wise: x has shape (n_x, m, T_x), a0 (n_a, m), a (n_a, m, T_x), W_aa (n_a, n_a),
W_ax (n_a, n_x), b_a (n_a, 1). ``rnn_backward(da, caches)`` receives da[:, :, t − 1] =
∂L/∂a⟨t⟩ from outside the recurrence (e.g. from the outputs) and returns the gradients of L.

This file is the correct solution; the autograder (test_rnn_exercise.py) imports a
student's file of the same name.
"""

import numpy as np


def rnn_cell_forward(xt, a_prev, parameters):
    """One step: a⟨t⟩ from x⟨t⟩ (n_x, m) and a⟨t−1⟩ (n_a, m); the cache for the backward pass."""
    a_next = np.tanh(parameters["Waa"] @ a_prev + parameters["Wax"] @ xt + parameters["ba"])
    cache = (a_next, a_prev, xt, parameters)
    return a_next, cache


def rnn_forward(x, a0, parameters):
    """All hidden states a (n_a, m, T_x) and the caches of every step."""
    n_x, m, T_x = x.shape
    n_a = parameters["Waa"].shape[0]
    a = np.zeros((n_a, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        caches.append(cache)
    return a, (caches, x)


def rnn_cell_backward(da_next, cache):
    """One step back: from ∂L/∂a⟨t⟩ (all paths) to this step's gradients and ∂L/∂a⟨t−1⟩."""
    a_next, a_prev, xt, parameters = cache
    dz = (1 - a_next**2) * da_next
    dxt = parameters["Wax"].T @ dz
    dWax = dz @ xt.T
    da_prev = parameters["Waa"].T @ dz
    dWaa = dz @ a_prev.T
    dba = np.sum(dz, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


def rnn_backward(da, caches):
    """Backpropagation through time: dx, da0, dWax, dWaa, dba."""
    caches, x = caches
    _, _, _, parameters = caches[0]
    n_a, m, T_x = da.shape
    n_x = x.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros_like(parameters["Wax"])
    dWaa = np.zeros_like(parameters["Waa"])
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
        dx[:, :, t] = gradients["dxt"]
        dWax += gradients["dWax"]
        dWaa += gradients["dWaa"]
        dba += gradients["dba"]
        da_prevt = gradients["da_prev"]
    return {"dx": dx, "da0": da_prevt, "dWax": dWax, "dWaa": dWaa, "dba": dba}
