"""max of n numbers with ceil(log2 n) hidden layers of pairwise maxima, certified on R^n.

Run:  python examples/construct_maxn.py
"""

from exactpwl.construct.maxn import max_tree

c = max_tree(3)
print(c)
v = c.certify()
value = c.network([1, 5, 2])[0]
print(f"max3: architecture {c.network.architecture}, max(1, 5, 2) = {value}, certified: {v.holds}")

for n in (4, 5):
    for pure in (False, True):
        c = max_tree(n, pure_relu=pure)
        kind = "pure ReLU" if pure else "with linear units"
        print(f"max{n} ({kind}): architecture {c.network.architecture}, certified: {c.certify().holds}")
