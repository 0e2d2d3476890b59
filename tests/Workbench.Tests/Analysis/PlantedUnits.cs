using TorchSharp;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

/// <summary>
/// A model with known insides, for oracles: layer "drive" holds the two projections a·x and b·x, (B, 2); the output is
/// one cell r = α·(a·x)² + β·relu(b·x), whose gradient is 2α(a·x)·a + β·1[b·x > 0]·b.
/// </summary>
internal sealed class PlantedUnits : RetinaModel
{
    private readonly Tensor _filters; // (2, D)

    public PlantedUnits(Tensor a, Tensor b, double alpha, double beta)
        : base(nameof(PlantedUnits), new ModelSpec { Kind = ModelKind.External, Cells = 1, History = (int)a.shape[0], Height = (int)a.shape[1], Width = (int)a.shape[2] })
    {
        _filters = torch.stack([a.flatten(), b.flatten()]).DetachFromDisposeScope();
        Alpha = alpha;
        Beta = beta;
    }

    public double Alpha { get; }
    public double Beta { get; }
    public Tensor A => _filters[0];
    public Tensor B => _filters[1];

    public override IReadOnlyList<string> LayerNames => ["drive"];

    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var drive = input.flatten(1).matmul(_filters.to(input.dtype).t());
        observe?.Invoke("drive", drive);
        var r = drive.select(1, 0).square() * Alpha + nn.functional.relu(drive.select(1, 1)) * Beta;
        return r.unsqueeze(1).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _filters.Dispose();
        base.Dispose(disposing);
    }
}
