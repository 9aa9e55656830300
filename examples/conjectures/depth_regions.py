"""A ReLU network on R with four hidden units has at most 5 linear regions.

True for one hidden layer (four breakpoints cut R into at most five intervals: Zaslavsky's
bound sum_{j <= 1} C(4, j) = 5), false for two hidden layers of two units: Montufar, Pascanu,
Cho and Bengio ("On the Number of Linear Regions of Deep Neural Networks", NeurIPS 2014) show
that a deep network folds its input and reuses its pieces, with at least
prod_{l < L} floor(n_l / n0)^n0 * sum_{j <= n0} C(n_L, j) = 2 * 3 = 6 regions for 1-2-2-1.

"Linear region" is Montufar et al.'s: a maximal connected set on which the function is affine
(exactpwl's linear pieces).  The space of 1-2-2-1 networks with numbers in {-2, ..., 2} has
about 10^7 weight settings, too many to enumerate here, so the search is random: hypothesis
draws networks (``mode = "random"``, seed 0) and shrinks the first counterexample it finds.
The witness meets Montufar et al.'s bound of 6.

``serra_space`` and ``serra_claim`` check the upper bound of Serra, Tjandraatmadja and
Ramalingam (ICML 2018, Theorem 1), which counts *activation regions* (sets of inputs with one
activation pattern), on every 1-2-1-1 network with numbers in {-1, 0, 1}: it holds (the
space is exhausted), as a theorem must.

    exactpwl refute examples/conjectures/depth_regions.py
"""

from exactpwl import regions
from exactpwl.conjecture import Outcome, networks, serra_bound

mode = "random"
budget = 2000
seed = 0

VALUES = [0, 1, -1, 2, -2]
space = networks("1-2-2-1", weights=VALUES, output_biases=[0])


def claim(net):
    """a ReLU network on R with four hidden units has at most 5 linear regions"""
    g = regions(net)
    return Outcome(g.num_pieces <= 5, {"linear pieces": g.num_pieces, "activation regions": len(g)})


serra_space = networks("1-2-1-1", weights=[0, 1, -1], output_weights=[1], output_biases=[0])


def serra_claim(net):
    """a 1-2-1-1 network has at most serra_bound(1, [2, 1]) = 6 activation regions"""
    g = regions(net)
    return Outcome(len(g) <= serra_bound(1, [2, 1]), {"activation regions": len(g)})
