using TorchSharp;
using TorchSharp.Modules;
using Workbench.Data;
using Workbench.Models.Layers;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Generalised linear model (the deep-retina comparison, after Pillow et al. 2008): per cell, a stimulus filter over a
/// cutout around its receptive field, a filter over the cell's own spike counts in the preceding bins, and a bias,
/// through a softplus. Evaluated open-loop: the history is the recorded spikes, not the model's own.
/// Named layers: <c>stimulus_drive</c>, <c>history_drive</c> (each (B, N)).
/// </summary>
/// <remarks>
/// Without recorded spikes (<see cref="nn.Module{T, TResult}.forward"/>, and every analysis that probes a model with a
/// stimulus of its own) the GLM assumes each cell fired at its mean training count (<see cref="ModelSpec.MeanSpikeCounts"/>)
/// in every history bin: the history drive is then a constant per cell, and the stimulus drive carries everything the
/// stimulus changes. A window of 40 frames does not hold the stimulus that drove the earlier bins, so the model's own
/// expected history cannot be computed exactly from it; the mean is the expectation of that history over the training data.
/// </remarks>
public sealed class Glm : RetinaModel
{
    private readonly Parameter stimulus_filters;
    private readonly Parameter history_filters;
    private readonly Parameter bias;
    private readonly Cutouts _cutouts;

    /// <summary>Builds the model. Needs <see cref="ModelSpec.CellPositions"/> for the cutouts.</summary>
    public Glm(ModelSpec spec) : base(nameof(Glm), spec)
    {
        if (spec.Kind != ModelKind.Glm) throw new ArgumentException($"Glm builds Glm models, not {spec.Kind}.", nameof(spec));
        var centres = spec.CellPositions ?? throw new ArgumentException("A GLM needs CellPositions (receptive-field centres) for its cutouts.");
        if (centres.Count != spec.Cells) throw new ArgumentException($"{centres.Count} cell positions for {spec.Cells} cells.");
        if (spec.SpikeHistory < 1 || spec.SpikeHistory > spec.History)
            throw new ArgumentException($"SpikeHistory must be 1..{spec.History} bins (the stimulus history), got {spec.SpikeHistory}.");
        if (spec.MeanSpikeCounts is { } means && (means.Count != spec.Cells || means.Any(m => !double.IsFinite(m) || m < 0)))
            throw new ArgumentException($"MeanSpikeCounts must hold {spec.Cells} finite, non-negative counts; got [{string.Join(", ", means)}].");
        _cutouts = new Cutouts(centres, spec.Cutout, spec.Height, spec.Width);
        double bound = 1 / Math.Sqrt(spec.History * spec.Cutout * spec.Cutout);
        stimulus_filters = Parameters.Of((torch.rand(spec.Cells, spec.History, spec.Cutout, spec.Cutout) * 2 - 1) * bound);
        history_filters = Parameters.Of(torch.zeros(spec.Cells, spec.SpikeHistory));
        bias = Parameters.Of(torch.zeros(spec.Cells));
        RegisterComponents();
    }

    /// <summary>Stimulus filters, (N, History, c, c).</summary>
    public Tensor StimulusFilters => stimulus_filters;

    /// <summary>Spike-history filters, (N, SpikeHistory); the last entry weighs the most recent bin.</summary>
    public Tensor HistoryFilters => history_filters;

    /// <inheritdoc/>
    public override bool NeedsSpikeHistory => true;

    /// <inheritdoc/>
    /// <remarks>The rectangle holding every cell's cutout.</remarks>
    public override StimulusRegion? InputRegion => _cutouts.Region;

    /// <inheritdoc/>
    public override bool CalibrateOutput(Tensor meanRates)
    {
        using var _ = torch.no_grad();
        using var offset = InverseSoftplus(meanRates);
        bias.copy_(offset);
        return true;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => ["stimulus_drive", "history_drive"];

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var drive = StimulusDrive(input);
        observe?.Invoke("stimulus_drive", drive);
        var mean = Spec.MeanSpikeCounts is { } m
            ? torch.tensor(m.Select(v => (float)v).ToArray(), device: input.device)
            : torch.zeros(Spec.Cells, device: input.device);
        var history = (mean * history_filters.sum(1)).unsqueeze(0).expand(input.shape[0], -1);
        observe?.Invoke("history_drive", history);
        return nn.functional.softplus(drive + history + bias).MoveToOuterDisposeScope();
    }

    private Tensor StimulusDrive(Tensor stimulus)
    {
        var (row, column) = InputOrigin(stimulus);
        return _cutouts.Project(stimulus, stimulus_filters, row, column);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor stimulus, Tensor? spikeHistory, Action<string, Tensor>? observe)
    {
        if (spikeHistory is null) return Forward(stimulus, observe);
        CheckInput(stimulus);
        if (spikeHistory.dim() != 3 || spikeHistory.shape[0] != stimulus.shape[0]
            || spikeHistory.shape[1] < Spec.SpikeHistory || spikeHistory.shape[2] != Spec.Cells)
            throw new ArgumentException(
                $"Glm expects spike history (B, >= {Spec.SpikeHistory}, {Spec.Cells}) counts, got [{string.Join(", ", spikeHistory.shape)}].");
        using var scope = torch.NewDisposeScope();
        var drive = StimulusDrive(stimulus);
        observe?.Invoke("stimulus_drive", drive);
        var recent = spikeHistory.narrow(1, spikeHistory.shape[1] - Spec.SpikeHistory, Spec.SpikeHistory); // (B, S, N)
        var history = (recent * history_filters.t().unsqueeze(0)).sum(1);
        observe?.Invoke("history_drive", history);
        return nn.functional.softplus(drive + history + bias).MoveToOuterDisposeScope();
    }
}
