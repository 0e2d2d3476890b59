using TorchSharp;
using TorchSharp.Modules;
using Workbench.Data;
using Workbench.Models.Layers;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// Linear–nonlinear model fitted by gradient descent: per cell, a linear spatiotemporal filter over a cutout around its
/// receptive field (the whole stimulus when no centres are given, as torch-deep-retina's <c>LN</c>), a bias, and a
/// softplus. Named layers: <c>linear</c> (the generator signal, (B, N)).
/// </summary>
public sealed class LnModel : RetinaModel
{
    private readonly Parameter filters;
    private readonly Parameter bias;
    private readonly Cutouts? _cutouts;

    /// <summary>Builds the model; <see cref="ModelSpec.CellPositions"/> and <see cref="ModelSpec.Cutout"/> choose the cutouts.</summary>
    public LnModel(ModelSpec spec) : base(nameof(LnModel), spec)
    {
        if (spec.Kind != ModelKind.Ln) throw new ArgumentException($"LnModel builds Ln models, not {spec.Kind}.", nameof(spec));
        _cutouts = spec.CellPositions is { } centres ? new Cutouts(centres, spec.Cutout, spec.Height, spec.Width) : null;
        long h = _cutouts?.Size ?? spec.Height, w = _cutouts?.Size ?? spec.Width;
        if (_cutouts is not null && spec.CellPositions!.Count != spec.Cells)
            throw new ArgumentException($"{spec.CellPositions.Count} cell positions for {spec.Cells} cells.");
        // Small random start, as a linear layer's default: uniform in ±1/sqrt(fan-in).
        double bound = 1 / Math.Sqrt(spec.History * h * w);
        filters = Parameters.Of((torch.rand(spec.Cells, spec.History, h, w) * 2 - 1) * bound);
        bias = Parameters.Of(torch.zeros(spec.Cells));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override bool CalibrateOutput(Tensor meanRates)
    {
        using var _ = torch.no_grad();
        using var offset = InverseSoftplus(meanRates);
        bias.copy_(offset);
        return true;
    }

    /// <summary>The filters, (N, History, c, c).</summary>
    public Tensor Filters => filters;

    /// <summary>Where each cell's cutout lies, if the model uses cutouts.</summary>
    public Cutouts? CutoutPlacement => _cutouts;

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => ["linear"];

    /// <inheritdoc/>
    /// <remarks>The rectangle holding every cell's cutout; null without cutouts (the filters span the whole frame).</remarks>
    public override StimulusRegion? InputRegion => _cutouts?.Region;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var (row, column) = InputOrigin(input);
        var generator = _cutouts is null
            ? input.flatten(1).matmul(filters.flatten(1).t())
            : _cutouts.Project(input, filters, row, column);
        generator = generator + bias;
        observe?.Invoke("linear", generator);
        return nn.functional.softplus(generator).MoveToOuterDisposeScope();
    }
}
