#!/usr/bin/env python3
"""Writes the PyTorch checkpoint fixtures of PyTorchCheckpointTests. Run with Debian's python3-torch (1.13):

    /usr/bin/python3 make_pytorch_checkpoint_fixtures.py

The architectures are torch-deep-retina's BNCNN and LinearStackedBNCNN (torchdeepretina/models.py, newest version,
and the layers of torchdeepretina/custom_modules.py), re-implemented here with the same nn.Sequential layout and the
same parameter names, so the state dicts have exactly the keys real torch-deep-retina checkpoints have
(sequential.0.weight, sequential.2.running_mean, sequential.8.scale, sequential.0.convs.3.weight, ...). Only the sizes
are small (8-frame history, an 18x16 stimulus, kernels 7/5(/3), 4 and 3 channels, 3 cells) to keep the files small.

Files (each .pt written by torch.save, PyTorch's zip format):
  tdr_bncnn.pt       a torch-deep-retina checkpoint dict: model_type "BNCNN", per-location batch norm (bnorm_d 1),
                     dense readout with bias; hyps, norm_stats as numpy float32 scalars, y_stats as numpy arrays,
                     an Adam optim_state_dict, a zero_dict (channel 2 of sequential.6 pruned, as a Python set), every
                     hyperparameter copied to the top level (as training.py does); saved while the model was in train mode
  tdr_stacked.pt     model_type "LinearStackedBNCNN": linear-stacked 3x3 convolutions with dropout between them
                     (so the stack's indices have gaps), |gamma| batch norm (some scales negative), no readout bias,
                     channel 1 of the first stack pruned (zero_dict);
                     norm_stats as Python floats; saved in eval mode
  tdr_convgc.pt      model_type "LinearStackedBNCNN" with convgc (convolutional readout read out by GrabUnits at the
                     reference's own coordinates) and per-channel batch norm (bnorm_d 2); norm_stats as tensors
  bncnn_state_dict.pt  torch.save(model.state_dict()) alone (no metadata) of a BNCNN with square 16x16 input
  tdr_bncnn_legacy.pt  tdr_bncnn.pt's checkpoint in PyTorch's legacy (pre-1.6) format (_use_new_zipfile_serialization=False)
  whole_module.pt, whole_module_legacy.pt, bare_tensor.pt, refused_activation.pt  files the loader refuses: a pickled
                     nn.Module (torch.save(model)) in either format, a tensor instead of a dict, hyps with activ_fxn Tanh
  <name>_io.bin      little-endian float32: the input x (6, 8, H, W), PyTorch's eval-mode output (6, 3), its train-mode
                     output with the noise and dropout off (batch statistics; 6, 3), then the output batch norm's running mean and
                     running variance (3 each) after that one train-mode pass
  pytorch_checkpoints.json  per fixture: the metadata the loader should report (normalisation, epoch, cells, ...)
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH = 6


# ---- torch-deep-retina's building blocks (same parameter names and semantics) ----

class Flatten(nn.Module):
    def forward(self, x):
        return x.reshape(len(x), -1)


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.reshape(*self.shape)


class GaussianNoise(nn.Module):
    """Noise in training only; its std is a non-trainable parameter 'sigma', so it is in the state dict."""

    def __init__(self, std):
        super().__init__()
        self.std = std
        self.sigma = nn.Parameter(torch.ones(1) * std, requires_grad=False)

    def forward(self, x):
        if not self.training or self.std == 0:
            return x
        return x + self.sigma * torch.randn_like(x)


class AbsBatchNorm(nn.Module):
    """Batch norm with scale |gamma|; running statistics kept as parameters (so saved); names scale/shift."""

    def __init__(self, n, eps=1e-3, momentum=0.01, dims=1):
        super().__init__()
        self.dims, self.eps, self.momentum = dims, eps, momentum
        self.running_mean = nn.Parameter(torch.zeros(n))
        self.running_var = nn.Parameter(torch.ones(n))
        self.scale = nn.Parameter(torch.ones(n))
        self.shift = nn.Parameter(torch.zeros(n))

    def forward(self, x):
        assert x.dim() == (2 if self.dims == 1 else 4)
        return F.batch_norm(x, self.running_mean.data, self.running_var.data, weight=self.scale.abs(),
                            bias=self.shift, eps=self.eps, momentum=self.momentum, training=self.training)


class LinearStackedConv2d(nn.Module):
    """A K x K kernel as a purely linear stack of 3x3 convolutions in an nn.Sequential 'convs'; only the last has a bias;
    optional dropout between them (which takes indices in the Sequential)."""

    def __init__(self, cin, cout, k, bias=True, drop_p=0.0):
        super().__init__()
        n = (k - 3) // 2 + 1
        layers = [nn.Conv2d(cin, cout, 3, bias=False)]
        if drop_p > 0:
            layers.append(nn.Dropout(drop_p))
        for i in range(n - 1):
            last = i == n - 2
            layers.append(nn.Conv2d(cout, cout, 3, bias=bias if last else False))
            if drop_p > 0 and not last:
                layers.append(nn.Dropout(drop_p))
        self.convs = nn.Sequential(*layers)

    def forward(self, x):
        return self.convs(x)


class GrabUnits(nn.Module):
    """Reads unit i from channel i at the reference's coordinates (its offset arithmetic, negative indices and all)."""

    def __init__(self, centers, ksizes, img_shape):
        super().__init__()
        half = (ksizes[0] - 1) + (ksizes[1] - 1) + (ksizes[2] // 2 - 1) + 1
        self.coords = torch.LongTensor([[min(max(0, r - half), img_shape[1] - 2 * (half - 1)),
                                         min(max(0, c - half), img_shape[2] - 2 * (half - 1))] for r, c in centers])
        self.chans = torch.arange(len(centers)).long()

    def forward(self, x):
        return x[..., :, self.chans, self.coords[:, 0], self.coords[:, 1]]


def shape_after(shape, k):
    return [s - k + 1 for s in shape]


class TdrModel(nn.Module):
    """BNCNN (stacked=False) or LinearStackedBNCNN (stacked=True), laid out as torch-deep-retina lays them out."""

    def __init__(self, stacked, n_units, chans, ksizes, img_shape, noise=0.05, bias=True, gc_bias=True,
                 bn_moment=0.01, bnorm_d=1, convgc=False, centers=None, drop_p=0.0):
        super().__init__()
        shape = list(img_shape[1:])
        modules = []
        cin = img_shape[0]
        for layer in range(2):
            k, c = ksizes[layer], chans[layer]
            modules.append(LinearStackedConv2d(cin, c, k, bias=bias, drop_p=drop_p) if stacked
                           else nn.Conv2d(cin, c, k, bias=bias))
            shape = shape_after(shape, k)
            if bnorm_d == 1:
                modules.append(Flatten())
                size = c * shape[0] * shape[1]
                modules.append(AbsBatchNorm(size, momentum=bn_moment) if stacked
                               else nn.BatchNorm1d(size, eps=1e-3, momentum=bn_moment))
                modules.append(Reshape((-1, c, shape[0], shape[1])))
            else:
                modules.append(AbsBatchNorm(c, momentum=bn_moment, dims=2) if stacked
                               else nn.BatchNorm2d(c, eps=1e-3, momentum=bn_moment))
            modules.append(GaussianNoise(noise))
            modules.append(nn.ReLU())
            cin = c
        if convgc:
            modules.append(nn.Conv2d(cin, n_units, ksizes[2], bias=gc_bias))
            modules.append(GrabUnits(centers, ksizes, img_shape))
        else:
            modules.append(Flatten())
            modules.append(nn.Linear(cin * shape[0] * shape[1], n_units, bias=gc_bias))
        modules.append(AbsBatchNorm(n_units, momentum=bn_moment) if stacked
                       else nn.BatchNorm1d(n_units, eps=1e-3, momentum=bn_moment))
        modules.append(nn.Softplus())
        self.sequential = nn.Sequential(*modules)

    def forward(self, x):
        return self.sequential(x)


# ---- making the fixtures ----

def randomise(model, negative_scales):
    """Weights off their initial values: random batch-norm scales and shifts (some scales negative where |gamma| is
    used, so a loader that forgets the abs is caught), and running statistics from a few train-mode passes."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
            if isinstance(m, AbsBatchNorm):
                m.scale.uniform_(0.5, 1.5)
                if negative_scales:
                    m.scale[::2] *= -1
                m.shift.uniform_(-0.5, 0.5)
        model.train()
        for _ in range(3):
            model(torch.randn(32, *model.img_shape) * 1.3 + 0.2)


def reference_outputs(model, x):
    """Eval-mode output; train-mode output with the noise and dropout off (batch statistics); output BN running stats after it."""
    model.eval()
    with torch.no_grad():
        y_eval = model(x)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    noises = [m for m in model.modules() if isinstance(m, GaussianNoise)]
    stds = [m.std for m in noises]
    for m in noises:
        m.std = 0
    dropouts = [m for m in model.modules() if isinstance(m, nn.Dropout)]
    for m in dropouts:  # the workbench's stacks have no dropout: compare batch statistics, not random masks
        m.p = 0.0
    model.train()
    with torch.no_grad():
        y_train = model(x)
    out_bn = model.sequential[-2]
    running = torch.cat([out_bn.running_mean.detach().clone(), out_bn.running_var.detach().clone()])
    model.load_state_dict(state)  # the checkpoint holds the statistics before that pass
    for m, s in zip(noises, stds):
        m.std = s
    for m in dropouts:
        m.p = 0.05
    return y_eval, y_train, running


def write_io(name, x, y_eval, y_train, running):
    with open(os.path.join(HERE, name + "_io.bin"), "wb") as f:
        for t in (x, y_eval, y_train, running):
            f.write(t.detach().numpy().astype("<f4").tobytes())


def hyps_for(model_type, **kw):
    """A torch-deep-retina hyperparameter dict (strings, lists, bools, floats, None, as training_scripts/*.json)."""
    hyps = {"exp_name": "fixture", "model_type": model_type, "dataset": "15-10-07", "stim_type": "naturalscene",
            "cells": "all", "n_epochs": 3, "batch_size": 64, "lr": 0.005, "l2": 1e-3, "l1": 1e-4, "noise": 0.05,
            "bias": True, "gc_bias": True, "chans": [4, 3], "ksizes": [7, 5], "img_shape": [8, 18, 16],
            "bn_moment": 0.01, "bnorm_d": 1, "softplus": True, "convgc": False, "drop_p": 0.0, "centers": None,
            "lossfxn": "PoissonNLLLoss", "scheduler": "ReduceLROnPlateau", "seed": 3, "n_units": 3,
            "datapath": "~/experiments/data"}
    hyps.update(kw)
    return hyps


def build(hyps):
    model = TdrModel(stacked=hyps["model_type"] == "LinearStackedBNCNN", n_units=hyps["n_units"], chans=hyps["chans"],
                     ksizes=hyps["ksizes"], img_shape=hyps["img_shape"], noise=hyps["noise"], bias=hyps["bias"],
                     gc_bias=hyps["gc_bias"], bn_moment=hyps["bn_moment"], bnorm_d=hyps["bnorm_d"],
                     convgc=hyps["convgc"], centers=hyps["centers"], drop_p=hyps["drop_p"])
    model.img_shape = tuple(hyps["img_shape"])
    return model


def prune(model, layer, channel):
    """What torch-deep-retina's pruning.zero_chans does: zero an output channel of a convolution (the last of a stack)."""
    conv = model.sequential[layer]
    conv = conv.convs[-1] if isinstance(conv, LinearStackedConv2d) else conv
    with torch.no_grad():
        conv.weight[channel] = 0
        if conv.bias is not None:
            conv.bias[channel] = 0
    return {"sequential.%d" % layer: {channel}}


def checkpoint(model, hyps, epoch, norm_stats, val_acc, test_pearson, zero_dict=None):
    """The dict torchdeepretina/training.py saves every epoch (keys of its newest version)."""
    training = model.training
    optimizer = torch.optim.Adam(model.parameters(), lr=hyps["lr"], weight_decay=hyps["l2"])
    model.eval()  # eval: this pass must not move the running statistics the outputs were computed with
    model(torch.randn(4, *model.img_shape)).sum().backward()
    for group in optimizer.param_groups:  # Adam's state (step, exp_avg, exp_avg_sq) without changing a weight
        for p in group["params"]:
            if p.grad is not None:
                optimizer.state[p] = {"step": torch.tensor(1.0), "exp_avg": p.grad.clone(), "exp_avg_sq": p.grad.square()}
    optimizer.zero_grad()
    model.train(training)
    save = {"model_type": hyps["model_type"], "model_state_dict": model.state_dict(),
            "optim_state_dict": optimizer.state_dict(), "hyps": hyps, "loss": 1.2345, "epoch": epoch,
            "val_loss": 1.3, "val_acc": val_acc, "test_pearson": test_pearson, "norm_stats": norm_stats,
            "zero_dict": zero_dict or {}, "y_stats": {"mean": np.array([0.5, 1.0, 2.0], dtype=np.float32),
                                         "std": np.array([0.1, 0.2, 0.3], dtype=np.float32)}}
    for k, v in hyps.items():
        save.setdefault(k, v)
    return save


def main():
    expected = {}

    # 1. BNCNN, per-location batch norm, dense readout with bias; saved in train mode; numpy normalisation stats.
    torch.manual_seed(1)
    hyps = hyps_for("BNCNN")
    model = build(hyps)
    randomise(model, negative_scales=False)
    zero_dict = prune(model, 6, 2)
    x = torch.randn(BATCH, *model.img_shape)
    write_io("tdr_bncnn", x, *reference_outputs(model, x))
    model.train()
    saved = checkpoint(model, hyps, 7, {"mean": np.float32(0.25), "std": np.float32(1.75)}, 0.61, 0.58, zero_dict)
    torch.save(saved, os.path.join(HERE, "tdr_bncnn.pt"))
    # The same checkpoint in PyTorch's legacy (pre-1.6) format, as older torch-deep-retina checkpoints are.
    torch.save(saved, os.path.join(HERE, "tdr_bncnn_legacy.pt"), _use_new_zipfile_serialization=False)
    expected["tdr_bncnn"] = {"model_type": "BNCNN", "kind": "BnCnn", "mean": 0.25, "std": 1.75, "epoch": 7,
                             "val_acc": 0.61, "test_pearson": 0.58, "history": 8, "height": 18, "width": 16,
                             "cells": 3, "dataset": "15-10-07"}

    # 2. LinearStackedBNCNN, dropout between the stacked convolutions, |gamma| with negative scales, no readout bias.
    torch.manual_seed(2)
    hyps = hyps_for("LinearStackedBNCNN", gc_bias=False, drop_p=0.05, cells=[0, 2, 4])
    model = build(hyps)
    randomise(model, negative_scales=True)
    zero_dict = prune(model, 0, 1)
    x = torch.randn(BATCH, *model.img_shape)
    write_io("tdr_stacked", x, *reference_outputs(model, x))
    model.eval()
    torch.save(checkpoint(model, hyps, 12, {"mean": 0.125, "std": 2.5}, 0.7, 0.66, zero_dict), os.path.join(HERE, "tdr_stacked.pt"))
    expected["tdr_stacked"] = {"model_type": "LinearStackedBNCNN", "kind": "Stacked", "mean": 0.125, "std": 2.5,
                               "epoch": 12, "val_acc": 0.7, "test_pearson": 0.66, "history": 8, "height": 18,
                               "width": 16, "cells": 3, "cell_indices": [0, 2, 4], "dataset": "15-10-07"}

    # 3. The paper's figure configuration in small: stacked, per-channel |gamma| batch norm, convolutional readout.
    torch.manual_seed(3)
    centers = [[9, 7], [12, 5], [14, 11]]
    hyps = hyps_for("LinearStackedBNCNN", gc_bias=False, bnorm_d=2, convgc=True, ksizes=[7, 5, 3], centers=centers)
    model = build(hyps)
    randomise(model, negative_scales=True)
    x = torch.randn(BATCH, *model.img_shape)
    write_io("tdr_convgc", x, *reference_outputs(model, x))
    model.eval()
    torch.save(checkpoint(model, hyps, 4, {"mean": torch.tensor(0.5), "std": torch.tensor(3.0)}, 0.5, 0.45),
               os.path.join(HERE, "tdr_convgc.pt"))
    expected["tdr_convgc"] = {"model_type": "LinearStackedBNCNN", "kind": "Stacked", "mean": 0.5, "std": 3.0,
                              "epoch": 4, "val_acc": 0.5, "test_pearson": 0.45, "history": 8, "height": 18,
                              "width": 16, "cells": 3, "dataset": "15-10-07",
                              "grab_coords": model.sequential[-3].coords.tolist()}

    # 4. A bare state dict (torch.save(model.state_dict())): no metadata, square input so the shapes say it all.
    torch.manual_seed(4)
    hyps = hyps_for("BNCNN", img_shape=[8, 16, 16])
    model = build(hyps)
    randomise(model, negative_scales=False)
    x = torch.randn(BATCH, *model.img_shape)
    write_io("bncnn_state_dict", x, *reference_outputs(model, x))
    torch.save(model.state_dict(), os.path.join(HERE, "bncnn_state_dict.pt"))
    expected["bncnn_state_dict"] = {"kind": "BnCnn", "history": 8, "height": 16, "width": 16, "cells": 3}

    # 5. Files the loader must refuse with a clear message: a whole pickled module (zip and legacy format), a tensor.
    torch.save(nn.Sequential(nn.Linear(2, 1)), os.path.join(HERE, "whole_module_legacy.pt"), _use_new_zipfile_serialization=False)
    torch.manual_seed(5)
    torch.save(nn.Sequential(nn.Linear(2, 1)), os.path.join(HERE, "whole_module.pt"))
    torch.save(torch.zeros(3), os.path.join(HERE, "bare_tensor.pt"))
    # A checkpoint whose hyperparameters ask for what the workbench's BN-CNN does not do (the weights do not matter).
    torch.save({"model_type": "BNCNN", "model_state_dict": {}, "hyps": hyps_for("BNCNN", activ_fxn="Tanh")},
               os.path.join(HERE, "refused_activation.pt"))

    with open(os.path.join(HERE, "pytorch_checkpoints.json"), "w") as f:
        json.dump({"torch": torch.__version__, "fixtures": expected}, f, indent=1)
    print("torch", torch.__version__, json.dumps(expected))


if __name__ == "__main__":
    main()
