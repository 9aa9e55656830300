"""Certify a construction, refute a mutant, write and re-check a certificate.

Run:  python examples/certify_tour.py
"""

from fractions import Fraction

from exactpwl import Network, certify, check_certificate

# max(0, x1, x2) = relu( relu(x1) - relu(-x1) + relu(x2 - x1) )
net = Network.from_layers(
    [
        ([[1, 0], [-1, 0], [-1, 1]], [0, 0, 0]),
        ([[1, -1, 1]], [0]),
        ([[1]], [0]),
    ],
    activations=["relu", "relu", "linear"],
)

v = certify(net, "max(0, x1, x2)")
print(f"max(0, x1, x2): holds = {v.holds} on {v.regions} regions of R^2")

cert = v.certificate()
print(f"certificate: {len(cert['regions'])} regions, check -> {check_certificate(cert).valid}")

# tamper with it: swap the patterns of the first two regions; the checker must say no
r0, r1 = cert["regions"][0], cert["regions"][1]
r0["pattern"], r1["pattern"] = r1["pattern"], r0["pattern"]
report = check_certificate(cert)
print(f"tampered certificate: valid = {report.valid} ({report.reason})")

# a mutant: the bias of the last hidden unit moves by 1/1000
mutant = Network.from_layers(
    [
        ([[1, 0], [-1, 0], [-1, 1]], [0, 0, 0]),
        ([[1, -1, 1]], [Fraction(1, 1000)]),
        ([[1]], [0]),
    ],
    activations=["relu", "relu", "linear"],
)
w = certify(mutant, "max(0, x1, x2)", {"box": [[-1, 1], [-1, 1]]})
cx = w.counterexample
x = f"({cx.x[0]}, {cx.x[1]})"
print(f"mutant: holds = {w.holds}; at x = {x} network = {cx.network[0]}, target = {cx.target[0]}")
