"""Every CPWL function on R^2 is computed by a ReLU network with one hidden layer.

False (PAPER.md R7).  A one-hidden-layer network bends only along whole lines, and across
each line its gradient jumps by the same vector everywhere.  The claim runs the exact R7 test
(``construct.three_layer``) on each target: it builds and certifies the network, or refuses
with a witness, two points of one line where the second difference of the target differs
(a one-hidden-layer network would give equal values).

The space holds the max/min expressions of at most three affine forms with coefficients in
{-1, 0, 1} (every CPWL function has such a lattice form), smallest first.  Every expression
with one or two forms bends along at most one whole line and passes; the first one that does
not is max(0, x1, x2), which bends along three half-lines.

    exactpwl refute examples/conjectures/one_hidden_layer_r2.py
"""

from exactpwl.conjecture import lattice_targets
from exactpwl.construct.three_layer import three_layer

space = lattice_targets(2, max_leaves=3)


def claim(f):
    """every CPWL function on R^2 is computed by a network with one hidden layer"""
    return three_layer(f).certify()  # raises Refusal (with R7's witness) when there is none
