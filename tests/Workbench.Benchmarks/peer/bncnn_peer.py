#!/usr/bin/python3
"""The PyTorch peer of the workbench's BN-CNN benchmark (issue 15): the reference architecture in plain PyTorch.

The model is torch-deep-retina's BNCNN for a 40x50x50 stimulus and 5 cells, laid out as that project lays it out (one
nn.Sequential named `sequential`, so a saved state dict loads into the workbench with PyTorchCheckpoint):

    conv 8@15x15 -> flatten -> BatchNorm1d(8*36*36) -> reshape -> Gaussian noise -> ReLU
    conv 8@11x11 -> flatten -> BatchNorm1d(8*26*26) -> reshape -> Gaussian noise -> ReLU
    flatten -> Linear(8*26*26 -> 5) -> BatchNorm1d(5) -> Softplus

138,367 trainable parameters (asserted). Batch norms: eps 1e-3, momentum 0.01; noise std 0.05 in training only.
One training step: Adam (lr 1e-3) on PoissonNLLLoss(log_input=False), i.e. mean(p - y log(p + 1e-8)).

Written for Debian's python3-torch (torch 1.13, `/usr/bin/python3`); any torch >= 1.6 works.

Two ways to run it:
  /usr/bin/python3 bncnn_peer.py [--threads T] [--batch 64] [--steps N] [--repeats R]
      checks the peer, times training and inference steps and prints samples/s (the peer on its own);
  /usr/bin/python3 bncnn_peer.py --serve
      reads one JSON command per line on stdin and answers one JSON line per command on stdout, so that one process
      serves every timed run of `dotnet run -c Release --project tests/Workbench.Benchmarks -- side-by-side`.

Commands (every answer has "ok": true, or "ok": false and "error"):
  {"op": "info"}                                   -> versions, threads, parameter count, CPU
  {"op": "threads", "threads": T}                  -> sets torch's intra-op threads
  {"op": "train", "batch": B, "steps": N, "warmup": W}
                                                   -> {"seconds": wall time of the N steps, "cpu_seconds": process CPU time}
  {"op": "infer", "batch": B, "steps": N, "warmup": W}   -> the same for forward passes (eval mode, no gradient)
  {"op": "gemm", "size": S, "repeats": R}          -> {"gflops": best fp32 S x S matmul rate}
  {"op": "check", "steps": N}                      -> {"losses": [...]} training on one fixed batch; the loss must fall
  {"op": "export", "path": P, "batch": B, "seed": s}
                                                   -> saves the state dict (batch norms given non-trivial statistics) to P
                                                      and returns the float64 eval-mode outputs on the analytic input
                                                      (see analytic_input) as "outputs" (B x 5, row-major), and the
                                                      relative errors of the peer's own float32 outputs and parameter
                                                      gradients against its float64 ones (see self_check); "targets" and
                                                      "gradients" (fingerprints of its float64 training-mode gradients)
                                                      let the workbench check its own training step
  {"op": "quit"}
"""

import argparse
import json
import math
import platform
import sys
import time

try:
    import torch
    from torch import nn
except ImportError as error:  # the workbench prints this and still runs its own side
    message = "the PyTorch peer needs torch for %s (%s)" % (sys.executable, error)
    if "--serve" in sys.argv:  # the workbench adds how to install it
        print(json.dumps({"ok": False, "error": message, "missing": "torch"}), flush=True)
    else:
        print(message + "; on Debian/Ubuntu: sudo apt-get install python3-torch", file=sys.stderr)
    sys.exit(3)

REFERENCE_PARAMETERS = 138367  # torch-deep-retina's BNCNN, 5 cells, per-location batch norm, dense readout with bias
HISTORY, SIZE, CELLS, CHANNELS, KERNELS = 40, 50, 5, (8, 8), (15, 11)


class Flatten(nn.Module):
    """(B, ...) -> (B, features)."""

    def forward(self, x):
        return x.reshape(x.shape[0], -1)


class Reshape(nn.Module):
    """(B, features) -> (B, C, H, W)."""

    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


class GaussianNoise(nn.Module):
    """Adds N(0, sigma^2) in training mode only. sigma is a buffer, so the state dict records the noise level."""

    def __init__(self, std):
        super().__init__()
        self.register_buffer("sigma", torch.tensor([float(std)]))

    def forward(self, x):
        if not self.training:
            return x
        return x + torch.randn_like(x) * self.sigma


class BnCnn(nn.Module):
    """The reference BN-CNN (see the module docstring)."""

    def __init__(self, cells=CELLS, noise=0.05):
        super().__init__()
        c1, c2 = CHANNELS
        k1, k2 = KERNELS
        s1 = SIZE - k1 + 1
        s2 = s1 - k2 + 1
        self.sequential = nn.Sequential(
            nn.Conv2d(HISTORY, c1, k1),
            Flatten(),
            nn.BatchNorm1d(c1 * s1 * s1, eps=1e-3, momentum=0.01),
            Reshape(c1, s1, s1),
            GaussianNoise(noise),
            nn.ReLU(),
            nn.Conv2d(c1, c2, k2),
            Flatten(),
            nn.BatchNorm1d(c2 * s2 * s2, eps=1e-3, momentum=0.01),
            Reshape(c2, s2, s2),
            GaussianNoise(noise),
            nn.ReLU(),
            Flatten(),
            nn.Linear(c2 * s2 * s2, cells),
            nn.BatchNorm1d(cells, eps=1e-3, momentum=0.01),
            nn.Softplus(),
        )

    def forward(self, x):
        return self.sequential(x)


def trainable_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def analytic_input(batch, dtype=torch.float64):
    """x[b, t, i, j] = sin(0.7 b + 0.31 t + 0.13 i + 0.17 j + 0.011 i j): the same formula on the workbench side gives the
    same stimulus without shipping it."""
    b = torch.arange(batch, dtype=torch.float64).view(-1, 1, 1, 1)
    t = torch.arange(HISTORY, dtype=torch.float64).view(1, -1, 1, 1)
    i = torch.arange(SIZE, dtype=torch.float64).view(1, 1, -1, 1)
    j = torch.arange(SIZE, dtype=torch.float64).view(1, 1, 1, -1)
    return torch.sin(0.7 * b + 0.31 * t + 0.13 * i + 0.17 * j + 0.011 * i * j).to(dtype)


class Peer:
    """One model, optimiser and batch, reused by every timed run (as the workbench side reuses its own)."""

    def __init__(self, seed=1):
        torch.manual_seed(seed)
        self.model = BnCnn()
        count = trainable_parameters(self.model)
        assert count == REFERENCE_PARAMETERS, "peer has %d trainable parameters, the reference %d" % (count, REFERENCE_PARAMETERS)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.loss = nn.PoissonNLLLoss(log_input=False)
        self.batch = 0
        self.x = self.y = None

    def data(self, batch):
        if batch != self.batch:
            generator = torch.Generator().manual_seed(2)
            self.x = torch.randn(batch, HISTORY, SIZE, SIZE, generator=generator)
            self.y = torch.poisson(torch.full((batch, CELLS), 2.0), generator=generator)
            self.batch = batch
        return self.x, self.y

    def train_step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.loss(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        return loss

    def train(self, batch, steps, warmup):
        x, y = self.data(batch)
        self.model.train()
        for _ in range(warmup):
            self.train_step(x, y)
        return timed(lambda: [self.train_step(x, y) for _ in range(steps)])

    def infer(self, batch, steps, warmup):
        x, _ = self.data(batch)
        self.model.eval()
        with torch.no_grad():
            for _ in range(warmup):
                self.model(x)
            return timed(lambda: [self.model(x) for _ in range(steps)])


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu}


def gemm(size, repeats):
    """Best fp32 rate of an S x S matmul: the GEMM ceiling this torch reaches here (2 S^3 FLOP a product)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return {"gflops": 2.0 * size ** 3 / best / 1e9, "size": size}


def check(steps):
    """Fits one fixed batch with a fresh model: a correct forward, backward and optimiser step make the loss fall."""
    torch.manual_seed(3)
    model = BnCnn()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.PoissonNLLLoss(log_input=False)
    generator = torch.Generator().manual_seed(4)
    x = torch.randn(32, HISTORY, SIZE, SIZE, generator=generator)
    y = torch.poisson(torch.full((32, CELLS), 2.0), generator=generator)
    model.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return {"losses": losses}


def export(path, batch, seed):
    """Saves a model whose batch norms hold non-trivial scales, shifts and running statistics (a fresh model's are 1, 0,
    0, 1, which would leave the eval-mode batch norm untested) and returns its float64 outputs on the analytic input."""
    torch.manual_seed(seed)
    model = BnCnn()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm1d):
                n = module.num_features
                module.weight.copy_(1 + 0.2 * torch.randn(n))
                module.bias.copy_(0.1 * torch.randn(n))
                module.running_mean.copy_(0.05 * torch.randn(n))
                module.running_var.copy_(0.5 + torch.rand(n))
        # Noise off in the saved model, so that both sides compute the same training-mode function (see self_check);
        # eval mode never adds it anyway.
        for module in model.modules():
            if isinstance(module, GaussianNoise):
                module.sigma.zero_()
    torch.save(model.state_dict(), path)
    answer = {"path": path, "parameters": trainable_parameters(model)}
    answer.update(self_check(model, batch))
    model = model.double().eval()
    with torch.no_grad():
        outputs = model(analytic_input(batch))
    answer.update({"outputs": outputs.reshape(-1).tolist(), "shape": list(outputs.shape)})
    return answer


def fingerprint(gradient):
    """[norm, weighted sum with weights sin(0.37 k + 0.1) over the flattened index k]: two numbers per parameter that
    the workbench recomputes from its own gradient, instead of shipping 138,367 values."""
    flat = gradient.double().reshape(-1)
    weights = torch.sin(0.37 * torch.arange(flat.numel(), dtype=torch.float64) + 0.1)
    return [flat.norm().item(), (flat * weights).sum().item()]


def relative_error(actual, expected):
    return ((actual.double() - expected).norm() / expected.norm()).item()


def self_check(model, batch):
    """The peer's float32 arithmetic, which is what gets timed, against its own float64: eval-mode outputs, and the
    gradient of every parameter of a training-mode Poisson loss (noise off, so both precisions see the same function).
    Catches a float32 convolution kernel that is wrong on this CPU (oneDNN has been, on some)."""
    x = analytic_input(batch)
    y = torch.poisson(torch.full((batch, CELLS), 2.0), generator=torch.Generator().manual_seed(6)).double()
    results = {}
    for dtype in (torch.float64, torch.float32):
        copy = BnCnn()
        copy.load_state_dict(model.state_dict())
        copy = copy.to(dtype)
        for module in copy.modules():
            if isinstance(module, GaussianNoise):
                module.sigma.zero_()
        copy.eval()
        with torch.no_grad():
            outputs = copy(x.to(dtype))
        copy.train()
        loss = nn.PoissonNLLLoss(log_input=False)(copy(x.to(dtype)), y.to(dtype))
        gradients = torch.autograd.grad(loss, [p for p in copy.parameters()])
        results[dtype] = (outputs, gradients)
    outputs64, gradients64 = results[torch.float64]
    outputs32, gradients32 = results[torch.float32]
    # The convolution and readout biases sit right before a batch norm, which removes them: their gradients are zero up
    # to rounding, so a relative error means nothing there; every other parameter is compared on its own.
    names = [name for name, _ in model.named_parameters()]
    largest = max(g.norm().item() for g in gradients64)
    errors = {name: relative_error(g32, g64) for name, g32, g64 in zip(names, gradients32, gradients64)
              if g64.norm().item() > 1e-6 * largest}
    worst = max(errors, key=errors.get)
    return {"float32_output_error": relative_error(outputs32, outputs64),
            "float32_gradient_error": errors[worst], "float32_gradient_worst": worst, "gradients_compared": len(errors),
            # For the workbench's training-mode check: the targets, and each float64 parameter gradient in
            # model.parameters() order as [numel, norm, weighted sum].
            "targets": y.reshape(-1).tolist(),
            "gradients": [[g.numel()] + fingerprint(g) for g in gradients64]}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def info():
    return {"torch": torch.__version__, "python": platform.python_version(), "executable": sys.executable,
            "threads": torch.get_num_threads(), "parameters": REFERENCE_PARAMETERS, "cpu": cpu_model(),
            "mkldnn": bool(torch.backends.mkldnn.is_available())}


def serve():
    peer = Peer()
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        if not line.strip():
            continue
        try:
            command = json.loads(line)
            op = command.get("op")
            if op == "quit":
                print(json.dumps({"ok": True}), flush=True)
                return
            if op == "info":
                answer = info()
            elif op == "threads":
                torch.set_num_threads(int(command["threads"]))
                answer = {"threads": torch.get_num_threads()}
            elif op == "train":
                answer = peer.train(int(command["batch"]), int(command["steps"]), int(command.get("warmup", 0)))
            elif op == "infer":
                answer = peer.infer(int(command["batch"]), int(command["steps"]), int(command.get("warmup", 0)))
            elif op == "gemm":
                answer = gemm(int(command.get("size", 2048)), int(command.get("repeats", 5)))
            elif op == "check":
                answer = check(int(command.get("steps", 30)))
            elif op == "export":
                answer = export(command["path"], int(command.get("batch", 4)), int(command.get("seed", 5)))
            else:
                raise ValueError("unknown op %r" % op)
            answer["ok"] = True
        except Exception as error:  # answer, don't die: the workbench reports it
            answer = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
        print(json.dumps(answer), flush=True)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else 0.5 * (ordered[middle - 1] + ordered[middle])


def standalone(args):
    torch.set_num_threads(args.threads)
    peer = Peer()
    description = info()
    print("PyTorch peer: torch %s, Python %s, %d threads, %s, %d parameters"
          % (description["torch"], description["python"], description["threads"], description["cpu"], REFERENCE_PARAMETERS))
    losses = check(30)["losses"]
    print("check: loss %.4f -> %.4f over %d steps on one batch (%s)"
          % (losses[0], losses[-1], len(losses), "falls" if losses[-1] < losses[0] else "DOES NOT FALL"))
    train = [args.batch * args.steps / peer.train(args.batch, args.steps, 2 if i == 0 else 0)["seconds"] for i in range(args.repeats)]
    infer = [args.batch * args.steps / peer.infer(args.batch, args.steps, 2 if i == 0 else 0)["seconds"] for i in range(args.repeats)]
    print("training:  %.1f samples/s (median of %d)" % (median(train), args.repeats))
    print("inference: %.1f samples/s (median of %d)" % (median(infer), args.repeats))
    print("fp32 GEMM: %.1f GFLOP/s" % gemm(2048, 5)["gflops"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--serve", action="store_true", help="answer JSON commands on stdin (used by the side-by-side run)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.serve:
        serve()
    else:
        standalone(args)


if __name__ == "__main__":
    main()
