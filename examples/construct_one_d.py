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
        t = -b / w  # the unit's breakpoint
        if w > 0:
            unit = "relu(x)" if t == 0 else f"relu(x - {t})" if t > 0 else f"relu(x + {-t})"
        else:
            unit = "relu(-x)" if t == 0 else f"relu({t} - x)"
        sign = "-" if v < 0 else "+"
        terms.append(f"{sign} {abs(v)} {unit}" if terms else f"{v} {unit}")
    c = L2.biases[0, 0]
    return " ".join(terms) + (f" + {c}" if c else "")


points = [[0, 0], [1, 2], [2, 1], [4, 3]]

paper = hinge(points, tails=False)  # the paper's k + 1 units: equal to f on [0, 4]
print(paper)
v = paper.certify()
print(f"hinge: f(x) = {formula(paper.network)}; f(3) = {paper.network([3])[0]}; certified: {v.holds}")

# the breakpoints target continues its end segments; a left tail makes the network equal on R
c = hinge(points)
print(
    f"hinge on {c.holds_on}: f(x) = {formula(c.network)}; f(-1) = {c.network([-1])[0]}; "
    f"certified: {c.certify().holds}"
)

s = segment(points)
print(s)
print(
    f"segment: f(-1) = {s.network([-1])[0]}, f(10) = {s.network([10])[0]}; "
    f"certified on {s.holds_on}: {s.certify().holds}"
)

left = hinge(points, orientation="left")
v_left = [str(w) for w in left.network.layers[1].weights.tolist()[0]]
c_left = left.network.layers[1].biases[0, 0]
print(
    f"left hinge: v = [{', '.join(v_left)}], c = {c_left}; "
    f"certified on {left.holds_on}: {left.certify().holds}"
)
