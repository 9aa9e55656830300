"""R10. Region transmitting: a layer that is active on a whole box is an injective affine map there.

Statement (PAPER.md R10).  Let R be inside [-B, B]^n and A in Q^(n x n) invertible.  With
b_j = B ||a_j||_1 + 1 the layer L(x) = relu(A x + b) equals A x + b on R (every unit is active),
so it is injective there; repeating it for k layers (each with the bound of the previous image)
transmits R, and a last linear layer recovers x exactly.

Check: for every case, every pre-activation of the first layer is >= 1 at every corner of the
box (so on the box, by convexity), and the whole network (k layers, then the recovering linear
layer) is certified equal to the identity on [-B, B]^n.
Mutant: b_j = B max_i |a_ji| suffices (the infinity norm instead of the 1-norm, no + 1).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from fractions import Fraction

from flint import fmpq_mat

from ..construct.deep import transmit
from ..network import Network
from ..numbers import to_fmpq, to_fraction
from ..ranks import rank
from ..verdict import certify
from . import Witness, value_witness

RESULT = "R10"
STATEMENT = "relu(Ax + b), b_j = B|a_j|_1 + 1, transmits [-B,B]^n"
FAMILY = "invertible A in {-1,0,1}^(2x2), B in {1,5/2}, 1..5 layers"
QUICK = "invertible A in {-1,0,1}^(2x2), B = 1, 1..2 layers"
MUTANT = "b_j = B max_i |a_ji| suffices"


def exhaustive(quick: bool) -> Iterator[tuple]:
    """Every invertible A in {-1, 0, 1}^(2x2) (48 of them), B in {1, 5/2}, k = 1..5 layers
    (quick: B = 1, k in {1, 2})."""
    for entries in itertools.product((-1, 0, 1), repeat=4):
        a, b, c, d = entries
        if a * d - b * c == 0:
            continue
        for B in (1,) if quick else (1, Fraction(5, 2)):
            for k in (1, 2) if quick else range(1, 6):
                yield ((a, b), (c, d)), B, k


def sampled(quick: bool) -> Iterator[tuple]:
    """Random invertible integer 3 x 3 matrices (entries -3..3), B = p/q, 1..3 layers."""
    rng = random.Random(10)
    count = 0
    while count < (3 if quick else 30):
        A = tuple(tuple(rng.randint(-3, 3) for _ in range(3)) for _ in range(3))
        if rank(A) < 3:
            continue
        count += 1
        yield A, Fraction(rng.randint(1, 9), rng.randint(1, 3)), rng.randint(1, 3)


def _identity(n: int) -> dict:
    return {"format": "exactpwl.pwl", "version": 1, "input_dim": n, "expr": [f"x{i + 1}" for i in range(n)]}


def check(case: tuple, mutant: bool = False) -> Witness | None:
    A, B, k = case
    n = len(A)
    box = {"box": [[str(-B), str(B)]] * n}
    if mutant:
        b = [B * max(abs(v) for v in row) for row in A]
        P = [[to_fraction(v) for v in row] for row in fmpq_mat([list(r) for r in A]).inv().tolist()]
        q = [-sum((p * bj for p, bj in zip(row, b)), Fraction(0)) for row in P]  # x = A^-1 (z - b)
        net = Network.from_layers([([list(r) for r in A], b), (P, q)])
        v = certify(net, _identity(n), box)
        if v.holds:
            return None
        return value_witness(
            f"{RESULT}: {MUTANT}", net, v.counterexample.x, v.counterexample.x, _identity(n), box
        )
    c = transmit(A, B, k)
    claim = f"{RESULT}: {STATEMENT}"
    first = c.network.layers[0]
    for corner in itertools.product((-B, B), repeat=n):
        z = first.weights * fmpq_mat(n, 1, [to_fmpq(v) for v in corner]) + first.biases
        if min(z.entries()) < 1:
            raise AssertionError(f"{claim}: a first-layer unit is below 1 at the corner {corner}")
    v = c.certify()
    if not v.holds:
        cx = v.counterexample
        return value_witness(claim, c.network, cx.x, cx.x, _identity(n), box)
    return None
