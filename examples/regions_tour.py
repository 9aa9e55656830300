"""Count activation regions and linear pieces, exactly, on degenerate and random networks.

Run:  python examples/regions_tour.py
"""

import random

from exactpwl import Network, regions

# three lines through the origin (x1 = 0, x2 = 0, x1 = x2): 6 sectors, all unbounded
star = Network.from_layers([([[1, 0], [0, 1], [1, -1]], [0, 0, 0]), ([[1, 1, 1]], [0])])
g = regions(star)
print(f"three lines through a point: {len(g)} regions, {g.num_bounded} bounded")

# Telgarsky's tent map t(x) = 2 relu(x) - 4 relu(x - 1/2), composed three times: 2^3 pieces on [0, 1]
tent = [([[1], [1]], [0, "-1/2"])]
for _ in range(2):
    tent.append(([[2, -4], [2, -4]], [0, "-1/2"]))
tent.append(([[2, -4]], [0]))
g = regions(Network.from_layers(tent), {"box": [[0, 1]]})
print(f"tent map composed 3 times on [0, 1]: {g.num_pieces} linear pieces")

# a random 2-8-8-1 network with integer weights in -5..5 on [-10, 10]^2
rnd = random.Random(0)
sizes = [2, 8, 8, 1]
layers = [
    ([[rnd.randint(-5, 5) for _ in range(a)] for _ in range(b)], [rnd.randint(-5, 5) for _ in range(b)])
    for a, b in zip(sizes, sizes[1:])
]
g = regions(Network.from_layers(layers), {"box": [[-10, 10], [-10, 10]]})
print(f"random 2-8-8-1: {len(g)} activation regions, {g.num_pieces} linear pieces")
