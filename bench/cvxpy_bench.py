"""Side-by-side timing: CVXPY + Clarabel on the instances `neurec bench solver --write-instances DIR` writes.

Usage: python3 bench/cvxpy_bench.py DIR        (needs `pip install cvxpy clarabel`; not part of the build)

Formulated as the original scripts do (one matrix variable per sign block, mixed norms), timed as
compile + solve, the way the issue's table was measured.
"""
import json, sys, time, glob, os
import numpy as np
import cvxpy as cp


def build(inst):
    X = np.array(inst["X"]); y = np.array(inst["y"]); D = np.array(inst["D"]).T  # n×p
    n, d = X.shape; p = D.shape[1]; arch, form = inst["arch"], inst["form"]; beta = inst.get("beta") or 1e-6
    if arch == "normalized":
        us, cones_w, ws, vs = [], [], [], []
        for i in range(p):
            u, s, vt = np.linalg.svd(D[:, [i]] * X, full_matrices=False)
            r = np.linalg.matrix_rank(D[:, [i]] * X)
            us.append(u[:, :r]); cones_w.append(((2 * D[:, [i]] - 1) * X) @ vt[:r].T / s[:r])
            ws.append(cp.Variable(r))
            if form != "relaxed":
                vs.append(cp.Variable(r))
        fit = sum(us[i] @ (ws[i] - (vs[i] if vs else 0)) for i in range(p))
        reg = sum(cp.norm(w) for w in ws) + sum(cp.norm(v) for v in vs)
        cons = [] if form == "relaxed" else [c for i in range(p) for c in (cones_w[i] @ ws[i] >= 0, cones_w[i] @ vs[i] >= 0)]
    else:
        W = cp.Variable((d, p)); V = cp.Variable((d, p)) if form != "relaxed" else None
        w0 = cp.Variable(d) if arch == "skip" else None
        fit = cp.sum(cp.multiply(D, X @ (W - V if V is not None else W)), axis=1) + (X @ w0 if w0 is not None else 0)
        reg = cp.mixed_norm(W.T, 2, 1) + (cp.mixed_norm(V.T, 2, 1) if V is not None else 0) + (cp.norm(w0) if w0 is not None else 0)
        cons = [] if V is None else [cp.multiply(2 * D - 1, X @ W) >= 0, cp.multiply(2 * D - 1, X @ V) >= 0]
    if form == "approx":
        return cp.Problem(cp.Minimize(cp.sum_squares(fit - y) + beta * reg), cons)
    return cp.Problem(cp.Minimize(reg), cons + [fit == y])


for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    inst = json.load(open(path))
    t = time.perf_counter()
    prob = build(inst)
    prob.solve(solver=cp.CLARABEL)
    print(f"| {inst['arch']} {inst['form']} | {inst['n']} | {inst['d']} | {time.perf_counter() - t:.2f} | {prob.status} | {prob.value:.10g} |", flush=True)
