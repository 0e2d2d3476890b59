using TorchSharp;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

/// <summary>
/// An LN unit with known parts, for oracles: layer "generator" is g = f·x for the planted filter f, (B, 1); the output is
/// one cell r = scale · softplus(gain · g − threshold).
/// </summary>
internal sealed class PlantedLn : RetinaModel
{
    private readonly Tensor _filter; // (D)

    public PlantedLn(Tensor filter, double scale, double gain, double threshold)
        : base(nameof(PlantedLn), new ModelSpec { Kind = ModelKind.External, Cells = 1, History = (int)filter.shape[0], Height = (int)filter.shape[1], Width = (int)filter.shape[2] })
    {
        _filter = filter.flatten().to(float32).DetachFromDisposeScope();
        (Scale, Gain, Threshold) = (scale, gain, threshold);
    }

    public double Scale { get; }
    public double Gain { get; }
    public double Threshold { get; }

    /// <summary>The planted nonlinearity of the generator signal.</summary>
    public double Nonlinearity(double g)
    {
        double z = Gain * g - Threshold;
        return Scale * (z > 30 ? z : Math.Log(1 + Math.Exp(z)));
    }

    public override IReadOnlyList<string> LayerNames => ["generator"];

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var g = input.flatten(1).matmul(_filter.to(input.dtype)).unsqueeze(1);
        observe?.Invoke("generator", g);
        return (nn.functional.softplus(g * Gain - Threshold) * Scale).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _filter.Dispose();
        base.Dispose(disposing);
    }
}
