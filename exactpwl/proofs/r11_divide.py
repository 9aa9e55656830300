"""R11. Region dividing without mutual interference (the deep-layer mechanism).

Statement (PAPER.md R11).  Let h be the last hidden representation of a network, E and Q bounded
sets, and g affine with g(h(x)) <= 0 on E.  A new layer of transmitting units relu(h_i + beta)
and one unit relu(g(h)) (output weight v != 0) leaves the network unchanged on E, and changes it
on Q wherever g(h(x)) > 0 there: the new unit divides Q along the bent hyperplane g(h(x)) = 0
without interfering with E.

Check: for every configuration, if g <= 0 on E (decided exactly: the maximum of g(h(x)) over E
is attained at a region vertex) the library's construction is certified equal to the old
network on E, and certify on Q refutes exactly when max_Q g(h(x)) > 0; otherwise the
construction refuses and its witness point has g(h(x)) > 0 (re-evaluated exactly).
Mutant: the new unit never interferes with E, whatever g (the premise g <= 0 on E dropped).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from fractions import Fraction
from functools import cache

from ..construct import Refusal
from ..construct.deep import box_maximum, divide, max3, pyramid
from ..network import Network
from ..numbers import to_fraction
from ..verdict import certify
from . import Witness, value_witness

RESULT = "R11"
STATEMENT = "relu(g(h)) with g <= 0 on E: E unchanged, Q divided"
FAMILY = "2 deep bases, E = unit squares of [-2,2]^2, g = +-h + g0"
QUICK = "max3 base, E = unit squares of [-1,1]^2, g = +-h + g0"
MUTANT = "the new unit never interferes with E (g <= 0 on E dropped)"

Q = [[-2, 2], [-2, 2]]


@cache
def _base(name: str) -> Network:
    return (max3() if name == "max3" else pyramid()).network


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Bases max(0, x1, x2) and the pyramid (quick: max3), E every unit square [i, i+1] x [j, j+1]
    in [-2, 2]^2 (quick: i, j in {-1, 0}), g(h) = w h + g0 with w in {-1, 1}, g0 in -2..2."""
    for name in ("max3",) if quick else ("max3", "pyramid"):
        for i, j in itertools.product((-1, 0) if quick else range(-2, 2), repeat=2):
            for w, g0 in itertools.product((-1, 1), range(-2, 3)):
                yield name, ((i, i + 1), (j, j + 1)), (w, g0)


def _g_net(base: Network, w: int, g0: int) -> Network:
    """x -> g(h(x)) = w h(x) + g0 (h: the base's last hidden layer, here one unit)."""
    layers = [(L.weights.tolist(), [L.biases[k, 0] for k in range(L.units)]) for L in base.layers[:-1]]
    return Network.from_layers([*layers, ([[w]], [g0])])


def _added(base: Network, w: int, g0: int, v: int = 1) -> Network:
    """old + v relu(g(h)) built directly (h >= 0, so relu(h) = h transmits it), whatever g on E."""
    layers = [(L.weights.tolist(), [L.biases[k, 0] for k in range(L.units)]) for L in base.layers[:-1]]
    out = base.layers[-1]
    V = [to_fraction(x) for x in out.weights.tolist()[0]]
    return Network.from_layers(
        [*layers, ([[1], [w]], [0, g0]), ([[*V, v]], [out.biases[0, 0]])],
        activations=["relu"] * (len(layers) + 1) + ["linear"],
    )


def check(case: tuple, mutant: bool = False) -> Witness | None:
    name, E, (w, g0) = case
    base = _base(name)
    ebox = [list(E[0]), list(E[1])]
    old = base.to_dict()
    if mutant:
        new = _added(base, w, g0)
        v = certify(new, base, {"box": ebox})
        if v.holds:
            return None
        cx = v.counterexample
        return value_witness(f"{RESULT}: {MUTANT}", new, cx.x, cx.target, old, {"box": ebox})
    claim = f"{RESULT}: {STATEMENT}"
    gnet = _g_net(base, w, g0)
    try:
        c = divide(base, ebox, ([w], g0), 1)
    except Refusal as r:
        x = list(r.witness)
        if not (gnet(x)[0] > 0 and all(lo <= xi <= hi for xi, (lo, hi) in zip(x, ebox))):
            raise AssertionError(
                f"{claim}: refused with a point where g(h(x)) <= 0 or outside E: {x}"
            ) from None
        return None
    v = c.certify()
    if not v.holds:
        cx = v.counterexample
        return value_witness(claim, c.network, cx.x, cx.target, old, {"box": ebox})
    top, _ = box_maximum(gnet, {"box": Q})
    vq = certify(c.network, base, {"box": Q})
    if vq.holds != (top <= 0):
        raise AssertionError(
            f"{claim}: on Q, max g = {top}, but the new network "
            f"{'equals' if vq.holds else 'differs from'} the old one"
        )
    if not vq.holds and not gnet(list(vq.counterexample.x))[0] > Fraction(0):
        raise AssertionError(f"{claim}: the networks differ at a point of Q where g(h(x)) <= 0")
    return None
