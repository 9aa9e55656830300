"""A CPWL function on R^n with ceil(log2(n + 1)) hidden layers (Wang-Sun; Arora et al., Thm 2.1).

Run:  python examples/construct_log_depth.py
"""

from fractions import Fraction

from exactpwl.construct.log_depth import log_depth
from exactpwl.pwl import PWL

# max(0, x1, x2) is already one max of n + 1 = 3 affine maps: one tree of depth 2
c = log_depth("max(0, x1, x2)")
print(c.derivation())
terms, arity = c.steps[4]["terms"], c.steps[4]["largest max"]
hidden = len(c.network.layers) - 1
print(f"max(0, x1, x2): {terms} term, max of {arity}, hidden layers = {hidden}, holds = {c.certify().holds}")

# [0, 2]^2 cut into 8 triangles; the values of |x1 - 1| + |x2 - 1| at the 9 grid points
points = [[i, j] for j in range(3) for i in range(3)]
simplices = [[0, 1, 4], [0, 4, 3], [1, 2, 4], [2, 5, 4], [3, 4, 6], [4, 7, 6], [4, 5, 8], [4, 8, 7]]
values = [abs(i - 1) + abs(j - 1) for i, j in points]
cup = log_depth(PWL.from_triangulation(points, simplices, values))
print(
    f"pyramid-cup on [0, 2]^2: hidden layers = {len(cup.network.layers) - 1}, holds = {cup.certify().holds}, "
    f"f(1/2, 3/2) = {cup.network([Fraction(1, 2), Fraction(3, 2)])[0]}"
)

# n = 3: still two hidden layers (a max of 4 values is a tree of depth 2)
c3 = log_depth("max(0, x1, x2, x3)")
print(
    f"max(0, x1, x2, x3): hidden layers = {len(c3.network.layers) - 1}, holds = {c3.certify().holds}, "
    f"f(1, -2, 3) = {c3.network([1, -2, 3])[0]}"
)
