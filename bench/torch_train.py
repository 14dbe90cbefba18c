"""The original's nonconvex training (science §5) in PyTorch, for `neurec bench training`.

Usage: python3 bench/torch_train.py INSTANCE.json --net skip|normalized|plain [--epochs 400]
           [--optimizer reset|persistent] [--repeats 3] [--threads 2] [--seed 0]

Reads an instance as `neurec instance` prints it (X, y, X_test, y_test, w) and prints one JSON
object: `seconds` (the fastest of --repeats runs of the whole training loop, model construction
included, import and data loading excluded), and the last run's `train_loss`, `test_loss`,
`dis_abs` (skip: |alpha0 w0 - w*|) and `dis_test` (sqrt of the final test loss).

The loop is the original's (ncvx_train_*): float32, full batch, loss ||f(X) - y||^2, a new AdamW
every epoch (lr 2e-3, weight decay 1e-6) unless --optimizer persistent, the test loss evaluated after
every step. The normalization network follows science §1 (gamma scales each neuron elementwise).
"""
import argparse
import json
import math
import time

import torch
from torch import nn


class ReLUPlain(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.W = nn.Linear(d, m, bias=False)
        self.a = nn.Linear(m, 1, bias=False)

    def forward(self, x):
        return self.a(torch.relu(self.W(x))).squeeze(1)


class ReLUSkip(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.w0 = nn.Linear(d, 1, bias=False)
        self.alpha0 = nn.Linear(1, 1, bias=False)
        self.W = nn.Linear(d, m, bias=False)
        self.a = nn.Linear(m, 1, bias=False)

    def forward(self, x):
        return (self.alpha0(self.w0(x)) + self.a(torch.relu(self.W(x)))).squeeze(1)


class ReLUNormal(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.W = nn.Linear(d, m, bias=False)
        self.gamma = nn.Parameter(torch.ones(m))
        self.a = nn.Linear(m, 1, bias=False)

    def forward(self, x):
        h = nn.functional.normalize(torch.relu(self.W(x)), dim=0)  # max(norm, 1e-12) over samples
        return self.a(h * self.gamma).squeeze(1)


NETS = {"plain": ReLUPlain, "skip": ReLUSkip, "normalized": ReLUNormal}


def train_once(net, X, y, Xt, yt, epochs, optimizer_mode, lr, wd):
    """The original's loop: a forward pass at the initialization, then per epoch a new AdamW
    (reset mode), backward through the previous forward pass, one step, and a forward pass at the
    new parameters whose loss is recorded and feeds the next step. Curves have epochs + 1 entries."""
    model = NETS[net](X.shape[1], X.shape[0] + 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    train_loss = torch.zeros(epochs + 1)
    test_loss = torch.zeros(epochs + 1)
    loss = torch.linalg.norm(model(X) - y) ** 2
    train_loss[0] = loss.item()
    if Xt is not None:
        with torch.no_grad():
            test_loss[0] = (torch.linalg.norm(model(Xt) - yt) ** 2).item()
    for epoch in range(1, epochs + 1):
        if optimizer_mode == "reset":
            optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss = torch.linalg.norm(model(X) - y) ** 2
        train_loss[epoch] = loss.item()
        if Xt is not None:
            with torch.no_grad():
                test_loss[epoch] = (torch.linalg.norm(model(Xt) - yt) ** 2).item()
    return model, train_loss, test_loss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("instance")
    parser.add_argument("--net", choices=sorted(NETS), required=True)
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--optimizer", choices=["reset", "persistent"], default="reset")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-6)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.instance) as f:
        instance = json.load(f)
    X = torch.tensor(instance["X"], dtype=torch.float32)
    y = torch.tensor(instance["y"], dtype=torch.float32)
    Xt = torch.tensor(instance["X_test"], dtype=torch.float32) if "X_test" in instance else None
    yt = torch.tensor(instance["y_test"], dtype=torch.float32) if "y_test" in instance else None

    best = math.inf
    for _ in range(args.repeats):
        start = time.perf_counter()
        model, train_loss, test_loss = train_once(args.net, X, y, Xt, yt, args.epochs, args.optimizer,
                                                  args.lr, args.weight_decay)
        best = min(best, time.perf_counter() - start)

    result = {"seconds": best, "train_loss": float(train_loss[-1]),
              "test_loss": float(test_loss[-1]) if Xt is not None else None,
              "dis_test": math.sqrt(float(test_loss[-1])) if Xt is not None else None, "dis_abs": None}
    w = instance.get("w")
    if args.net == "skip" and w is not None and not isinstance(w[0], list):
        learned = (model.alpha0.weight * model.w0.weight).detach().squeeze(0)
        result["dis_abs"] = float(torch.linalg.norm(learned - torch.tensor(w, dtype=torch.float32)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
