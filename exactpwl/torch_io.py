"""PyTorch in and out: ``nn.Sequential`` models of ``Linear`` and ``ReLU`` as exact networks, and back.

``from_torch`` reads a (nested) ``nn.Sequential`` of ``Linear``, ``ReLU``, ``Identity``,
``Flatten`` and ``Dropout`` (in eval mode).  The network's input is the vector the first
``Linear`` reads (after ``Flatten``, the flattened input).  Weights are taken at their exact
binary values unless ``rationalize=`` says otherwise (``float_io``).  ``to_torch`` builds the
model back for float replay.  Needs the ``torch`` extra; ``import exactpwl`` never imports torch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import InputError
from .float_io import WeightReader, plain_layers
from .network import Network

__all__ = ["from_torch", "to_torch"]

SUPPORTED = "Linear, ReLU, Identity, Flatten, Dropout (in eval mode), nested in nn.Sequential"


def _nn() -> Any:
    try:
        from torch import nn
    except ImportError:
        raise InputError("torch: PyTorch is not installed (pip install 'exactpwl[torch]')") from None
    return nn


def _leaves(module: Any, name: str, nn: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward:
        for child, m in module.named_children():
            yield from _leaves(m, f"{name}.{child}" if name else child, nn)
    else:
        yield name, module


def _plain(module: Any, cls: Any) -> bool:
    """An instance of ``cls`` that computes what ``cls`` computes (no overridden forward)."""
    return isinstance(module, cls) and type(module).forward is cls.forward


def from_torch(module: Any, *, rationalize: Any = None) -> Network:
    """The exact network of a PyTorch model.

    Float weights are read at their exact binary values (float32 ``0.1`` is
    13421773/134217728), so the exact network is the model's function without rounding.
    ``rationalize="shortest"`` reads each weight as the shortest decimal that gives the same
    float; ``rationalize=D`` as the nearest fraction with denominator at most D.  Either way
    ``net.rationalization`` reports the largest change made (and where).  An unsupported layer
    is an ``InputError`` naming it.
    """
    nn = _nn()
    reader = WeightReader(rationalize)
    ops: list[tuple[str, Any, Any]] = []  # ("linear", W, b) or ("relu", None, None)
    input_dim = width = None
    for name, m in _leaves(module, "", nn):
        label = (
            f"torch model: layer '{name}' ({type(m).__name__})"
            if name
            else f"torch model ({type(m).__name__})"
        )
        if _plain(m, nn.Linear):
            if width is not None and m.in_features != width:
                raise InputError(f"{label}: reads {m.in_features} features, the layer before gives {width}")
            W = reader.array(_numpy(m.weight), f"layer '{name}' weight")
            b = reader.array(_numpy(m.bias), f"layer '{name}' bias") if m.bias is not None else [0] * len(W)
            ops.append(("linear", W.tolist(), list(b)))
            input_dim = m.in_features if input_dim is None else input_dim
            width = m.out_features
        elif _plain(m, nn.ReLU):
            ops.append(("relu", None, None))
        elif _plain(m, nn.Dropout):
            if m.training and m.p > 0:
                raise InputError(f"{label}: is in training mode, where it is random; call model.eval() first")
        elif not (_plain(m, nn.Identity) or _plain(m, nn.Flatten)):
            raise InputError(f"{label}: is not supported (supported: {SUPPORTED})")
    if input_dim is None:
        raise InputError("torch model: has no Linear layer, so there is no network to read")
    pairs: list[tuple[Any, Any]] = []
    acts: list[str] = []
    pending = None
    for kind, W, b in ops:
        if kind == "linear":
            if pending is not None:  # two Linear layers in a row: a linear hidden layer
                pairs.append(pending)
                acts.append("linear")
            pending = (W, b)
        elif pending is not None:
            pairs.append(pending)
            acts.append("relu")
            pending = None
        elif not acts or acts[-1] != "relu":  # a ReLU on the input (relu(relu(z)) = relu(z) otherwise)
            n = input_dim if not pairs else len(pairs[-1][0])
            pairs.append(([[int(i == j) for j in range(n)] for i in range(n)], [0] * n))
            acts.append("relu")
    if pending is not None:
        pairs.append(pending)
        acts.append("linear")
    return reader.finish(Network.from_layers(pairs, acts), "a PyTorch model")


def _numpy(t: Any) -> Any:
    import torch

    t = t.detach().cpu()
    if t.dtype == torch.bfloat16:
        t = t.float()  # exact: every bfloat16 is a float32
    return t.numpy()


def to_torch(net: Network, dtype: Any = None) -> Any:
    """An ``nn.Sequential`` of ``Linear`` and ``ReLU`` computing ``net`` in floating point.

    Float replay is approximate: each weight is rounded to ``dtype`` (default ``torch.float64``),
    and so is every operation.  Dyadic weights that fit the dtype (float32: 24 significant bits,
    float64: 53) are kept exactly, so ``from_torch(to_torch(net))`` is ``net`` again.  A layer
    with both ReLU and linear units is written exactly as plain layers (``float_io.plain_layers``).
    """
    nn = _nn()
    import torch

    dtype = torch.float64 if dtype is None else dtype
    mods = []
    for W, b, relu in plain_layers(net):
        lin = nn.utils.skip_init(nn.Linear, len(W[0]), len(W), dtype=dtype)  # no random init
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[float(v) for v in r] for r in W], dtype=torch.float64))
            lin.bias.copy_(torch.tensor([float(v) for v in b], dtype=torch.float64))
        mods.append(lin)
        if relu:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods).eval()
