"""nn_lib: train fully connected binary classifiers well, in plain NumPy.

The library behind the book *Training Neural Networks Well*: initialization,
forward and backward propagation with L2 regularization and inverted dropout,
gradient checking, mini-batches, gradient descent, momentum, RMSprop and Adam,
learning-rate decay, a training loop, seeded data sets and plots.

Data follow the notes' layout: ``X`` has shape ``(n_x, m)`` with one example
per column, ``Y`` has shape ``(1, m)`` with labels 0 and 1, parameters are a
dict ``{"W1", "b1", ..., "WL", "bL"}``. Everything is float64 and every
function that draws random numbers takes a ``seed`` (an integer or a Generator),
except the two that draw one dropout mask per training step,
:func:`forward_propagation` and :func:`inverted_dropout`: their ``rng`` must be a
Generator, so that each step draws new masks from one stream (an integer there
would give every step the same mask).

``import nn_lib`` imports NumPy only; :mod:`nn_lib.plotting` imports
matplotlib when one of its functions runs.
"""

from .activations import relu, sigmoid
from .data import make_curved_boundary, make_moons, make_regularization_data, train_test_split
from .gradient_checking import (GradientCheckResult, check_gradients, dictionary_to_vector,
                                gradient_check, gradients_to_vector, numerical_gradient,
                                relative_difference, vector_to_dictionary)
from .initializers import initialize_parameters
from .losses import compute_cost, compute_cost_from_logits
from .metrics import accuracy
from .network import (ForwardCache, backward_propagation, forward_propagation, predict,
                      predict_proba)
from .optimizers import Adam, GradientDescent, Momentum, Optimizer, RMSprop
from .regularization import inverted_dropout, l2_penalty
from .schedules import ExponentialDecay, InverseTimeDecay, Schedule, StepDecay
from .training import TrainingResult, optimizer_path, random_mini_batches, train, train_seeds

__version__ = "0.2.0"

__all__ = [
    "__version__",
    # initializers, activations
    "initialize_parameters", "sigmoid", "relu",
    # network
    "ForwardCache", "forward_propagation", "backward_propagation", "predict", "predict_proba",
    # losses, regularization, metrics
    "compute_cost", "compute_cost_from_logits", "l2_penalty", "inverted_dropout", "accuracy",
    # gradient checking
    "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector",
    "relative_difference", "numerical_gradient", "gradient_check", "check_gradients",
    "GradientCheckResult",
    # optimization
    "Optimizer", "GradientDescent", "Momentum", "RMSprop", "Adam", "Schedule",
    "InverseTimeDecay", "StepDecay", "ExponentialDecay",
    "random_mini_batches", "train", "train_seeds", "TrainingResult", "optimizer_path",
    # data
    "make_moons", "make_curved_boundary", "make_regularization_data", "train_test_split",
]
