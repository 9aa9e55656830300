"""R3/R4: a 1-D CPWL function as a network, in hinge and segment form (PAPER.md §4, example 1).

Run:  python examples/construct_one_d.py
"""

from exactpwl.construct.one_d import hinge, segment


def formula(net):
    """The one-hidden-layer 1-D network as text, read off its weights: c + sum v relu(x - t)."""
    L1, L2 = net.layers
    terms = []
    for j, v in enumerate(L2.weights.tolist()[0]):
        w, b = L1.weights[j, 0], L1.biases[j, 0]
        assert w == 1, "right-oriented units only"
        unit = "relu(x)" if b == 0 else f"relu(x - {-b})" if b < 0 else f"relu(x + {b})"
        sign = "-" if v < 0 else "+"
        terms.append(f"{sign} {abs(v)} {unit}" if terms else f"{v} {unit}")
    c = L2.biases[0, 0]
    return " ".join(terms) + (f" + {c}" if c else "")


points = [[0, 0], [1, 2], [2, 1], [4, 3]]

c = hinge(points)
print(c)
v = c.certify()
print(f"hinge: f(x) = {formula(c.network)}; f(3) = {c.network([3])[0]}; certified: {v.holds}")

s = segment(points)
print(s)
print(f"segment: f(-1) = {s.network([-1])[0]}, f(10) = {s.network([10])[0]}; certified: {s.certify().holds}")

left = hinge(points, orientation="left")
v_left = [str(w) for w in left.network.layers[1].weights.tolist()[0]]
c_left = left.network.layers[1].biases[0, 0]
print(f"left hinge: v = [{', '.join(v_left)}], c = {c_left}; certified: {left.certify().holds}")
