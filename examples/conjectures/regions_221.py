"""Every 2-2-1 ReLU network with weights and biases in {-1, 0, 1} has at most 3 linear regions.

False.  Two hidden units on R^2 bend along two lines; when the lines cross and both units
count, the function has four linear regions (Zaslavsky's bound for two lines in the plane is
1 + 2 + 1 = 4).  The refuter enumerates the 3,978 classes of equal networks (19,683 weight
settings before permutations and dead units are removed), smallest first, and stops at the
first network with four linear pieces: relu(x1) + relu(x2).

"Linear region" here is a linear piece: a maximal connected set on which the function is
affine (``regions(net).num_pieces``); the activation regions are counted too, in the witness.

    exactpwl refute examples/conjectures/regions_221.py
"""

from exactpwl import regions
from exactpwl.conjecture import Outcome, networks

space = networks("2-2-1", weights=[0, 1, -1])


def claim(net):
    """every 2-2-1 network with weights and biases in {-1, 0, 1} has at most 3 linear regions"""
    g = regions(net)
    return Outcome(g.num_pieces <= 3, {"linear pieces": g.num_pieces, "activation regions": len(g)})
