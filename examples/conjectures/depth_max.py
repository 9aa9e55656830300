"""max(0, x1, x2, x3, x4) cannot be computed by a ReLU network with two hidden layers.

This is the case n = 4 of the conjecture of Hertrich, Basu, Di Summa and Skutella (NeurIPS
2021) that max(0, x1, ..., xn) needs ceil(log2(n + 1)) hidden layers: three for n = 4.  It is
false: Bakaev, Brunck, Hertrich, Stade and Yehudayoff ("Better Neural Network Expressivity:
Subdividing the Simplex", arXiv:2505.14338, 2025) compute the maximum of five numbers with two
hidden layers (PAPER.md R20), and max(0, x1, ..., x4) is max(x1, ..., x5) at x5 = 0.

The space: signed sums (coefficients in {-1, 0, 1}) of the nine terms of R20's identity
(P1..P4, Q, R13, R14, R23, R24; ``construct.max5.identity``), each term max(U, V) with U, V sums
of pairwise maxima, so every signed sum is a two-hidden-layer network (``construct.max5.network``).
The claim says that none of them equals max(0, x1..x4).  For each coefficient vector it first
compares the exact values at twelve rational points (most vectors fail there); a vector that
passes becomes a network (the column of x5 dropped) and is certified on all of R^4.  The first
certified one refutes the claim; its witness is the network, the target and the region count,
which ``exactpwl certify`` replays.

Precisely: the witness refutes the n = 4 instance of the conjecture for networks with rational
weights (its output weights are +-1/2).  It does not touch the theorem of Haase, Hertrich and
Loho (ICLR 2023) that with integer weights ceil(log2(n + 1)) hidden layers are needed.

    exactpwl refute examples/conjectures/depth_max.py
"""

import random
from dataclasses import replace
from fractions import Fraction

from exactpwl import PWL, Network, certify
from exactpwl.conjecture import Outcome, vectors
from exactpwl.construct.max5 import identity, network

TERMS = [replace(t, sign=1) for t in identity()]
TARGET = PWL.from_expr("max(0, x1, x2, x3, x4)", 4)

_rng = random.Random(5)
POINTS = [
    [Fraction(_rng.randint(-9, 9), _rng.randint(1, 3)) for _ in range(4)] + [Fraction(0)] for _ in range(12)
]
VALUES = [[t.value(p) for t in TERMS] for p in POINTS]  # each term at each point, x5 = 0
TWICE_MAX = [2 * max(Fraction(0), *p[:4]) for p in POINTS]

space = vectors(9, [0, 1, -1], name="signed sums of the nine terms of R20's identity")


def without_x5(net):
    """The network with input x5 removed (its weights dropped): the same function at x5 = 0."""
    first, *rest = net.layers
    W = [row[:4] for row in first.weights.tolist()]
    b = [first.biases[j, 0] for j in range(first.units)]
    layers = [(W, b)] + [(L.weights.tolist(), [L.biases[j, 0] for j in range(L.units)]) for L in rest]
    return Network.from_layers(layers)


def claim(coefficients):
    """max(0, x1, x2, x3, x4) is not computed by any network with two hidden layers"""
    if not any(coefficients):
        return True
    for vals, twice in zip(VALUES, TWICE_MAX):
        if sum(c * v for c, v in zip(coefficients, vals)) != twice:
            return True  # not even equal at this point
    terms = [replace(t, sign=int(c)) for t, c in zip(TERMS, coefficients) if c]
    net = without_x5(network(terms)[0])
    verdict = certify(net, TARGET)
    if not verdict.holds:
        return True
    return Outcome(
        False,
        {
            "network": net,
            "target": TARGET,
            "hidden layers": len(net.layers) - 1,
            "certified regions": verdict.regions,
        },
        f"a {net.architecture} network equals max(0, x1, x2, x3, x4) on all of R^4",
    )
