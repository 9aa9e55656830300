"""Every script in examples/ runs and prints what was derived by hand."""

from __future__ import annotations

from conftest import run_example


def _run(name: str) -> str:
    return run_example(name).stdout


def test_certify_tour():
    out = _run("certify_tour.py").splitlines()
    # max(0, x1, x2) holds on R^2
    assert out[0].startswith("max(0, x1, x2): holds = True")
    assert out[1].endswith("check -> True")
    assert out[2].startswith("tampered certificate: valid = False")
    # the mutant adds 1/1000 inside the outer relu wherever relu(max(x1, x2) + 1/1000) > 0: at the
    # reported point it exceeds the target by exactly 1/1000 (checked on the printed numbers)
    assert out[3].startswith("mutant: holds = False")
    net_val = out[3].split("network = ")[1].split(",")[0]
    tgt_val = out[3].split("target = ")[1]
    from fractions import Fraction

    assert Fraction(net_val) - Fraction(tgt_val) == Fraction(1, 1000)


def test_regions_tour():
    out = _run("regions_tour.py").splitlines()
    assert out[0] == "three lines through a point: 6 regions, 0 bounded"  # 2 * 3 sectors
    assert out[1] == "tent map composed 3 times on [0, 1]: 8 linear pieces"  # Telgarsky: 2^3
    assert out[2].startswith("random 2-8-8-1: ")
