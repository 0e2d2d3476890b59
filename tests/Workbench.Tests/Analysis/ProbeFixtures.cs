using TorchSharp;
using Workbench.Data;
using Workbench.Models;

namespace Workbench.Tests.Analysis;

/// <summary>Small models and white-noise recordings shared by the probe, reverse-correlation and gradient tests.</summary>
internal static class ProbeFixtures
{
    /// <summary>A small BN-CNN: 12×12 stimulus, 4@5×5 then 3@3×3 (maps 8×8 and 6×6), 3 cells, in eval mode with
    /// non-trivial batch-norm statistics so every layer transforms its input.</summary>
    public static BnCnn SmallBnCnn()
    {
        var model = new BnCnn(new ModelSpec { Kind = ModelKind.BnCnn, Cells = 3, Height = 12, Width = 12, Channels = [4, 3], Kernels = [5, 3] });
        using (torch.no_grad())
            foreach (var (name, t) in model.state_dict())
            {
                if (name.EndsWith("running_mean")) t.copy_(torch.randn_like(t) * 0.1);
                else if (name.EndsWith("running_var")) t.copy_(torch.rand_like(t) + 0.5);
            }
        model.eval();
        return model;
    }

    /// <summary>A recording of Gaussian white noise of standard deviation <paramref name="std"/> (no responses of interest: one silent cell).</summary>
    public static Recording WhiteNoise(int frames, int height, int width, double std = 1)
    {
        var stimulus = torch.randn(frames, height, width) * std;
        return new Recording(stimulus, torch.zeros(frames, 1), 0.01, [new CellInfo(0, CellInfo.NameOf(0))], RecordingProvenance.Of("white noise"));
    }

    /// <summary>Windows k of <paramref name="stimulus"/> materialised one by one (the oracle's way), (K, history, H, W).</summary>
    public static torch.Tensor Materialise(torch.Tensor stimulus, IEnumerable<long> windows, int history) =>
        torch.stack(windows.Select(k => stimulus.narrow(0, k, history)).ToArray());
}
