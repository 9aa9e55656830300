"""Deep constructions: depth witnesses (R8), region transmitting (R10), dividing (R11).

Run:  python examples/construct_deep.py
"""

from fractions import Fraction

from exactpwl import Network
from exactpwl.construct.deep import active_region, divide, max3, pyramid, transmit

# R8(a): max(0, x1, x2) with 3 + 1 hidden units, certified on all of R^2
c = max3()
print(f"max3: holds = {c.certify().holds}")
grid = [Fraction(a, 3) for a in range(-9, 10)]
same = sum(c.network([a, b]) == [max(0, a, b)] for a in grid for b in grid)
print(f"grid of thirds: {same} of {len(grid) ** 2} points equal")

# R8(b): the pyramid; its layer-2 unit is active on a bounded diamond
c = pyramid()
info = active_region(c.network)
print(
    f"pyramid: holds = {c.certify().holds}; layer-2 unit active on {len(info['active'])} regions, "
    f"all bounded = {info['bounded']}"
)

# R10: three layers that transmit the box [-3, 3]^2, then x back
c = transmit([[2, 1], [1, -1]], 3, layers=3)
print(c.derivation())
print(f"transmit: holds = {c.certify().holds} on [-3, 3]^2")

# R11: divide [1, 2]^2 along the bent line relu(x1 + x2 - 1) = 1/2 without touching E = [0, 1/2]^2
base = Network.from_layers([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, -2]], [0])])
c = divide(base, [[0, "1/2"], [0, "1/2"]], ([0, 0, 1], "-1/2"), 2, Q_box=[[1, 2], [1, 2]])
print(c.derivation())
old, new = base([2, 2])[0], c.network([2, 2])[0]
print(f"divide: holds on E = {c.certify().holds}; at (2, 2) old = {old}, new = {new}")
