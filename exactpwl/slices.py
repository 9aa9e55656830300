"""Affine slices: a network or a target restricted to the plane ``x = p + s u + t v``, exactly.

A slice of a network is a network with one input per direction: its first layer becomes
``W1 [u v]`` with biases ``W1 p + b1``, so it has the same neurons, and a point of the plane has
the same activation pattern in both.  Pictures of high-dimensional inputs are drawn this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq, fmpq_mat

from .errors import InputError
from .network import Layer, Network
from .numbers import format_number, to_fmpq, to_fraction
from .pwl import PWL

__all__ = ["Plane", "plane", "slice_network", "slice_target"]


class Plane:
    """``x = p + S y``: an exact point ``p`` of R^n and 1 or 2 independent directions (columns of S)."""

    def __init__(self, point: Sequence[fmpq], directions: Sequence[Sequence[fmpq]]):
        self.point = tuple(point)
        self.directions = tuple(tuple(d) for d in directions)
        self.n, self.k = len(self.point), len(self.directions)
        self.S = fmpq_mat(self.n, self.k, [d[i] for i in range(self.n) for d in self.directions])

    def to_input(self, y: Sequence[Any]) -> tuple:
        """The input ``p + S y`` of plane coordinates ``y`` (as Fractions)."""
        return tuple(
            to_fraction(self.point[i] + sum(self.S[i, j] * to_fmpq(y[j]) for j in range(self.k)))
            for i in range(self.n)
        )

    def coordinates(self, x: Sequence[Any], where: str = "point") -> tuple:
        """The plane coordinates of an input ``x``, or bad input if ``x`` is not on the plane."""
        if len(x) != self.n:
            raise InputError(f"{where}: has {len(x)} coordinates, expected {self.n}")
        rhs = fmpq_mat(self.n, 1, [to_fmpq(v, where) - p for v, p in zip(x, self.point)])
        St = self.S.transpose()
        y = (St * self.S).solve(St * rhs)  # least squares, then an exact check
        if self.S * y != rhs:
            text = ", ".join(format_number(to_fmpq(v)) for v in x)
            raise InputError(f"{where}: ({text}) is not on the plane of the slice")
        return tuple(to_fraction(y[j, 0]) for j in range(self.k))


def plane(point: Sequence[Any], directions: Sequence[Sequence[Any]], n: int) -> Plane:
    """Read a plane (or line) through ``point`` spanned by 1 or 2 ``directions`` in R^n, exactly."""
    p = [to_fmpq(v, f"plane: point, coordinate {i + 1}") for i, v in enumerate(point)]
    if len(p) != n:
        raise InputError(f"plane: the point has {len(p)} coordinates, the network has {n} inputs")
    if len(directions) not in (1, 2):
        raise InputError(f"plane: give 1 or 2 directions, not {len(directions)}")
    dirs = []
    for k, d in enumerate(directions):
        if len(d) != n:
            raise InputError(f"plane: direction {k + 1} has {len(d)} coordinates, expected {n}")
        dirs.append([to_fmpq(v, f"plane: direction {k + 1}, coordinate {i + 1}") for i, v in enumerate(d)])
    P = Plane(p, dirs)
    if (P.S.transpose() * P.S).det() == 0:
        raise InputError("plane: the directions are not linearly independent")
    return P


def slice_network(net: Network, P: Plane) -> Network:
    """``y -> net(p + S y)``: the same network with its first layer composed with the plane."""
    if net.input_dim != P.n:
        raise InputError(f"plane: lies in R^{P.n}, the network has {net.input_dim} inputs")
    first = net.layers[0]
    p = fmpq_mat(P.n, 1, list(P.point))
    layer = Layer(first.weights * P.S, first.weights * p + first.biases, first.activation)
    return Network([layer, *net.layers[1:]], P.k, net.description, net.names)


def slice_target(target: PWL, P: Plane) -> PWL:
    """The target restricted to the plane, as a target on R^k (pieces stay pieces)."""
    if target.input_dim != P.n:
        raise InputError(f"plane: lies in R^{P.n}, the target has {target.input_dim} inputs")
    if target.pieces is None:
        from .compile import compile_target

        return PWL.from_network(slice_network(compile_target(target), P))
    p = fmpq_mat(P.n, 1, list(P.point))
    pieces = []
    for piece in target.pieces:
        if piece.rows is None:  # lower-dimensional: the full-dimensional pieces' closures cover it
            continue
        A = [
            [sum((a[i] * P.S[i, j] for i in range(P.n)), fmpq(0)) for j in range(P.k)] for a, _ in piece.rows
        ]
        b = [b - sum((a[i] * P.point[i] for i in range(P.n)), fmpq(0)) for a, b in piece.rows]
        W, c = piece.W * P.S, piece.W * p + piece.c
        pieces.append(
            {
                "A": [[format_number(v) for v in row] for row in A] or [[0] * P.k],
                "b": [format_number(v) for v in b] or [0],
                "w": [[format_number(W[i, j]) for j in range(P.k)] for i in range(W.nrows())],
                "c": [format_number(c[i, 0]) for i in range(c.nrows())],
            }
        )
    return PWL.from_pieces(pieces, P.k)
