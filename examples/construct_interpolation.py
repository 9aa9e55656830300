"""R5, R6, R12: exact interpolation of data (PAPER.md §4, examples 2 and 3).

Run:  python examples/construct_interpolation.py
"""

from exactpwl.construct import Refusal, read_data
from exactpwl.construct.interpolation import after_prefix, projection, triangular
from exactpwl.network import Network


def dataset(points, values):
    return read_data({"format": "exactpwl.data", "version": 1, "points": points, "values": values})


# R5: X = (0, 1, 3), y = (1, -1, 2); default thresholds (-1, 1/2, 2)
c = triangular(dataset([[0], [1], [3]], [1, -1, 2]))
print(c)
fit = [c.network([x])[0] for x in (0, 1, 3)]
print(f"triangular fit at 0, 1, 3: {', '.join(map(str, fit))}")

# R6: XOR by projection on w = (1, 2), thresholds (-1/2, 1/2, 3/2, 5/2)
xor = dataset([[0, 0], [1, 0], [0, 1], [1, 1]], [0, 1, 1, 0])
p = projection(xor, thresholds=["-1/2", "1/2", "3/2", "5/2"])
print(p)
print(f"XOR fit: {', '.join(str(p.network(x)[0]) for x in xor.points)}")

# R12: a prefix relu(x1 - x2) merges (0, 0) and (0, 1), whose labels differ
prefix = Network.from_layers([([[1, -1]], [0])], activations=["relu"])
try:
    after_prefix(prefix, xor)
except Refusal as e:
    print(f"refused: {str(e).removeprefix('after_prefix: ')}")
