"""R14, R17: one hidden layer shared by several outputs; a decoder from 2-D codes to 5-D outputs.

Run:  python examples/construct_multi_output.py
"""

from fractions import Fraction

from exactpwl.construct import read_data
from exactpwl.construct.multi_output import deep_decoder, shared, shared_function

# (a) data: XOR and a second output, 3 shared units instead of 2 * 3
data = read_data(
    {
        "format": "exactpwl.data",
        "version": 1,
        "points": [[0, 0], [1, 0], [0, 1], [1, 1]],
        "values": [[0, 1], [1, 2], [1, "1/2"], [0, 0]],
    }
)
c = shared(data)
print(c)
print(f"data fit: holds = {c.certify().holds}")

# (b) functions: |x1| and relu(x1 - x2) + |x1| share the hyperplane x1 = 0
f = shared_function(["abs(x1)", "relu(x1 - x2) + abs(x1)"], 2)
print(f)
print(f"function: holds = {f.certify().holds}")

# a deep decoder: codes in Z^2, outputs in Q^5
codes = [[0, 0], [2, -1], [-1, 3], [1, 1]]
outs = [[1, 2, 3, 4, 5], [0, 0, 0, 0, 0], [Fraction(1, 2), -1, 0, 2, 7], [3, 3, 3, 3, 3]]
d = deep_decoder(codes, outs)
print(d)
print(f"deep decoder: holds = {d.certify().holds}")
