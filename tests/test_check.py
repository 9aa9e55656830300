"""The independent certificate checker (docs/certificate.md, version 2): it accepts what is right,
rejects what is wrong with a reason, refuses malformed input, and loads no compiler, enumerator
or LP code.

Every expected value is derived by hand below.  The workhorse is the example network of the
README, max3 = relu(relu(x1) - relu(-x1) + relu(x2 - x1)) = max(0, x1, x2), certified against
the expression "max(0, x1, x2)" on [-1, 1]^2.  A region is named by its label: the network's
pattern over its four ReLU units, in pattern order

    u1 = relu(x1)   u2 = relu(-x1)   u3 = relu(x2 - x1)   u4 = relu(u1 - u2 + u3)

and the target's selection: the index of the first argument of max(0, x1, x2) that attains the
maximum (0: the constant 0, 1: x1, 2: x2).  The five regions are the five cones cut by x1 = 0,
x2 = x1 and (for x1 < 0) x2 = 0:

    A = 1001, [[1]]  x1 > 0, x2 < x1   (u4 = x1; max = x1)
    B = 0100, [[0]]  x1 < 0, x2 < x1   (u4 off: pre-activation x1 < 0; max = 0; x2 < 0 is implied)
    C = 1011, [[2]]  0 < x1 < x2       (u4 = x2; max = x2; x2 > 0 is implied: a redundant row)
    D = 0110, [[0]]  x1 < x2 < 0       (u4 off: pre-activation x2 < 0; max = 0)
    E = 0111, [[2]]  x1 < 0 < x2       (u4 = x2; max = x2)

Adjacent pairs (sharing a facet inside the box): A-B (x1 = 0), A-C (x2 = x1), B-D (x2 = x1),
C-E (x1 = 0), D-E (x2 = 0): a 5-cycle.
"""

from __future__ import annotations

import functools
import json
import random
import re
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest
from conftest import ROOT

from exactpwl import InputError, Network, certify, check_certificate

MAX3 = ROOT / "examples" / "max3.json"
A, B, C, D, E = ("1001", [[1]]), ("0100", [[0]]), ("1011", [[2]]), ("0110", [[0]]), ("0111", [[2]])
LABELS = {"A": A, "B": B, "C": C, "D": D, "E": E}
NEIGHBOURS = {"A": "BC", "B": "AD", "C": "AE", "D": "BE", "E": "CD"}  # by name
NOT_LABEL = "the witness point does not have the claimed label"
SQUARE = {"box": [[-1, 1], [-1, 1]]}
# a triangle around the origin: x1 >= -1, x2 >= -1, x1 + x2 <= 1
TRIANGLE = {"A": [[-1, 0], [0, -1], [1, 1]], "b": [1, 1, 1]}


def _row(a: list[int], b: int) -> str:
    """How a reason names the row a.x <= b (primitive integers)."""
    return json.dumps({"a": a, "b": b})


def _copy(cert: dict) -> dict:
    return json.loads(json.dumps(cert))


def _label(region: dict) -> tuple:
    return region["pattern"], region["target"]


def _idx(cert: dict, label: tuple) -> int:
    return [_label(r) for r in cert["regions"]].index(label)


def _name(cert: dict, k: int) -> str:
    """The hand-derived name (A..E) of region k of a max3 certificate."""
    return next(name for name, lab in LABELS.items() if lab == _label(cert["regions"][k]))


def _facet(region: dict, a: list[int], b: int) -> dict:
    return next(f for f in region["facets"] if [F(v) for v in f["a"]] == a and F(f["b"]) == b)


def _max3_net() -> Network:
    return Network.load(MAX3)


def _hat_net() -> Network:
    # relu(x + 1) - 2 relu(x) + relu(x - 1): 0 outside [-1, 1], 1 at 0, linear in between
    return Network.from_layers([([[1], [1], [1]], [1, 0, -1]), ([[1, -2, 1]], [0])])


def _minmax_net() -> Network:
    # max(x1, x2) = x2 + relu(x1 - x2) and min(x1, x2) = x1 - relu(x1 - x2), with
    # x2 = relu(x2) - relu(-x2) and x1 = relu(x1) - relu(-x1)
    return Network.from_layers(
        [
            ([[1, -1], [0, 1], [0, -1], [1, 0], [-1, 0]], [0] * 5),
            ([[1, 1, -1, 0, 0], [-1, 0, 0, 1, -1]], [0, 0]),
        ]
    )


def _pyramid_net() -> Network:
    # 1 - max(|x1|, |x2|) = 1 - relu(|x1| - |x2|) - |x2|, |x2| = relu(relu(x2) + relu(-x2))
    return Network.from_layers(
        [
            ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0] * 4),
            ([[1, 1, -1, -1], [0, 0, 1, 1]], [0, 0]),
            ([[-1, -1]], [1]),
        ]
    )


def _quadrant_net() -> Network:
    # outputs |x1| + |x2| and x1
    return Network.from_layers(
        [([[1, 0], [-1, 0], [0, 1], [0, -1]], [0] * 4), ([[1, 1, 1, 1], [1, -1, 0, 0]], [0, 0])]
    )


def _max3_reparam() -> Network:
    """max3 with its hidden units permuted and positively rescaled, written out by hand.

    Layer 1 (u1, u2, u3) -> (2 u3, u1 / 3, 3 u2); the layer-2 row [1, -1, 1] on (u1, u2, u3)
    becomes [1/2, 3, -1/3] on the new order; the layer-2 unit is scaled by 5 and the output
    weight by 1/5.
    """
    return Network.from_layers(
        [
            ([[-2, 2], ["1/3", 0], [-3, 0]], [0, 0, 0]),
            ([["5/2", 15, "-5/3"]], [0]),
            ([["1/5"]], [0]),
        ]
    )


TRIANGULATION = {
    "format": "exactpwl.pwl",
    "version": 1,
    "input_dim": 2,
    "triangulation": {
        # four triangles around the origin with apex value 1 and corner values 0: on the triangle
        # |x2| <= x1 the interpolant is 1 - x1, and so on: 1 - max(|x1|, |x2|)
        "points": [[0, 0], [1, -1], [1, 1], [-1, 1], [-1, -1]],
        "simplices": [[0, 1, 2], [0, 2, 3], [0, 3, 4], [0, 4, 1]],
        "values": [1, 0, 0, 0, 0],
    },
}
PIECES = {
    "format": "exactpwl.pwl",
    "version": 1,
    "input_dim": 2,
    "pieces": [  # (|x1| + |x2|, x1) on the four quadrants
        {"A": [[-1, 0], [0, -1]], "b": [0, 0], "w": [[1, 1], [1, 0]], "c": [0, 0]},
        {"A": [[1, 0], [0, -1]], "b": [0, 0], "w": [[-1, 1], [1, 0]], "c": [0, 0]},
        {"A": [[1, 0], [0, 1]], "b": [0, 0], "w": [[-1, -1], [1, 0]], "c": [0, 0]},
        {"A": [[-1, 0], [0, 1]], "b": [0, 0], "w": [[1, -1], [1, 0]], "c": [0, 0]},
    ],
}
HAT = [[-2, 0], [-1, 0], [0, 1], [1, 0], [2, 0]]  # kinks at -1, 0, 1 only (slopes 0, 1, -1, 0)


def _pieces(pieces: list, n: int) -> dict:
    return {"format": "exactpwl.pwl", "version": 1, "input_dim": n, "pieces": pieces}


def _issue_pieces(at_zero: int) -> dict:
    """The issue's target: relu(x) as two half-lines, plus the point {0} with value ``at_zero``."""
    return _pieces(
        [
            {"A": [[1], [-1]], "b": [0, 0], "w": [[0]], "c": [at_zero]},
            {"A": [[1]], "b": [0], "w": [[0]], "c": [0]},
            {"A": [[-1]], "b": [0], "w": [[1]], "c": [0]},
        ],
        1,
    )


def _relu_net() -> Network:
    return Network.from_layers([([[1]], [0]), ([[1]], [0])])


def _abs_diff_net() -> Network:
    return Network.from_layers([([[1, -1], [-1, 1]], [0, 0]), ([[1, 1]], [0])])  # |x1 - x2|


def _degenerate_triangulation(value: int) -> dict:
    """|x1 - x2| on the unit square (two triangles along the diagonal), plus a degenerate simplex:
    the diagonal again, through copies 4, 5, 6 of (0, 0), (1, 1) and (1/2, 1/2) with ``value``."""
    points = [[0, 0], [1, 0], [0, 1], [1, 1], [0, 0], [1, 1], ["1/2", "1/2"]]
    simplices = [[0, 1, 3], [0, 2, 3], [4, 5, 6]]
    values = [0, 1, 1, 0, value, value, value]
    return {
        "format": "exactpwl.pwl",
        "version": 1,
        "input_dim": 2,
        "triangulation": {"points": points, "simplices": simplices, "values": values},
    }


# (network, target, domain, regions): the region counts by hand.
#  max3: the five cones A..E meet every neighbourhood of the origin, which is inside each domain.
#  min/max: three lines through the origin (x1 = x2, x1 = 0, x2 = 0), six cones.
#  hat: the units' hyperplanes and the kinks x = -1, 0, 1: 4 intervals on R and on [-2, 2]; on
#    [-2, 1/2] only -1 and 0 are inside: 3.
#  pyramid: lines x1 = 0, x2 = 0, x1 = x2, x1 = -x2 (the triangle edges x = +-1, y = +-1 lie on
#    the square's boundary, and touch the small triangle only at its vertices): 8 cones.
#    (No R^2: the triangulation only covers the square.)
#  quadrants: lines x1 = 0 and x2 = 0 (the pieces' edges are the same lines): 4.
#  issue pieces (value 0 at the point): x = 0 cuts R in two.
#  degenerate triangulation: inside the square only the diagonal cuts: 2.
VALID = {
    "expr-R2": (_max3_net, "max(0, x1, x2)", None, 5),
    "expr-box": (_max3_net, "max(0, x1, x2)", SQUARE, 5),
    "expr-polyhedron": (_max3_net, "max(0, x1, x2)", TRIANGLE, 5),
    "expr2-R2": (_minmax_net, ["max(x1, x2)", "min(x1, x2)"], None, 6),
    "expr2-box": (_minmax_net, ["max(x1, x2)", "min(x1, x2)"], SQUARE, 6),
    "expr2-polyhedron": (_minmax_net, ["max(x1, x2)", "min(x1, x2)"], TRIANGLE, 6),
    "breakpoints-R": (_hat_net, HAT, None, 4),
    "breakpoints-box": (_hat_net, HAT, {"box": [[-2, 2]]}, 4),
    "breakpoints-polyhedron": (_hat_net, HAT, {"A": [[1], [-1]], "b": ["1/2", 2]}, 3),
    "triangulation-box": (_pyramid_net, TRIANGULATION, SQUARE, 8),
    "triangulation-polyhedron": (
        _pyramid_net,
        TRIANGULATION,
        {"A": [[3, 2], [-3, 2], [0, -1]], "b": [2, 2, "1/2"]},
        8,
    ),
    "pieces-R2": (_quadrant_net, PIECES, None, 4),
    "pieces-box": (_quadrant_net, PIECES, SQUARE, 4),
    "pieces-polyhedron": (_quadrant_net, PIECES, TRIANGLE, 4),
    "network-R2": (_max3_net, _max3_reparam, None, 5),
    "network-box": (_max3_net, _max3_reparam, SQUARE, 5),
    "network-polyhedron": (_max3_net, _max3_reparam, TRIANGLE, 5),
    "pieces-point-R": (_relu_net, _issue_pieces(0), None, 2),
    "triangulation-degenerate-box": (
        _abs_diff_net,
        _degenerate_triangulation(0),
        {"box": [[0, 1], [0, 1]]},
        2,
    ),
}


@functools.cache
def _cert_text(name: str, compact: bool = False) -> str:
    """The certificate of a VALID case; the tampering cases edit rows and multipliers written out
    (``compact=False``), the compact form has tests of its own."""
    make_net, target, domain, _ = VALID[name]
    net = make_net()
    if callable(target):
        target = target()
    elif isinstance(target, list) and isinstance(target[0], list):
        target = {"format": "exactpwl.pwl", "version": 1, "input_dim": 1, "breakpoints": target}
    v = certify(net, target, domain)
    assert v.holds is True
    return json.dumps(v.certificate(compact))


def _cert(name: str = "expr-box", compact: bool = False) -> dict:
    return json.loads(_cert_text(name, compact))


def _issue_cert_text() -> str:
    return _cert_text("pieces-point-R")


def _degenerate_cert_text() -> str:
    return _cert_text("triangulation-degenerate-box")


@functools.cache
def _cert_abs_text() -> str:
    net = Network.from_layers([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])  # relu(x) + relu(-x)
    return json.dumps(certify(net, "abs(x1)", {"box": [[-1, 1]]}).certificate(compact=False))


def _cert_abs() -> dict:
    return json.loads(_cert_abs_text())


# ------------------------------------------------------------------------- 1. valid certificates
@pytest.mark.parametrize("compact", [False, True], ids=["explicit", "compact"])
@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_certificate_every_target_kind_and_domain(name, compact):
    cert = _cert(name, compact)
    rep = check_certificate(cert)
    assert rep.valid, rep.reason
    assert rep.reason is None
    assert rep.regions == VALID[name][3] == len(cert["regions"])


def test_max3_regions_are_the_five_cones():
    cert = _cert()
    assert sorted(_label(r) for r in cert["regions"]) == sorted([A, B, C, D, E])
    for k, r in enumerate(cert["regions"]):  # facets name the hand-derived neighbours
        assert "".join(sorted(_name(cert, f["neighbour"]) for f in r["facets"])) == NEIGHBOURS[_name(cert, k)]


def _random_layers(rng: random.Random) -> list:
    n = rng.choice([1, 2, 2, 2, 3])
    widths = [n] + [rng.randint(1, 3) for _ in range(rng.choice([1, 1, 2]))] + [rng.choice([1, 2])]
    return [
        (
            [[rng.randint(-2, 2) for _ in range(widths[i - 1])] for _ in range(widths[i])],
            [rng.randint(-2, 2) for _ in range(widths[i])],
        )
        for i in range(1, len(widths))
    ]


def _reparametrised(layers: list, rng: random.Random) -> list:
    """Permute each hidden layer's units and scale unit j by a_j > 0: (w, b, v) -> (a w, a b, v / a).

    relu(a z) = a relu(z) for a > 0, so the function is unchanged.
    """
    layers = [([list(r) for r in W], list(b)) for W, b in layers]
    for k in range(len(layers) - 1):
        W, b = layers[k]
        m = len(b)
        perm = rng.sample(range(m), m)
        a = [rng.choice([F(2), F(3), F(1, 2), F(2, 3), F(5, 2), F(3, 7)]) for _ in range(m)]  # never 1
        Wn, bn = layers[k + 1]
        layers[k] = (
            [[a[j] * v for v in W[perm[j]]] for j in range(m)],
            [a[j] * b[perm[j]] for j in range(m)],
        )
        layers[k + 1] = ([[row[perm[j]] / a[j] for j in range(m)] for row in Wn], bn)
    return layers


def _random_domain(seed: int, n: int):
    if seed % 3 == 0:
        return None
    if seed % 3 == 1:
        return {"box": [[-1, 1]] * n}
    return {"A": [[-1 if i == j else 0 for j in range(n)] for i in range(n)] + [[1] * n], "b": [1] * n + [1]}


@functools.cache
def _random_cert_text(seed: int, compact: bool = False) -> str:
    rng = random.Random(seed)
    layers = _random_layers(rng)
    net, twin = Network.from_layers(layers), Network.from_layers(_reparametrised(layers, rng))
    v = certify(net, twin, _random_domain(seed, net.input_dim))
    assert v.holds is True
    return json.dumps(v.certificate(compact))


SEEDS = range(30)


@pytest.mark.parametrize("compact", [False, True], ids=["explicit", "compact"])
@pytest.mark.parametrize("seed", SEEDS)
def test_valid_random_network_against_reparametrised_copy(seed, compact):
    cert = json.loads(_random_cert_text(seed, compact))
    assert cert["target"]["network"] != cert["network"]  # the copy is written differently
    rep = check_certificate(cert)
    assert rep.valid, rep.reason
    assert rep.regions == len(cert["regions"])


def test_valid_through_json_text_and_paths(tmp_path):
    text = _cert_text("expr-box")
    rep = check_certificate(text)
    assert (rep.valid, rep.regions) == (True, 5)
    p = tmp_path / "cert.json"
    p.write_text(text)
    for arg in (p, str(p)):
        rep = check_certificate(arg)
        assert (rep.valid, rep.regions, rep.reason) == (True, 5, None)


def test_valid_json_numbers_are_read_exactly():
    # the witness of A written as the JSON number 0.5 (= 1/2 exactly) and 0 as 0e3
    cert = _cert()
    cert["regions"][_idx(cert, A)]["point"] = ["1/2", "0"]
    text = json.dumps(cert).replace('"point": ["1/2", "0"]', '"point": [0.5, 0e3]', 1)
    assert "[0.5, 0e3]" in text
    assert check_certificate(text).valid


def test_bigger_domain_is_accepted_when_the_identity_is_global():
    # max3 == max(0, x1, x2) everywhere and every inner row passes through the origin: on
    # [-2, 2]^2 the same regions, facets and facet points prove the claim again, and the
    # multipliers still index the same rows (each box row x_i <= 1 becomes x_i <= 2, which sorts
    # into the same place, next to the inner row with the same normal and b = 0).
    cert = _cert()
    cert["domain"] = {"box": [["-2", "2"], ["-2", "2"]]}
    assert check_certificate(cert).valid
    # |x| on [-1, 1], re-read on R: the same two half-lines, no redundant row to re-index
    cert = _cert_abs()
    assert cert["domain"] == {"A": [["1"], ["-1"]], "b": ["1", "1"]}
    assert check_certificate(cert).valid
    cert["domain"] = None
    assert check_certificate(cert).valid


def test_domain_removed_reindexes_multipliers():
    # On R^2 the rows of C are (-1,0;0) (0,-1;0) (1,-1;0): the multipliers' index 5 (x1 <= x2 in
    # the box) no longer exists, so the certificate is wrong as written (B, C, D and E prove their
    # redundant row with indices into the box's row list; B's x2 <= 0, from the branch of the
    # max, is (-1,1;0) + (1,0;0), rows 1 and 5 of (-1,0;1) (-1,1;0) (0,-1;1) (0,1;0) (0,1;1)
    # (1,0;0) (1,0;1)).
    cert = _cert()
    cert["domain"] = None
    first = min(_idx(cert, p) for p in (B, C, D, E))
    _assert_rejected(check_certificate(cert), (first + 1, None, "multiplier"))


def test_cli_check_valid(cli, tmp_path):
    p = tmp_path / "cert.json"
    p.write_text(_cert_text("expr-box"))
    r = cli("check", str(p))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "valid: every claim of the certificate checks out (5 regions)\n"
    r = cli("check", str(p), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"valid": True, "regions": 5, "reason": None}


def test_cli_certify_writes_a_certificate_that_checks(cli, tmp_path):
    out = tmp_path / "cert.json"
    r = cli("certify", str(MAX3), "--expr", "max(0, x1, x2)", "--box", "-1", "1", "--certificate", str(out))
    assert r.returncode == 0, r.stderr
    assert check_certificate(out).regions == 5
    r = cli("check", str(out))
    assert (r.returncode, r.stdout) == (0, "valid: every claim of the certificate checks out (5 regions)\n")


# ------------------------------------------------------------------------- 2. tampering
# Each case returns (tampered certificate, expected reason).  The expected reason is a tuple
# (region number or None for "some region", row [a, b] or None, phrase) or a compiled regex.
# A-region rows, sorted as the checker indexes them (primitive integer rows a.x <= b):
#   0 (-1,0;0) u1 on / u2 off / u5 / u6 on    1 (-1,0;1) box    2 (-1,1;0) u3 off / u4 on
#   3 (0,-1;1) box    4 (0,1;1) box    5 (1,0;1) box
# C-region rows: 0 (-1,0;0) x1 >= 0    1 (-1,0;1)    2 (0,-1;0) u5 / u6 on: x2 >= 0
#   3 (0,-1;1)    4 (0,1;1)    5 (1,-1;0) x1 <= x2    6 (1,0;1)
# so x2 >= 0 is row 0 + row 5, the multipliers certify wrote.
NOT_INSIDE = "the witness point is not strictly inside the region"
MAP_DIFFERS = "the network's affine map differs from the target's here"


def _t_witness_outside():
    cert = _cert()
    i = _idx(cert, A)
    cert["regions"][i]["point"] = ["-1/2", "0"]  # x1 < 0: in B, whose label is another
    return cert, (i + 1, None, NOT_LABEL)


def _t_witness_on_inner_boundary():
    cert = _cert()
    i = _idx(cert, A)
    # on x2 = x1 the ties go to A's label (u3 = relu(0) off; max(0, 1/2, 1/2) picks x1 first),
    # but row 2 of A has slack 0
    cert["regions"][i]["point"] = ["1/2", "1/2"]
    return cert, (i + 1, None, NOT_INSIDE)


def _t_witness_on_domain_boundary():
    cert = _cert()
    i = _idx(cert, A)
    cert["regions"][i]["point"] = ["1", "0"]  # on x1 = 1, the box
    return cert, (i + 1, None, NOT_INSIDE)


def _t_witness_of_another_region():
    cert = _cert()
    i, j = _idx(cert, C), _idx(cert, E)
    cert["regions"][i]["point"] = cert["regions"][j]["point"]  # E's witness has x1 < 0
    return cert, (i + 1, None, NOT_LABEL)


def _t_facet_point_off_hyperplane():
    cert = _cert()
    i = _idx(cert, A)
    _facet(cert["regions"][i], [-1, 0], 0)["point"] = ["1/4", "-1/2"]  # -x1 = -1/4, not 0
    return cert, (i + 1, ([-1, 0], 0), "is not on its hyperplane")


def _t_facet_point_on_another_row():
    cert = _cert()
    i = _idx(cert, A)
    _facet(cert["regions"][i], [-1, 0], 0)["point"] = ["0", "0"]  # also on x2 = x1 (row 2)
    return cert, (i + 1, ([-1, 0], 0), "is not in the facet's relative interior")


def _t_facet_point_on_domain_corner():
    cert = _cert()
    i = _idx(cert, A)
    _facet(cert["regions"][i], [-1, 0], 0)["point"] = ["0", "-1"]  # also on x2 = -1 (the box)
    return cert, (i + 1, ([-1, 0], 0), "is not in the facet's relative interior")


def _t_facet_point_beyond_the_facet():
    cert = _cert()
    i = _idx(cert, A)
    # on the line x1 = 0 but with x2 > x1: the C-E facet, not a facet of A
    _facet(cert["regions"][i], [-1, 0], 0)["point"] = ["0", "1/2"]
    return cert, (i + 1, ([-1, 0], 0), "is not in the facet's relative interior")


def _t_neighbour_wrong():
    cert = _cert()
    i, c = _idx(cert, A), _idx(cert, C)
    _facet(cert["regions"][i], [-1, 0], 0)["neighbour"] = c  # across x1 = 0 from A lies B
    return cert, (i + 1, ([-1, 0], 0), f"lies another region than region {c + 1}")


def _t_neighbour_out_of_range():
    cert = _cert()
    i = _idx(cert, A)
    _facet(cert["regions"][i], [-1, 0], 0)["neighbour"] = 5  # regions are numbered 0..4
    return cert, (i + 1, ([-1, 0], 0), "names no valid neighbour")


def _t_neighbour_negative():
    # -1 would be the last region under Python indexing: make it the right one, so only the
    # range check can catch it
    cert = _cert()
    last = _name(cert, len(cert["regions"]) - 1)
    i = min(_idx(cert, LABELS[p]) for p in NEIGHBOURS[last])
    f = next(f for f in cert["regions"][i]["facets"] if f["neighbour"] == 4)
    f["neighbour"] = -1
    row = ([int(v) for v in f["a"]], int(f["b"]))
    return cert, (i + 1, row, "names no valid neighbour")


def _changed_labels(cert: dict, changed: str):
    """The expected reason when the regions named ``changed`` (say "AB") got another label than
    the one at their witness: each of them fails its witness check, and each of their neighbours
    fails on the facet that points to them (the label across is the old one).  The first of
    these in list order is reported."""
    own = {_idx(cert, LABELS[p]) for p in changed}
    near = {_idx(cert, LABELS[q]) for p in changed for q in NEIGHBOURS[p]} - own
    first = min(own | near)
    if first in own:
        return (first + 1, None, NOT_LABEL)
    return (first + 1, None, "lies another region than region")


def _t_swap_patterns():
    cert = _cert()
    expected = _changed_labels(cert, "AB")
    i, j = _idx(cert, A), _idx(cert, B)
    ri, rj = cert["regions"][i], cert["regions"][j]
    ri["pattern"], rj["pattern"] = rj["pattern"], ri["pattern"]
    ri["target"], rj["target"] = rj["target"], ri["target"]
    # A's witness (x1 > 0) has A's label, not B's, and vice versa
    return cert, expected


def _t_swap_whole_regions():
    # swap the entries of A and B without renumbering: every region adjacent to A or B (all but
    # E: the cycle A-B, A-C, B-D, C-E, D-E) now names the wrong index across that facet
    cert = _cert()
    i, j = _idx(cert, A), _idx(cert, B)
    regs = cert["regions"]
    regs[i], regs[j] = regs[j], regs[i]
    first = min(k for k, r in enumerate(regs) if _label(r) != E)
    return cert, (first + 1, None, "lies another region than region")


def _t_flip_bit():
    cert = _cert()
    expected = _changed_labels(cert, "A")
    cert["regions"][_idx(cert, A)]["pattern"] = "0001"  # u1 off needs x1 <= 0; A's witness has x1 = 1/2
    return cert, expected


def _t_flip_bit_layer_two():
    cert = _cert()
    expected = _changed_labels(cert, "E")
    cert["regions"][_idx(cert, E)]["pattern"] = "0110"  # u4 off needs x2 <= 0; E's witness has x2 > 0
    return cert, expected


def _t_remove_facet():
    cert = _cert()
    i = _idx(cert, A)
    reg = cert["regions"][i]
    reg["facets"].remove(_facet(reg, [-1, 1], 0))
    return cert, (i + 1, ([-1, 1], 0), "is neither a facet with a neighbour nor proved redundant")


def _t_remove_redundant():
    cert = _cert()
    i = _idx(cert, C)
    cert["regions"][i]["redundant"] = []
    return cert, (i + 1, ([0, -1], 0), "is neither a facet with a neighbour nor proved redundant")


def _c_redundant(cert):
    i = _idx(cert, C)
    (red,) = cert["regions"][i]["redundant"]
    assert ([int(v) for v in red["a"]], int(red["b"])) == ([0, -1], 0)
    assert sorted((j, F(y)) for j, y in red["multipliers"]) == [(0, 1), (5, 1)]  # as derived above
    return i, red


def _t_multiplier_negative():
    cert = _cert()
    i, red = _c_redundant(cert)
    # -1 * (x2 <= 1) is -x2 <= -1 <= 0: the sums match, but a negative multiplier proves nothing
    red["multipliers"] = [[4, "-1"]]
    return cert, (i + 1, ([0, -1], 0), "invalid multiplier")


def _t_multiplier_not_summing():
    cert = _cert()
    i, red = _c_redundant(cert)
    red["multipliers"] = [[0, "2"], [5, "1"]]  # 2(-1, 0) + (1, -1) = (-1, -1) != (0, -1)
    return cert, (i + 1, ([0, -1], 0), "is not proved redundant (the multipliers do not add up)")


def _t_multiplier_circular():
    cert = _cert()
    i, red = _c_redundant(cert)
    red["multipliers"] = [[2, "1"]]  # row 2 is x2 >= 0 itself
    return cert, (i + 1, ([0, -1], 0), "invalid multiplier")


def _t_multiplier_index_out_of_range():
    cert = _cert()
    i, red = _c_redundant(cert)
    red["multipliers"] = [[0, "1"], [7, "1"]]  # C has 7 rows, 0..6
    return cert, (i + 1, ([0, -1], 0), "invalid multiplier")


def _t_facet_claimed_redundant():
    # x2 - x1 <= 0 is a facet of A; (-x1 <= 0) + (x2 <= 1) has the right normal but only
    # proves x2 - x1 <= 1
    cert = _cert()
    i = _idx(cert, A)
    reg = cert["regions"][i]
    reg["facets"].remove(_facet(reg, [-1, 1], 0))
    reg["redundant"] = [{"a": ["-1", "1"], "b": "0", "multipliers": [[0, "1"], [4, "1"]]}]
    return cert, (i + 1, ([-1, 1], 0), "is not proved redundant (the multipliers do not add up)")


def _t_network_weight():
    # relu(x1) -> relu(2 x1): no hyperplane moves, but for x1 > 0 the network is x1 larger
    # (at (1/2, 0): 1 against max(0, 1/2, 0) = 1/2).  A and C are the regions with x1 > 0.
    cert = _cert()
    cert["network"]["layers"][0]["weights"][0] = ["2", "0"]
    first = min(_idx(cert, A), _idx(cert, C))
    return cert, (first + 1, None, MAP_DIFFERS)


def _t_network_hyperplane():
    # relu(x2 - x1) -> relu(2 x2 - x1): at (1/2, 1/2) the network is relu(1/2 + 1/2) = 1, not 1/2;
    # the regions' rows move, so some region fails (which check first depends on the order)
    cert = _cert()
    cert["network"]["layers"][0]["weights"][2] = ["-1", "2"]
    return cert, re.compile(r"region \d+: ")


def _t_network_output_bias():
    # network + 1: no row changes, so region 1 passes its witness check and fails the claim
    cert = _cert()
    cert["network"]["layers"][-1]["biases"] = ["1"]
    return cert, (1, None, MAP_DIFFERS)


def _t_target_expression():
    # max(0, x1, 2 x2) differs at (-1/2, 1/2): 1 against 1/2; its row x1 <= 2 x2 is no row of the
    # listed regions, so some region fails (which check first depends on the order)
    cert = _cert()
    cert["target"]["expr"] = "max(0, x1, 2*x2)"
    return cert, re.compile(r"region \d+: ")


def _t_target_constant():
    cert = _cert()
    cert["target"]["expr"] = "max(0, x1, x2) + 1/3"  # the same branches everywhere, the value + 1/3
    return cert, (1, None, MAP_DIFFERS)


def _t_duplicate_region():
    cert = _cert()
    cert["regions"].append(_copy(cert["regions"][_idx(cert, C)]))
    return cert, (None, None, "two regions have the same label")


def _t_wrong_branch():
    # B (x1 < 0, x2 < x1) claims that x1 wins the max; at B's witness 0 does
    cert = _cert()
    expected = _changed_labels(cert, "B")
    cert["regions"][_idx(cert, B)]["target"] = [[1]]
    return cert, expected


@functools.cache
def _branch_cert_text() -> str:
    # relu(x1) equals max(0, x1, x2 - 5) where x2 - 5 never wins: on [-1, 1]^2 (x2 - 5 <= -4)
    net = Network.from_layers([([[1, 0]], [0]), ([[1]], [0])])
    return json.dumps(certify(net, "max(0, x1, x2 - 5)", SQUARE).certificate(compact=False))


def _t_branch_no_longer_dominates():
    # Region ("1", [[1]]) (x1 > 0, x1 wins) has the branch rows -x1 <= 0 and x2 - x1 <= 5 among
    # its sorted rows (-1,0;0) (-1,0;1) (-1,1;5) (0,-1;1) (0,1;1) (1,0;1); on the square
    # x2 - x1 <= 5 is implied: row 0 + row 4 is x2 - x1 <= 1.  Region ("0", [[0]]) (x1 < 0, 0
    # wins) has the branch row x2 <= 5 among (-1,0;1) (0,-1;1) (0,1;1) (0,1;5) (1,0;0) (1,0;1),
    # implied by row 2 (x2 <= 1).  On [-1, 1] x [-1, 10] the same multipliers prove only
    # x2 - x1 <= 10 and x2 <= 10, and none can prove the branch rows: at (1/2, 10) x2 - 5 wins.
    cert = json.loads(_branch_cert_text())
    i, j = _idx(cert, ("1", [[1]])), _idx(cert, ("0", [[0]]))
    (red,) = [r for r in cert["regions"][i]["redundant"] if r["a"] == ["-1", "1"]]
    assert red["b"] == "5" and sorted((k, F(y)) for k, y in red["multipliers"]) == [(0, 1), (4, 1)]
    (red,) = [r for r in cert["regions"][j]["redundant"] if r["a"] == ["0", "1"] and r["b"] == "5"]
    assert [(k, F(y)) for k, y in red["multipliers"]] == [(2, 1)]
    cert["domain"] = {"box": [["-1", "1"], ["-1", "10"]]}
    k, row = (i, ([-1, 1], 5)) if i < j else (j, ([0, 1], 5))
    return cert, (k + 1, row, "is not proved redundant (the multipliers do not add up)")


def _t_wrong_segment():
    # the hat on [-2, 2]: segments 0..3 between the kinks -1, 0, 1; the region of segment 2
    # (0 < x < 1) claims segment 1
    cert = _cert("breakpoints-box")
    i = next(k for k, r in enumerate(cert["regions"]) if r["target"] == 2)
    assert 0 < F(cert["regions"][i]["point"][0]) < 1
    cert["regions"][i]["target"] = 1
    # the checker meets the lie either at region i itself or first at a neighbour's facet into it
    return cert, re.compile(
        rf"region {i + 1}: {NOT_LABEL}$|region \d+: across row .* lies another region than region {i + 1}$"
    )


def _t_pieces_wrong_piece():
    # the region with witness in x1 > 0, x2 > 0 claims piece 3 (x1 <= 0, x2 <= 0)
    cert = _cert("pieces-box")
    i = next(k for k, r in enumerate(cert["regions"]) if all(F(v) > 0 for v in r["point"]))
    assert cert["regions"][i]["piece"] == 0
    cert["regions"][i]["piece"] = 2
    return cert, (i + 1, None, "the region does not lie in piece 3")


def _t_pieces_piece_index_out_of_range():
    cert = _cert("pieces-box")
    cert["regions"][0]["piece"] = 4
    return cert, (1, None, "'piece' names no full-dimensional piece")


def _t_pieces_changed_map():
    # piece 1 (x1, x2 >= 0) now says x1 + 2 x2: at (1/2, 1/2) the network gives 1, not 3/2
    cert = _cert("pieces-box")
    cert["target"]["pieces"][0]["w"][0] = [1, 2]
    i = next(k for k, r in enumerate(cert["regions"]) if r["piece"] == 0)
    return cert, (i + 1, None, MAP_DIFFERS)


def _pair(cert: dict, i: int, j: int) -> dict:
    return next(e for e in cert["pairs"] if e["pieces"] == [i, j])


def _t_pairs_entry_dropped():
    # every two quadrants meet at the origin at least, so every pair needs a proof of agreement
    cert = _cert("pieces-box")
    assert all("agree" in e for e in cert["pairs"])
    cert["pairs"].remove(_pair(cert, 0, 2))
    return cert, (None, None, "pieces 1 and 3: no proof that they agree on the domain or do not meet there")


def _t_pairs_forged_multipliers():
    # pieces 1 (x1, x2 >= 0) and 2 (x1 <= 0 <= x2): output 1 differs by 2 x1 and both need
    # 2 x1 <= 0, which row 2 (x1 <= 0, piece 2's) proves; row 0 (-x1 <= 0, piece 1's) does not
    cert = _cert("pieces-box")
    _pair(cert, 0, 1)["agree"][0] = [[0, "1"]]
    return cert, (None, None, "pieces 1 and 2: not proved equal on output 1 (the multipliers do not add up)")


def _t_pairs_forged_empty():
    # pieces 1 and 2 meet on the segment x1 = 0: row 0 + row 2 of their system is 0 <= 0, not a
    # contradiction
    cert = _cert("pieces-box")
    entry = _pair(cert, 0, 1)
    del entry["agree"]
    entry["empty"] = [[0, "1"], [2, "1"]]
    return cert, (None, None, "pieces 1 and 2: not proved disjoint on the domain")


def _t_pairs_negative_multiplier():
    cert = _cert("pieces-box")
    _pair(cert, 0, 1)["agree"][0] = [[2, "1"], [0, "-1"]]  # x1 - (-x1) = 2 x1: right sum, but y < 0
    return cert, (None, None, "pieces 1 and 2: not proved equal on output 1 (invalid multiplier")


def _t_point_piece_disagrees():
    # the issue's pieces: relu as two half-lines and the point {0}; certified with value 0 at the
    # point, then the point's value changed to 5: pieces 1 ({0}) and 2 (x <= 0, value 0) both
    # hold at 0 and differ, and the proof written for value 0 does not prove 5 = 0
    cert = json.loads(_issue_cert_text())
    cert["target"]["pieces"][0]["c"] = ["5"]
    return cert, (None, None, "pieces 1 and 2: not proved equal on output 1")


def _t_degenerate_simplex_disagrees():
    # a degenerate simplex on the diagonal of the square, certified with the values of |x1 - x2|
    # there (0), then given the value 1 at all three of its points (still affine on it)
    cert = json.loads(_degenerate_cert_text())
    cert["target"]["triangulation"]["values"][4:7] = [1, 1, 1]
    return cert, (None, None, "simplices 1 and 3: not proved equal on output 1")


def _t_version_1():
    cert = _cert()
    cert["version"] = 1
    return cert, (None, None, "version 1 certificates relied on the compiled target program")


@functools.cache
def _cut_cert_text() -> str:
    # relu(x) - relu(x - 3/2) equals relu(x) on [-1, 1] (the second unit never fires there),
    # but not on [-2, 2]: at x = 2 it is 3/2, relu(2) = 2.
    net = Network.from_layers([([[1], [1]], [0, "-3/2"]), ([[1, -1]], [0])])
    return json.dumps(certify(net, "relu(x1)", {"box": [[-1, 1]]}).certificate(compact=False))


def _t_domain_bigger():
    # Units u1 = relu(x), u2 = relu(x - 3/2); the target's relu.  Region ("10", [[1]]) (x > 0) has
    # rows (-1;0) (-1;1) (1;1) (2;3), and 2x <= 3 is proved by 2 * row 2 (x <= 1).  With the box
    # [-2, 2] its rows are (-1;0) (-1;2) (1;2) (2;3): 2 * row 2 is 2x <= 4, which does not give
    # 2x <= 3 -- and no multipliers can, since x = 2 is now in the region.
    cert = json.loads(_cut_cert_text())
    i = _idx(cert, ("10", [[1]]))
    assert cert["regions"][i]["redundant"] == [{"a": ["2"], "b": "3", "multipliers": [[2, "2"]]}]
    cert["domain"] = {"box": [["-2", "2"]]}
    return cert, (i + 1, ([2], 3), "is not proved redundant (the multipliers do not add up)")


@functools.cache
def _dead_cert_text() -> str:
    # relu(relu(x)) against relu(x1) on R; network units u1 = relu(x), u2 = relu(u1).  Regions
    # ("11", [[1]]) (x > 0) and ("00", [[0]]) (x < 0).
    net = Network.from_layers([([[1]], [0]), ([[1]], [0]), ([[1]], [0])])
    return json.dumps(certify(net, "relu(x1)").certificate())


def _t_flip_dead_unit():
    # In "00" the pre-activation of u2 is u1 = 0 identically, so claiming u2 active adds only the
    # trivial row 0 <= 0: the polyhedron and the map are unchanged, the witness is still strictly
    # inside.  Only the label check at the witness ("00" there) can catch it.  (The other region's
    # facet check finds the points across x = 0 strictly inside the rows of "01" and leaves the
    # label to that region's own witness check, which fails.)
    cert = json.loads(_dead_cert_text())
    i = _idx(cert, ("00", [[0]]))
    cert["regions"][i]["pattern"] = "01"
    return cert, (i + 1, None, NOT_LABEL)


TAMPERS = {f.__name__[3:]: f for f in [v for k, v in list(globals().items()) if k.startswith("_t_")]}


def _assert_rejected(rep, expected) -> None:
    assert rep.valid is False
    assert isinstance(rep.reason, str)
    if isinstance(expected, re.Pattern):
        assert expected.match(rep.reason), rep.reason
        return
    region, row, phrase = expected
    if region is not None:
        assert rep.reason.startswith(f"region {region}: "), rep.reason
    if row is not None:
        assert f"row {_row(*row)}" in rep.reason, rep.reason
    assert phrase in rep.reason, rep.reason


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_tampered_certificate_is_rejected(case):
    cert, expected = TAMPERS[case]()
    _assert_rejected(check_certificate(cert), expected)


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_tampered_certificate_cli_exit_1(cli, tmp_path, case):
    cert, expected = TAMPERS[case]()
    p = tmp_path / "cert.json"
    p.write_text(json.dumps(cert))
    r = cli("check", str(p))
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("rejected: ") and r.stdout.endswith("\n") and r.stdout.count("\n") == 1
    rep = check_certificate(cert)
    assert r.stdout == f"rejected: {rep.reason}\n"
    _assert_rejected(rep, expected)


def _max3_without(label: tuple, redirect: tuple) -> dict:
    """Drop a region, renumber the others' neighbours, and send the facets that pointed to the
    dropped region to the region of label ``redirect`` instead."""
    cert = _cert()
    k = _idx(cert, label)
    del cert["regions"][k]
    new = _idx(cert, redirect)
    for reg in cert["regions"]:
        for f in reg["facets"]:
            q = f["neighbour"]
            f["neighbour"] = new if q == k else (q - 1 if q > k else q)
    return cert


@pytest.mark.parametrize("dropped", "ABCDE")
def test_dropped_region_renumbered_is_rejected(dropped):
    # Whatever region the orphaned facets are sent to, across them lies the dropped region, whose
    # label is no longer listed: the first region (in list order) adjacent to the dropped one
    # fails on that facet.  Every listed region is otherwise as certified.
    for redirect in sorted(set("ABCDE") - {dropped}):
        cert = _max3_without(LABELS[dropped], LABELS[redirect])
        rep = check_certificate(cert)
        first = min(_idx(cert, LABELS[p]) for p in NEIGHBOURS[dropped])
        _assert_rejected(
            rep, (first + 1, None, f"lies another region than region {_idx(cert, LABELS[redirect]) + 1}")
        )


@pytest.mark.parametrize("dropped", "ABCDE")
def test_dropped_region_not_renumbered_is_rejected(dropped):
    cert = _cert()
    del cert["regions"][_idx(cert, LABELS[dropped])]
    rep = check_certificate(cert)
    _assert_rejected(rep, re.compile(r"region \d+: (across )?row .* (lies another region|names no valid)"))


def test_random_certificates_tampered_are_rejected():
    """On the random network/copy certificates, tampering that is wrong by construction:

    - the target's output bias + 1: no row changes, so region 1 keeps its witness and the
      difference there is the constant -1;
    - a dropped region (renumbered): its witness is interior to it and to no other region,
      so the rest cannot cover the domain;
    - a flipped pattern bit: the label at the (unchanged) witness is the old one;
    - a facet's neighbour replaced by another index: the label across is that of the true
      neighbour, and labels are distinct;
    - a negative multiplier.
    """
    done = dict.fromkeys(["bias", "drop", "flip", "neighbour", "multiplier", "basis"], 0)
    any_region = re.compile(r"(region \d+: |two regions have the same label)")
    for seed in SEEDS:
        rng = random.Random(1000 + seed)
        base = json.loads(_random_cert_text(seed))
        regs = base["regions"]

        cert = _copy(base)
        layer = cert["target"]["network"]["layers"][-1]
        layer["biases"][0] = str(F(layer["biases"][0]) + 1)
        _assert_rejected(check_certificate(cert), (1, None, MAP_DIFFERS))
        done["bias"] += 1

        if len(regs) > 1:
            cert = _copy(base)
            k = rng.randrange(len(regs))
            del cert["regions"][k]
            for reg in cert["regions"]:
                for f in reg["facets"]:
                    q = f["neighbour"]
                    f["neighbour"] = (q - 1 if q > k else q) if q != k else rng.randrange(len(regs) - 1)
            _assert_rejected(check_certificate(cert), any_region)
            done["drop"] += 1

        if regs[0]["pattern"]:
            cert = _copy(base)
            reg = rng.choice(cert["regions"])
            t = rng.randrange(len(reg["pattern"]))
            reg["pattern"] = reg["pattern"][:t] + "10"[int(reg["pattern"][t])] + reg["pattern"][t + 1 :]
            _assert_rejected(check_certificate(cert), any_region)
            done["flip"] += 1

        facets = [(i, j) for i, r in enumerate(regs) for j in range(len(r["facets"]))]
        if facets and len(regs) > 1:
            cert = _copy(base)
            i, j = rng.choice(facets)
            f = cert["regions"][i]["facets"][j]
            f["neighbour"] = rng.choice([q for q in range(len(regs)) if q != f["neighbour"]])
            _assert_rejected(check_certificate(cert), (i + 1, None, "lies another region than region"))
            done["neighbour"] += 1

        reds = [(i, j) for i, r in enumerate(regs) for j in range(len(r["redundant"]))]
        if reds:
            cert = _copy(base)
            i, j = rng.choice(reds)
            red = cert["regions"][i]["redundant"][j]
            red["multipliers"][0][1] = "-1"
            _assert_rejected(check_certificate(cert), (None, None, "multiplier"))
            done["multiplier"] += 1

        compact = json.loads(_random_cert_text(seed, True))
        named = [i for i, r in enumerate(compact["regions"]) if r.get("implied")]
        if named:  # a compact proof left out, or pointing at no basis
            i = rng.choice(named)
            cert = _copy(compact)
            cert["regions"][i]["implied"]["of"].pop()
            _assert_rejected(
                check_certificate(cert), (i + 1, None, "neither a facet with a neighbour nor proved")
            )
            cert = _copy(compact)
            imp = cert["regions"][i]["implied"]
            imp["of"][rng.randrange(len(imp["of"]))] = len(imp["bases"])
            _assert_rejected(check_certificate(cert), (i + 1, None, "names no valid basis"))
            done["basis"] = done.get("basis", 0) + 1
    # every kind of tampering was exercised on several networks
    assert done["bias"] == 30 and min(done.values()) >= 5, done


# ------------------------------------------------------------------------- checker soundness bugs
def test_overlapping_pieces_with_different_maps_are_not_accepted():
    """Target pieces 1 (value 0) and 2 (value x) both cover [-1, 1]; the target is not a function
    there (exactpwl evaluates it as piece 1, i.e. 0, and certify refuses it).  The network x
    equals piece 2 only; a certificate claiming piece 2 must be rejected, whatever it says about
    the pair: no multipliers prove 0 = x where both pieces hold, nor that they do not meet.

    By hand: the pieces' hyperplanes, oriented with a positive first coefficient, sorted, are
    x <= -1 and x <= 1; at 1/4 the first is on its "1" side (x > -1), the second not: selection
    "10", and the linear network has the empty pattern.  The region's rows, sorted: (-2;1) and
    (2;1) from the domain [-1/2, 1/2], (-1;1) and (1;1) from the selection; -x <= 1 is 1/2 row 0,
    x <= 1 is 1/2 row 3.  Pair (1, 2) has the rows x <= 1, -x <= 1 (piece 1), the same again
    (piece 2), then the domain's x <= 1/2, -x <= 1/2.
    """
    target = _pieces(
        [
            {"A": [["1"], ["-1"]], "b": ["1", "1"], "w": [["0"]], "c": ["0"]},
            {"A": [["1"], ["-1"]], "b": ["1", "1"], "w": [["1"]], "c": ["0"]},
        ],
        1,
    )
    network = {
        "format": "exactpwl.network",
        "version": 1,
        "input_dim": 1,
        "layers": [{"weights": [["1"]], "biases": ["0"], "activation": "linear"}],
    }
    region = {
        "pattern": "",
        "target": "10",
        "point": ["1/4"],
        "piece": 1,
        "facets": [],
        "redundant": [
            {"a": ["-1"], "b": "1", "multipliers": [[0, "1/2"]]},
            {"a": ["1"], "b": "1", "multipliers": [[3, "1/2"]]},
        ],
    }
    cert = {
        "format": "exactpwl.certificate",
        "version": 2,
        "claim": "network == target on domain",
        "network": network,
        "target": target,
        "domain": {"box": [["-1/2", "1/2"]]},
        "regions": [region],
        "pairs": [],
    }
    with pytest.raises(InputError, match="disagree"):
        certify(Network.from_dict(network), target, {"box": [[-1, 1]]})
    _assert_rejected(check_certificate(cert), (None, None, "pieces 1 and 2: no proof that they agree"))
    # piece 1 - piece 2 = -x <= 0 from row 1 (-x <= 1)?  That gives -x <= 1 only
    cert["pairs"] = [{"pieces": [0, 1], "agree": [[[1, "1"]], [[0, "1"]]]}]
    _assert_rejected(check_certificate(cert), (None, None, "pieces 1 and 2: not proved equal on output 1"))
    cert["pairs"] = [{"pieces": [0, 1], "empty": [[0, "1"], [1, "1"]]}]  # x <= 1 and -x <= 1: 0 <= 2
    _assert_rejected(check_certificate(cert), (None, None, "pieces 1 and 2: not proved disjoint"))
    # the region itself is consistent: without the second piece (x on [-1, 1]) it all checks out
    cert["target"]["pieces"] = cert["target"]["pieces"][1:]
    cert["regions"][0]["piece"] = 0
    cert["pairs"] = []
    assert check_certificate(cert).valid


# ------------------------------------------------------------------------- 3. malformed input
def _m(path: list, value=None, delete: bool = False, name: str = "expr-box"):
    def make():
        cert = _cert(name)
        obj = cert
        for k in path[:-1]:
            obj = obj[k]
        if delete:
            del obj[path[-1]]
        else:
            obj[path[-1]] = value
        return cert

    return make


def _text(t: str):
    return lambda: t


MALFORMED = {
    "not-json": _text('{"format": "exactpwl.certificate", '),
    "json-list": _text("[1, 2, 3]"),
    "nan-literal": lambda: json.dumps(_m(["regions", 0, "point"], [float("nan"), "0"])()),  # NaN in the text
    "wrong-format": _m(["format"], "exactpwl.network"),
    "wrong-version": _m(["version"], 3),
    "version-string": _m(["version"], "1"),
    "version-true": _m(["version"], True),
    "missing-format": _m(["format"], delete=True),
    "missing-network": _m(["network"], delete=True),
    "missing-target": _m(["target"], delete=True),
    "missing-domain": _m(["domain"], delete=True),
    "missing-regions": _m(["regions"], delete=True),
    "missing-pattern": _m(["regions", 0, "pattern"], delete=True),
    "missing-point": _m(["regions", 0, "point"], delete=True),
    "no-regions": _m(["regions"], []),
    "pattern-short": _m(["regions", 0, "pattern"], "100"),
    "pattern-long": _m(["regions", 0, "pattern"], "10011"),
    "pattern-letter": _m(["regions", 0, "pattern"], "100x"),
    "pattern-space": _m(["regions", 0, "pattern"], "10 1"),
    "pattern-list": _m(["regions", 0, "pattern"], [1, 0, 0, 1]),
    "target-missing": _m(["regions", 0, "target"], delete=True),
    "target-two-choices": _m(["regions", 0, "target"], [[1, 2]]),
    "target-boolean": _m(["regions", 0, "target"], [[True]]),
    "target-string": _m(["regions", 0, "target"], "1"),
    "segment-string": _m(["regions", 0, "target"], "1", name="breakpoints-box"),
    "pairs-missing": _m(["pairs"], delete=True, name="pieces-box"),
    "pairs-not-a-list": _m(["pairs"], {"pieces": [0, 1]}, name="pieces-box"),
    "pairs-entry-without-pieces": _m(["pairs", 0, "pieces"], [0], name="pieces-box"),
    "pairs-for-an-expression": _m(["pairs"], []),
    "degenerate-values-not-affine": _m(
        ["target", "triangulation", "values", 6], 1, name="triangulation-degenerate-box"
    ),
    "point-1d": _m(["regions", 0, "point"], ["1/2"]),
    "point-3d": _m(["regions", 0, "point"], ["1/2", "0", "0"]),
    "facet-point-1d": _m(["regions", 0, "facets", 0, "point"], ["0"]),
    "facet-a-3d": _m(["regions", 0, "facets", 0, "a"], ["-1", "0", "0"]),
    "point-nan-string": _m(["regions", 0, "point"], ["NaN", "0"]),
    "point-nan-float": _m(["regions", 0, "point"], [float("nan"), "0"]),
    "point-infinity": _m(["regions", 0, "point"], ["Infinity", "0"]),
    "point-division-by-zero": _m(["regions", 0, "point"], ["1/0", "0"]),
    "point-empty-string": _m(["regions", 0, "point"], ["", "0"]),
    "facet-b-nan": _m(["regions", 0, "facets", 0, "b"], "nan"),
    "network-activation": _m(["network", "layers", 0, "activation"], "tanh"),
    "target-expr": _m(["target", "expr"], "max(0, x1"),
    "domain-list": _m(["domain"], [[-1, 1], [-1, 1]]),
    "domain-nan": _m(["domain"], {"box": [["NaN", "1"], ["-1", "1"]]}),
    "facets-null": _m(["regions", 0, "facets"], None),
    "domain-box-3d": _m(["domain"], {"box": [[-1, 1]] * 3}),
    "domain-box-1d": _m(["domain"], {"box": [[-1, 1]]}),
    "domain-box-not-pairs": _m(["domain"], {"box": [[-1], [1]]}),
    "domain-A-row-3d": _m(
        ["domain"], {"A": [[1, 0, 5], [-1, 0, 5], [0, 1, 5], [0, -1, 5]], "b": [1, 1, 1, 1]}
    ),
    "domain-A-b-lengths": _m(["domain"], {"A": [[1, 0], [-1, 0], [0, 1], [0, -1]], "b": [1, 1, 1]}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_certificate_raises_input_error(case):
    cert = MALFORMED[case]()
    with pytest.raises(InputError):
        check_certificate(cert)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_certificate_cli_exit_2(cli, tmp_path, case):
    cert = MALFORMED[case]()
    p = tmp_path / "cert.json"
    p.write_text(cert if isinstance(cert, str) else json.dumps(cert))  # float nan -> NaN literal
    r = cli("check", str(p))
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("exactpwl: error: ") and r.stderr.count("\n") == 1, r.stderr


def test_missing_file_and_non_certificate_argument():
    with pytest.raises(InputError, match="cannot read"):
        check_certificate(Path("/nonexistent/cert.json"))
    with pytest.raises(InputError):
        check_certificate(42)


# ------------------------------------------------------------------------- 4. independence
FORBIDDEN = [
    "exactpwl.compile",  # the target compiler: the checker reads the target's own definition
    "exactpwl.certificate",  # the certificate writer
    "exactpwl.regions",
    "exactpwl.region_graph",
    "exactpwl.certify",
    "exactpwl.verdict",
    "exactpwl.lp",
    "exactpwl.polyhedron",
    "exactpwl.smt",
    "ppl",
    "highspy",
    "z3",
]
_LOADED = (
    "import json, sys\n"
    "tops = ('exactpwl', 'ppl', 'highspy', 'z3')\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in tops)))\n"
)


def _modules_after(code: str) -> set[str]:
    r = subprocess.run(
        [sys.executable, "-c", code + "\n" + _LOADED], cwd=ROOT, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    return set(json.loads(r.stdout))


# the checker's trusted base: numbers, the network reader, the expression parser and evaluator,
# the expression's own semantics, the target reader (and the package's lazy __init__ and its
# error type)
TRUSTED = {
    "exactpwl",
    "exactpwl.check",
    "exactpwl.errors",
    "exactpwl.numbers",
    "exactpwl.network",
    "exactpwl.expr",
    "exactpwl.target_semantics",
    "exactpwl.pwl",
}


def test_import_check_loads_no_compiler_no_enumerator_and_no_lp():
    loaded = _modules_after("import exactpwl.check")
    assert "exactpwl.check" in loaded
    assert loaded.isdisjoint(FORBIDDEN), sorted(loaded & set(FORBIDDEN))
    assert loaded <= TRUSTED, sorted(loaded - TRUSTED)


def test_the_forbidden_names_are_the_real_modules():
    # control: certify does load the enumerator and the polyhedra kernel under these names, so
    # the test above would see them
    loaded = _modules_after("from exactpwl import certify\nassert callable(certify)")
    assert {"exactpwl.compile", "exactpwl.certificate", "exactpwl.polyhedron", "exactpwl.lp", "ppl"} <= loaded
    assert loaded & {"exactpwl.regions", "exactpwl.region_graph"}


@pytest.mark.parametrize(
    "name",
    [
        "expr-box",
        "expr2-R2",
        "breakpoints-box",
        "pieces-box",
        "pieces-point-R",
        "network-box",
        "triangulation-box",
        "triangulation-degenerate-box",
    ],
)
@pytest.mark.parametrize("compact", [False, True], ids=["explicit", "compact"])
def test_checking_a_certificate_loads_no_compiler_no_enumerator_and_no_lp(tmp_path, name, compact):
    """Not only the import: checking a certificate of any target kind, written out or compact,
    must not call the target compiler, polyhedra or LP code either (docs/certificate.md)."""
    p = tmp_path / "cert.json"
    p.write_text(_cert_text(name, compact))
    loaded = _modules_after(
        f"from exactpwl.check import check_certificate\nassert check_certificate({str(p)!r}).valid"
    )
    assert loaded.isdisjoint(FORBIDDEN), sorted(loaded & set(FORBIDDEN))
    assert loaded <= TRUSTED, sorted(loaded - TRUSTED)


def test_checking_a_symmetric_certificate_loads_only_the_trusted_base(tmp_path):
    """A certificate through symmetry (unit permutations of an S3-symmetric max network, the
    target's definition; a nested certificate for the tree max(max(x1, x2), x3), which is not
    unit-symmetric) is checked by the same trusted base: the checker permutes the weights and
    reads the expression itself."""
    from test_symmetry import build, max3_layers

    from exactpwl.compile import compile_target
    from exactpwl.pwl import as_target

    t = as_target("max(x1, x2, x3)", 3)
    cases = [(build(max3_layers([F(1, 3)] * 3)), "units"), (compile_target(t), "certify")]
    for k, (net, how) in enumerate(cases):
        v = certify(net, t, symmetric_in=[[0, 1, 2]], symmetry_proof=how)
        assert v.holds is True
        p = tmp_path / f"sym{k}.json"
        p.write_text(json.dumps(v.certificate()))
        loaded = _modules_after(
            f"from exactpwl.check import check_certificate\nassert check_certificate({str(p)!r}).valid"
        )
        assert loaded <= TRUSTED, sorted(loaded - TRUSTED)


def test_public_names_are_the_functions():
    # the package imports lazily; its names must still be the documented functions, not modules
    code = (
        "import exactpwl\n"
        "from exactpwl import certify, check_certificate, regions\n"
        "import exactpwl.check\n"
        "assert callable(certify) and callable(check_certificate) and callable(regions)\n"
        "assert callable(exactpwl.certify) and callable(exactpwl.check_certificate)\n"
        "assert callable(exactpwl.regions)\n"
    )
    _modules_after(code)


# ------------------------------------------------------------------------- 5. the compiler is not trusted
def _broken_min(monkeypatch) -> None:
    """Break the compiler of min on purpose: min(a, b) = a - 2 relu(a - b) instead of a - relu(a - b)."""
    from flint import fmpq

    from exactpwl import compile as compiler

    honest = compiler._Compiler.extremum

    def extremum(self, forms, is_max):
        if is_max or len(forms) != 2:
            return honest(self, forms, is_max)
        a, b = forms
        return a.plus(self.relu(a.plus(b, fmpq(-1))), fmpq(-2))

    monkeypatch.setattr(compiler._Compiler, "extremum", extremum)


def test_a_broken_compiler_makes_certify_lie_and_check_reject(monkeypatch):
    # x1 - 2 relu(x1 - x2), by hand: x1 - 2 (x1 - x2) = 2 x2 - x1 where x1 > x2, x1 elsewhere; it
    # equals min(x1, x2) only where x1 <= x2 (at (1, 0) it is -1, min is 0)
    net = Network.from_layers([([[1, -1], [1, 0], [-1, 0]], [0, 0, 0]), ([[-2, 1, -1]], [0])])
    assert net([1, 0]) == [-1] and net([0, 1]) == [0]
    v = certify(net, "min(x1, x2)")
    assert v.holds is False and v.counterexample.x[0] > v.counterexample.x[1]  # honest compiler
    _broken_min(monkeypatch)
    v = certify(net, "min(x1, x2)")
    assert v.holds is True  # the broken compiler agrees with the network: a false "holds"
    cert = v.certificate()
    rep = check_certificate(cert)
    assert rep.valid is False
    # the region where x1 > x2: the network is 2 x2 - x1, the target's branch x2 is x2
    k = int(re.match(r"region (\d+): ", rep.reason).group(1)) - 1
    x1, x2 = (F(t) for t in cert["regions"][k]["point"])
    assert x1 > x2 and rep.reason.endswith("the network's affine map differs from the target's here")
    # and z3, which encodes min from the expression tree, is not fooled either
    with pytest.raises(AssertionError, match="cross-check disagreement"):
        certify(net, "min(x1, x2)", cross_check="z3")


def test_a_broken_compiler_cannot_hide_in_a_checked_module(monkeypatch, tmp_path):
    # the same false certificate, checked in a fresh interpreter that never loads the compiler
    _broken_min(monkeypatch)
    net = Network.from_layers([([[1, -1], [1, 0], [-1, 0]], [0, 0, 0]), ([[-2, 1, -1]], [0])])
    p = tmp_path / "cert.json"
    p.write_text(json.dumps(certify(net, "min(x1, x2)").certificate()))
    loaded = _modules_after(
        f"from exactpwl.check import check_certificate\nassert not check_certificate({str(p)!r}).valid"
    )
    assert loaded.isdisjoint(FORBIDDEN), sorted(loaded & set(FORBIDDEN))


# ------------------------------------------------------------------------- 6. every kind, every domain
def _compiled(texts, n):
    """The network of expressions as exactpwl.compile builds it: certify walks it, check reads
    the expressions themselves, and z3 encodes the tree -- three independent readings."""
    from exactpwl.compile import to_network

    return to_network(texts, n)


def _layers(*layers, acts=None):
    return lambda: Network.from_layers(list(layers), acts)


KINDS = {
    # nested max/min/abs/relu, two outputs
    "nested": (
        lambda: _compiled(
            ["max(x1, min(x2, abs(x1 - x2)), relu(-x1) - 1/2)", "min(x1, relu(x2)) + abs(x2)"], 2
        ),
        ["max(x1, min(x2, abs(x1 - x2)), relu(-x1) - 1/2)", "min(x1, relu(x2)) + abs(x2)"],
    ),
    # ties everywhere: max(x1, x1) = x1, max(x1, relu(x1)) = relu(x1), abs(x1 - x1) = 0
    "ties": (
        _layers(([[1, 0], [-1, 0], [0, 1], [0, -1]], [0] * 4), ([[2, -1, 1, -1]], [0])),
        "max(x1, x1) + max(x1, relu(x1)) + abs(x1 - x1) + min(x2, x2, x2)",
    ),
    # coincident hyperplanes (relu(x1), relu(2 x1), relu(-x1)) and dead units (relu(-1), and
    # relu(-relu(x2)) in layer 2): |x1| = relu(x1)/2 + relu(2 x1)/4 + relu(-x1)
    "coincident-dead": (
        _layers(
            ([[1, 0], [2, 0], [-1, 0], [0, 0], [0, 1]], [0, 0, 0, -1, 0]),
            ([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, -1]], [0, 0, 0, 0]),
            ([["1/2", "1/4", 1, 5]], [0]),
        ),
        "abs(x1)",
    ),
    # collinear breakpoints: slopes 1, 1, -2 (kink at 2 only): x - 3 relu(x - 2)
    "breakpoints-collinear": (
        _layers(([[1], [1], [-1]], [0, -2, 0]), ([[1, -3, -1]], [0])),
        {
            "format": "exactpwl.pwl",
            "version": 1,
            "input_dim": 1,
            "breakpoints": [[0, 0], [1, 1], [2, 2], [3, 0]],
        },
    ),
    # unbounded pieces of max(x1, x2) with x2 = x1 listed as a line piece of its own
    "pieces-unbounded": (
        _layers(([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])),
        _pieces(
            [
                {"A": [[-1, 1]], "b": [0], "w": [[1, 0]], "c": [0]},
                {"A": [[1, -1]], "b": [0], "w": [[0, 1]], "c": [0]},
                {"A": [[1, -1], [-1, 1]], "b": [0, 0], "w": [["1/2", "1/2"]], "c": [0]},
            ],
            2,
        ),
    ),
}
DOMAINS = {"R": None, "box": "box", "polyhedron": "polyhedron"}


@pytest.mark.parametrize("domain", sorted(DOMAINS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_certifies_and_checks(kind, domain):
    make_net, target = KINDS[kind]
    net = make_net()
    n = net.input_dim
    dom = {
        "R": None,
        "box": {"box": [[-2, "3/2"]] * n},
        "polyhedron": {
            "A": [[-1] * n, [1] + [0] * (n - 1), *([[0, 1]] if n > 1 else [])],
            "b": [1, 2, 2][: n + 1],
        },
    }[domain]
    v = certify(net, target, dom, cross_check="z3")  # z3 encodes the target from its definition
    assert v.holds is True
    rep = check_certificate(v.certificate())
    assert rep.valid, rep.reason


def test_pinwheel_center_cannot_be_left_out():
    """Four pieces wound around the unit square B (a pinwheel: every edge of B is part of a longer
    edge of one outer piece), and B itself.  If a region were labelled by its piece alone, the
    four outer regions' facets could each be vouched for by a point beyond B's corner, and a
    certificate leaving B out would pass.  Labels carry the side of every hyperplane of the
    pieces instead (x1 = 0, x1 = 1, x2 = 0, x2 = 1: 3 x 3 = 9 cells), so the cells next to B
    have facets that lie entirely against it."""
    pinwheel = [
        {"A": [[1, 0], [0, 1]], "b": [0, 1]},  # x1 <= 0, x2 <= 1
        {"A": [[0, 1], [-1, 0]], "b": [0, 0]},  # x2 <= 0, x1 >= 0
        {"A": [[-1, 0], [0, -1]], "b": [-1, 0]},  # x1 >= 1, x2 >= 0
        {"A": [[0, -1], [1, 0]], "b": [-1, 1]},  # x2 >= 1, x1 <= 1
        {"A": [[-1, 0], [1, 0], [0, -1], [0, 1]], "b": [0, 1, 0, 1]},  # B = [0, 1]^2
    ]
    target = _pieces([{**p, "w": [[1, -1]], "c": [2]} for p in pinwheel], 2)
    net = Network.from_layers([([[1, -1]], [2])], ["linear"])  # x1 - x2 + 2, like every piece
    cert = certify(net, target).certificate(compact=False)
    assert len(cert["regions"]) == 9 and check_certificate(cert).valid
    centre = next(k for k, r in enumerate(cert["regions"]) if r["piece"] == 4)
    # the cut bits of B: x1 > 0 (1), x1 < 1 (0), x2 > 0 (1), x2 < 1 (0) in the sorted cuts
    # x1 <= 0, x1 <= 1, x2 <= 0, x2 <= 1
    assert cert["regions"][centre]["target"] == "1010"
    del cert["regions"][centre]
    for reg in cert["regions"]:
        for f in reg["facets"]:
            f["neighbour"] -= f["neighbour"] > centre  # the facets into B now name another region
    rep = check_certificate(cert)
    _assert_rejected(
        rep, re.compile(r"region \d+: (across row .* lies another region|row .* names no valid)")
    )


# ------------------------------------------------------------------------- compact proofs
def test_compact_certificate_names_rows_and_bases():
    """Region C (0 < x1 < x2) of max3 on the box, compact: its facets are named by their place
    among its sorted rows (0: x1 >= 0, 5: x1 <= x2; 4: x2 <= 1 is the box's), and its one
    redundant row, 2: x2 >= 0, by the basis of rows 0 and 5 ((-1, 0) + (1, -1) = (0, -1), and
    0 + 0 <= 0), from which the checker solves for the multipliers (1, 1) itself."""
    cert = _cert(compact=True)
    assert check_certificate(cert).valid
    i = _idx(cert, C)
    reg = cert["regions"][i]
    assert sorted(f[0] for f in reg["facets"]) == [0, 5] and reg["redundant"] == []
    assert reg["implied"] == {"bases": [[0, 5]], "of": [0]}
    assert len(json.dumps(cert)) < len(_cert_text("expr-box"))

    def rejected(bases, of=(0,)):
        bad = _copy(cert)
        bad["regions"][i]["implied"] = {"bases": bases, "of": list(of)}
        return check_certificate(bad)

    # row 0 alone does not span (0, -1); row 2 cannot prove itself; rows 1 (x1 >= -1) and 5 give
    # x2 >= -1 only, not x2 >= 0; rows 0 and 0 again are not independent
    _assert_rejected(rejected([[0]]), (i + 1, ([0, -1], 0), "its basis does not span it"))
    _assert_rejected(rejected([[0, 2]]), (i + 1, ([0, -1], 0), "named in its own basis"))
    _assert_rejected(rejected([[1, 5]]), (i + 1, ([0, -1], 0), "the multipliers do not add up"))
    _assert_rejected(rejected([[0, 0]]), (i + 1, None, "not a list of distinct rows"))
    _assert_rejected(rejected([[0, 5]], ()), (i + 1, ([0, -1], 0), "neither a facet with a neighbour nor"))
    _assert_rejected(rejected([[0, 5]], (0, 0)), (i + 1, None, "'implied' names 2 rows, but 1 need a proof"))
    _assert_rejected(rejected([[0, 7]]), (i + 1, None, "not a list of distinct rows"))  # C has rows 0..6
    # a facet is [row, neighbour, point]; the later of two neighbours leaves a shared point out
    for k, reg in enumerate(cert["regions"]):
        for f in reg["facets"]:
            back = [g for g in cert["regions"][f[1]]["facets"] if g[1] == k]
            assert len(back) == 1 and (len(f) == 3) == (f[1] > k or len(back[0]) == 2)
    bad = _copy(cert)
    for reg in bad["regions"]:
        for f in reg["facets"]:
            del f[2:]
    _assert_rejected(check_certificate(bad), (1, None, "has no point, nor has region"))
    bad = _copy(cert)
    bad["regions"][i]["facets"][0][0] = 2  # x2 >= 0 is no facet of C: its point is not on it
    assert not check_certificate(bad).valid
    bad["regions"][i]["facets"][0][0] = 9
    _assert_rejected(check_certificate(bad), (i + 1, None, "a facet names row 9, not a row of the region"))
    # the facet x1 <= x2 claimed implied by x1 >= 0 and x2 >= 0: (1, -1) = -(-1, 0) + (0, -1)
    # needs the multiplier -1 (rows 2 and 5 need proofs now, in that order: bases 1 and 0)
    bad = _copy(cert)
    reg = bad["regions"][i]
    reg["facets"] = [f for f in reg["facets"] if f[0] != 5]
    reg["implied"] = {"bases": [[0, 2], [0, 5]], "of": [1, 0]}
    _assert_rejected(check_certificate(bad), (i + 1, ([1, -1], 0), "multiplier on its basis is negative"))


def test_definitions_equal_up_to_the_order_of_arguments():
    # the checker's invariance by definition: equal trees once the arguments of every sum, max
    # and min are matched one to one; by hand:
    from exactpwl.expr import parse
    from exactpwl.target_semantics import same_up_to_order

    def same(a, b):
        return same_up_to_order(parse(a, 3), parse(b, 3))

    assert same("max(x1, x2 + x3, min(x3, 0))", "max(min(0, x3), x3 + x2, x1)")
    assert same("abs(x1 - x2) + relu(x3)", "relu(x3) + abs(-x2 + x1)")
    # a multiset, not a set: max(x1, x1, x2) has x1 twice (parse keeps repeated arguments)
    assert not same("max(x1, x1, x2)", "max(x1, x2, x2)")
    assert not same("max(x1, x2)", "min(x1, x2)")  # another operator
    assert not same("abs(x1 - x2)", "abs(x2 - x1)")  # equal functions, other definitions
    assert not same("max(x1, x2)", "max(x1, x3)")
    assert not same("2*x1 + x2", "3*x1 + x2")
