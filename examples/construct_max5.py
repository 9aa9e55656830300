"""max of five numbers with two hidden layers (PAPER.md R20), certified on R^5; two mutants refuted.

Run:  python examples/construct_max5.py
"""

from dataclasses import replace

from exactpwl import certify
from exactpwl.construct.max5 import TARGET, identity, max5, network

c = max5()
print(c)
v = c.certify()
print(f"max5: architecture {c.network.architecture}, certified on R^5: {v.holds} ({v.regions} regions)")

mutants = {
    "Q with a flipped sign": [replace(t, sign=-t.sign) if t.name == "Q" else t for t in identity()],
    "R13 dropped": [t for t in identity() if t.name != "R13"],
}
for name, terms in mutants.items():
    cx = certify(network(terms)[0], TARGET).counterexample
    x = ", ".join(str(t) for t in cx.x)
    print(f"mutant ({name}): refuted at x = ({x}): network {cx.network[0]}, max {cx.target[0]}")
