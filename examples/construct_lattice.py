"""Lattice (max-min) form of a triangulated CPWL function as a deep network (R18); TRLU (R19).

Run:  python examples/construct_lattice.py
"""

from fractions import Fraction

from exactpwl.construct.lattice import lattice, trlu
from exactpwl.pwl import PWL

# [0, 2]^2 cut into 8 triangles; the values of |x1 - 1| + |x2 - 1| at the 9 grid points
points = [[i, j] for j in range(3) for i in range(3)]
simplices = [[0, 1, 4], [0, 4, 3], [1, 2, 4], [2, 5, 4], [3, 4, 6], [4, 7, 6], [4, 5, 8], [4, 8, 7]]
values = [abs(i - 1) + abs(j - 1) for i, j in points]
c = lattice(PWL.from_triangulation(points, simplices, values))
print(c.derivation())
maps, terms = len(c.steps[0].values), c.steps[2]["terms"]
print(f"pyramid-cup: {maps} maps, {terms} terms, holds = {c.certify().holds}")
print(f"f(1/2, 3/2) = {c.network([Fraction(1, 2), Fraction(3, 2)])[0]}")

# 1-D tent: the lattice form is a single min
tent = lattice(PWL.from_triangulation([[0], [1], [2]], [[0, 1], [1, 2]], [0, 1, 0]))
print(f"tent 0, 1, 0: min(x, 2 - x), f(1/2) = {tent.network([Fraction(1, 2)])[0]}")

t = trlu("3/2")
vals = ", ".join(str(t.network([s])[0]) for s in (-1, Fraction(3, 4), 5))
print(f"TRLU_3/2 at -1, 3/4, 5: {vals}")
