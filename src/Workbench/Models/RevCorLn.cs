using TorchSharp;
using Workbench.Data;
using Workbench.Models.Layers;
using Workbench.Statistics;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// LN model built by reverse correlation, not gradient descent (torch-deep-retina's <c>RevCorLN</c>): each cell's filter
/// is its spike-triggered average over a cutout around its receptive field, normalised to unit length; its nonlinearity
/// is the mean response in quantile bins of the filtered stimulus, interpolated linearly (flat beyond the outer bins;
/// <see cref="BinnedNonlinearity"/>).
/// Named layers: <c>linear</c> (the generator signal).
/// </summary>
public sealed class RevCorLn : RetinaModel
{
    private readonly Tensor filters;
    private readonly Tensor bin_inputs;
    private readonly Tensor bin_outputs;
    private readonly Cutouts _cutouts;

    /// <summary>An unfitted model of the right shapes (all zeros), for loading a checkpoint into; use <see cref="Fit"/> to build one.</summary>
    public RevCorLn(ModelSpec spec)
        : this(Check(spec), torch.zeros(spec.Cells, spec.History, spec.Cutout, spec.Cutout),
               torch.zeros(spec.Cells, spec.NonlinearityBins), torch.zeros(spec.Cells, spec.NonlinearityBins))
    {
    }

    private RevCorLn(ModelSpec spec, Tensor filters, Tensor binInputs, Tensor binOutputs) : base(nameof(RevCorLn), spec)
    {
        _cutouts = new Cutouts(spec.CellPositions!, spec.Cutout, spec.Height, spec.Width);
        this.filters = Parameters.Buffer(filters);
        bin_inputs = Parameters.Buffer(binInputs);
        bin_outputs = Parameters.Buffer(binOutputs);
        RegisterComponents();
    }

    /// <summary>Unit-norm filters (N, History, c, c).</summary>
    public Tensor Filters => filters;

    /// <summary>The nonlinearity as (bin mean input, bin mean response) pairs per cell, (N, bins) each.</summary>
    public (Tensor Inputs, Tensor Outputs) Nonlinearity => (bin_inputs, bin_outputs);

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => ["linear"];

    /// <summary>Fits the model to the windows of <paramref name="ranges"/>.</summary>
    /// <param name="windows">History windows over the training recording.</param>
    /// <param name="ranges">Which windows to fit on (the training blocks).</param>
    /// <param name="spec">A spec with <see cref="ModelSpec.CellPositions"/>; the cutout size comes from it.</param>
    /// <param name="bins">Quantile bins of the nonlinearity.</param>
    public static RevCorLn Fit(HistoryWindows windows, IReadOnlyList<WindowRange> ranges, ModelSpec spec, int bins = 40)
    {
        if (spec.CellPositions is null) throw new ArgumentException("A reverse-correlation LN model needs CellPositions for its cutouts.");
        if (bins < 2) throw new ArgumentException($"Need at least 2 bins, got {bins}.", nameof(bins));
        var cutouts = new Cutouts(spec.CellPositions, spec.Cutout, spec.Height, spec.Width);
        using var scope = torch.NewDisposeScope();
        var sta = ReverseCorrelation.SpikeTriggeredAverages(windows, ranges); // (N, T, H, W)
        var filters = cutouts.ExtractOwn(sta); // (N, T, c, c)
        filters = filters / (filters.flatten(1).norm(dim: 1).view(-1, 1, 1, 1) + 1e-12);
        var generator = new List<Tensor>();
        var responses = new List<Tensor>();
        foreach (var batch in WindowBatches.InOrder(ranges, 256))
        {
            // A scope per batch: the windows are freed at once, only the (B, N) generator signals are kept.
            using var batchScope = torch.NewDisposeScope();
            var (x, y) = windows.Batch(batch);
            generator.Add((cutouts.Extract(x).flatten(2) * filters.flatten(1).unsqueeze(0)).sum(2).MoveToOuterDisposeScope());
            responses.Add(y.MoveToOuterDisposeScope());
        }
        var g = torch.cat(generator, 0).t(); // (N, K)
        var r = torch.cat(responses, 0).t();
        var (binInputs, binOutputs, _) = BinnedNonlinearity.EqualCount(g, r, bins);
        return new RevCorLn(Check(spec with { Kind = ModelKind.RevCorLn, NonlinearityBins = bins }), filters, binInputs, binOutputs);
    }

    private static ModelSpec Check(ModelSpec spec)
    {
        if (spec.CellPositions is null || spec.CellPositions.Count != spec.Cells)
            throw new ArgumentException($"A reverse-correlation LN model needs one CellPosition per cell ({spec.Cells}).");
        return spec;
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var g = (_cutouts.Extract(input).flatten(2) * filters.flatten(1).unsqueeze(0)).sum(2); // (B, N)
        observe?.Invoke("linear", g);
        return Interpolate(g).MoveToOuterDisposeScope();
    }

    private Tensor Interpolate(Tensor g) => BinnedNonlinearity.Interpolate(bin_inputs, bin_outputs, g.t()).t();
}
