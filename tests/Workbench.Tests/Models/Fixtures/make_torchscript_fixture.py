#!/usr/bin/env python3
"""Writes tiny_cnn.pt (a TorchScript export of a small retina CNN) and tiny_cnn_io.bin (a fixed input and PyTorch's
output for it) for ExternalModelTests. Run with Debian's python3-torch:  /usr/bin/python3 make_torchscript_fixture.py

tiny_cnn_io.bin layout (little-endian float32): input (2, 10, 12, 12) then output (2, 3).
"""
import os
import torch

torch.manual_seed(7)


class TinyCnn(torch.nn.Module):
    """(B, 10, 12, 12) stimulus history -> (B, 3) rates, the workbench's contract."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(10, 4, 5)
        self.bn = torch.nn.BatchNorm2d(4)
        self.readout = torch.nn.Linear(4 * 8 * 8, 3)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return torch.nn.functional.softplus(self.readout(x.flatten(1)))


here = os.path.dirname(os.path.abspath(__file__))
model = TinyCnn()
with torch.no_grad():
    model(torch.randn(8, 10, 12, 12))  # move the batch-norm running statistics off their defaults
model.eval()
torch.jit.script(model).save(os.path.join(here, "tiny_cnn.pt"))
x = torch.randn(2, 10, 12, 12)
with torch.no_grad():
    y = model(x)
with open(os.path.join(here, "tiny_cnn_io.bin"), "wb") as f:
    f.write(x.numpy().astype("<f4").tobytes())
    f.write(y.numpy().astype("<f4").tobytes())
print("torch", torch.__version__, "output", y.tolist())
