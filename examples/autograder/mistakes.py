"""Three typical mistakes in ``rnn_backward``, each one line of rnn_exercise.py replaced.

``MISTAKES[name] = (correct line, mistaken line)``. tests/test_autograder_example.py builds
each mistaken file from the solution and checks that the autograder fails on it.
"""

MISTAKES = {
    # dz = tanh'(z) ⊙ da: the chain rule through the tanh is forgotten.
    "missing_tanh_derivative": (
        "    dz = (1 - a_next**2) * da_next\n",
        "    dz = da_next\n",
    ),
    # ∂L/∂a⟨t−1⟩ = W_aaᵀ dz; W_aa dz has the right shape (square) but is wrong unless W_aa is symmetric.
    "recurrent_weights_not_transposed": (
        '    da_prev = parameters["Waa"].T @ dz\n',
        '    da_prev = parameters["Waa"] @ dz\n',
    ),
    # dW_aa sums the contributions of every time step; assigning keeps only the first step's.
    "gradient_assigned_not_accumulated": (
        '        dWaa += gradients["dWaa"]\n',
        '        dWaa = gradients["dWaa"]\n',
    ),
}
