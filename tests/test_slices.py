"""Affine slices: the restricted network and target are the functions derived by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from exactpwl import PWL, InputError, Network, certify
from exactpwl.slices import plane, slice_network, slice_target

# relu(x1 - x3) + 2 relu(x2 + x3 - 1) - relu(x1 + x2 + x3)
NET = Network.from_layers([([[1, 0, -1], [0, 1, 1], [1, 1, 1]], [0, -1, 0]), ([[1, 2, -1]], [0])])


def test_slice_network_is_the_composition():
    # x = (1/2, 0, 0) + s (1, 0, 1) + t (0, 1, -1) = (1/2 + s, t, s - t): by hand
    # x1 - x3 = 1/2 + t, x2 + x3 - 1 = s - 1, x1 + x2 + x3 = 1/2 + 2 s
    P = plane(["1/2", 0, 0], [[1, 0, 1], [0, 1, -1]], 3)
    sliced = slice_network(NET, P)
    assert (sliced.input_dim, sliced.num_neurons) == (2, NET.num_neurons)
    assert certify(sliced, "relu(x2 + 1/2) + 2*relu(x1 - 1) - relu(2*x1 + 1/2)").holds
    for y in [(0, 0), (Fraction(3, 2), Fraction(-1, 3)), (-2, 5)]:
        x = P.to_input(y)
        assert sliced(y) == NET(x) and sliced.pattern(y) == NET.pattern(x)
        assert P.coordinates(x) == tuple(Fraction(v) for v in y)


def test_a_line_and_its_coordinates():
    P = plane([0, 0, 1], [[1, 1, 0]], 3)  # x = (s, s, 1): relu(s - 1) + 2 relu(s) - relu(2 s + 1)
    assert certify(slice_network(NET, P), "relu(x1 - 1) + 2*relu(x1) - relu(2*x1 + 1)").holds
    assert P.coordinates([Fraction(2, 3), Fraction(2, 3), 1]) == (Fraction(2, 3),)
    with pytest.raises(InputError, match="not on the plane"):
        P.coordinates([1, 2, 1])


def test_slice_target_expressions_and_pieces():
    P = plane([0, 0, 1], [[1, 0, 0], [0, 1, 0]], 3)  # x3 = 1
    t = slice_target(PWL.from_expr("max(x1, x2, x3)", 3), P)
    assert (
        t.input_dim == 2 and certify(Network.from_layers([([[1, 0]], [0]), ([[1]], [0])]), t).holds is False
    )
    assert (
        certify(slice_network(Network.from_layers([([[0, 0, 1]], [0]), ([[1]], [0])]), P), t).holds is False
    )
    # pieces: relu(x1 - x3) as two pieces; on x3 = 1 it is relu(s - 1)
    pieces = PWL.from_pieces(
        [
            {"A": [[1, 0, -1]], "b": [0], "w": [[0, 0, 0]], "c": [0]},
            {"A": [[-1, 0, 1]], "b": [0], "w": [[1, 0, -1]], "c": [0]},
        ],
        3,
    )
    sp = slice_target(pieces, P)
    assert sp.kind == "pieces"
    relu_s_1 = Network.from_layers([([[1, 0]], [-1]), ([[1]], [0])])
    assert certify(relu_s_1, sp, {"box": [[-3, 3], [-3, 3]]}).holds


def test_bad_planes():
    with pytest.raises(InputError, match="not linearly independent"):
        plane([0, 0, 0], [[1, 2, 3], [2, 4, 6]], 3)
    with pytest.raises(InputError, match="1 or 2 directions"):
        plane([0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]], 3)
    with pytest.raises(InputError, match="has 2 coordinates"):
        plane([0, 0], [[1, 0, 0]], 3)
    with pytest.raises(InputError, match="direction 1 has 2"):
        plane([0, 0, 0], [[1, 0]], 3)
