"""R15: the affine family of output layers that fit equally well, on data, on a cell, everywhere.

Run:  python examples/construct_overparam.py
"""

from exactpwl.construct import read_data
from exactpwl.construct.overparam import cell_family, invariant_family, output_family
from exactpwl.network import Network

# six units: relu(+-x1), relu(+-x2), relu(+-(x1 + x2))
prefix = Network.from_layers(
    [([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, -1]], [0] * 6)], activations=["relu"]
)

# (a) three data points, seven output parameters: a 4-dimensional family of exact fits
data = read_data(
    {"format": "exactpwl.data", "version": 1, "points": [[0, 0], [1, 0], [0, 1]], "values": [1, 2, 3]}
)
a = output_family(prefix, data)
print(a)
print(f"data: holds = {a.certify().holds}")

# (b) on the cell x1, x2 > 0 only units 1, 3, 5 are active; their features span a 2-D flat
b = cell_family(prefix, [1, 2, 3, 4, 5, 6], 7, [1, 2])
print(b)
print(f"cell: holds = {b.certify().holds}")

# (c) perturbations that change no piece anywhere leave the function unchanged
c = invariant_family(prefix, [1, 2, 3, 4, 5, 6], 7)
print(c)
print(f"everywhere: holds = {c.certify().holds}")
