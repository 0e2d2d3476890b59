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

    /// <summary>Windows a batch (default 128).</summary>
    public int BatchSize { get; init; } = 128;
}
