"""R7: rebuild a CPWL function with one hidden layer, and refuse max(0, x1, x2) with a witness.

Run:  python examples/construct_three_layer.py
"""

from exactpwl.construct import Refusal
from exactpwl.construct.three_layer import three_layer

# f = |x1| + 2 relu(x1 - x2) - x2 + 1 bends along two full lines with constant jumps
c = three_layer("abs(x1) + 2*relu(x1 - x2) - x2 + 1", 2)
print(c)
v = c.certify()
print(f"certified: holds = {v.holds} on {v.regions} regions of R^2")
print(f"f(3, 1) = {c.network([3, 1])[0]}")

# max(0, x1, x2) bends along rays only: no one-hidden-layer network equals it
try:
    three_layer("max(0, x1, x2)", 2)
except Refusal as e:
    print(f"refused: {e}")
