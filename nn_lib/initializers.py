"""Parameter initialization for fully connected networks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import POSITIVE, Integer, OneOf, check_rng, validate_params

__all__ = ["initialize_parameters"]

#: Names accepted by :func:`initialize_parameters`.
INITIALIZATION_METHODS = ("zeros", "random", "he", "xavier", "lecun")


@validate_params(method=OneOf(*INITIALIZATION_METHODS), scale=POSITIVE)
def initialize_parameters(layer_dims: Sequence[int], method: str = "he",
                          seed: int | np.random.Generator | None = None,
                          scale: float = 0.01) -> dict[str, np.ndarray]:
    r"""Create the weights and biases of a fully connected network.

    For :math:`l = 1, \dots, L` with :math:`n^{[l]}` = ``layer_dims[l]``,
    :math:`W^{[l]}` has shape :math:`(n^{[l]}, n^{[l-1]})` and every bias
    :math:`b^{[l]}` is zero, of shape :math:`(n^{[l]}, 1)`. The weights are

    * ``"zeros"``: :math:`W^{[l]} = 0`. Every unit of a layer then computes
      the same function and receives the same gradient: the symmetry is
      never broken. Provided to show why random initialization is needed.
    * ``"random"``: :math:`W^{[l]}_{kj} \sim \mathcal N(0, 1) \cdot` ``scale``.
    * ``"he"``: :math:`W^{[l]}_{kj} \sim \mathcal N(0, 1)\,\sqrt{2 / n^{[l-1]}}`
      (He et al., 2015), suited to ReLU layers. The default.
    * ``"xavier"``: :math:`W^{[l]}_{kj} \sim \mathcal N(0, 1)\,\sqrt{2 / (n^{[l-1]} + n^{[l]})}`
      (Glorot and Bengio, 2010), suited to tanh and sigmoid layers.
    * ``"lecun"``: :math:`W^{[l]}_{kj} \sim \mathcal N(0, 1)\,\sqrt{1 / n^{[l-1]}}`, the
      scheme of the course's regularization code (``randn / sqrt(n_prev)``), which the
      course's initialization assignment calls Xavier initialization.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``: input size then the size of every layer;
        at least two entries, all >= 1.
    method : {"he", "xavier", "lecun", "random", "zeros"}
        Initialization scheme.
    seed : int, numpy.random.Generator or None
        Source of randomness. The same integer gives bit-identical weights.
    scale : float
        Standard deviation of the ``"random"`` scheme, > 0 (checked whatever
        the method); ignored otherwise.

    Returns
    -------
    dict of str to ndarray
        ``{"W1": (n_1, n_x), "b1": (n_1, 1), ..., "WL": (n_L, n_{L-1}), "bL": (n_L, 1)}``,
        float64.

    Examples
    --------
    >>> params = initialize_parameters([2, 20, 3, 1], seed=0)
    >>> params["W1"].shape, params["b3"].shape
    ((20, 2), (1, 1))
    """
    if isinstance(layer_dims, np.ndarray) and layer_dims.ndim == 1:
        layer_dims = layer_dims.tolist()
    if isinstance(layer_dims, (str, bytes)) or not isinstance(layer_dims, Sequence):
        raise TypeError(f"layer_dims: expected a sequence of integers such as [2, 20, 3, 1], "
                        f"got {layer_dims!r}")
    if len(layer_dims) < 2:
        raise ValueError(f"layer_dims: expected at least 2 entries (input size and output "
                         f"size), got {list(layer_dims)!r}")
    dims = [Integer(1)(f"layer_dims[{i}]", n) for i, n in enumerate(layer_dims)]
    rng = check_rng("seed", seed)
    parameters = {}
    for layer in range(1, len(dims)):
        n_in, n_out = dims[layer - 1], dims[layer]
        if method == "zeros":
            W = np.zeros((n_out, n_in))
        else:
            std = {"random": scale, "he": np.sqrt(2.0 / n_in),
                   "xavier": np.sqrt(2.0 / (n_in + n_out)),
                   "lecun": np.sqrt(1.0 / n_in)}[method]
            W = rng.standard_normal((n_out, n_in)) * std
        parameters[f"W{layer}"] = W
        parameters[f"b{layer}"] = np.zeros((n_out, 1))
    return parameters
