namespace Workbench.Analysis;

/// <summary>How <see cref="LnFits"/> fits and cross-validates.</summary>
public sealed record LnFitOptions
{
    /// <summary>Equal-count bins of the nonlinearity (default 20).</summary>
    public int Bins { get; init; } = 20;

    /// <summary>Share of the windows held out for the cross-validated correlation (default 0.2), see <see cref="Data.TimeSplit.Blocks"/>.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Contiguous held-out blocks, spread through the stimulus (default 5).</summary>
    public int TestBlocks { get; init; } = 5;

    /// <summary>Also fit a <see cref="SoftplusNonlinearity"/> to the bins (default false).</summary>
    public bool Parametric { get; init; }

    /// <summary>
    /// For model units: zero the STA outside the unit's footprint (<see cref="GradientReceptiveFields.Footprint"/>, the pixels
    /// its response depends on; for a BN-CNN layer-1 unit its 15x15 kernel) before it becomes the filter (default true).
    /// Outside the footprint the STA holds only estimation noise, of variance about |f|²/K per entry over K windows, so over
    /// a whole 40x50x50 frame it swamps the filter unless the windows outnumber its 100,000 entries (cosine with the true
    /// filter about 1/√(1 + D/K) for D entries). Recorded cells have no known footprint: <see cref="LnFits.FitCells"/>
    /// ignores this.
    /// </summary>
    public bool RestrictToFootprint { get; init; } = true;

    /// <summary>Windows a batch (default 128).</summary>
    public int BatchSize { get; init; } = 128;
}
