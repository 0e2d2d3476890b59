using Workbench.Data;

namespace Workbench.Analysis;

/// <summary>
/// How well reverse correlation recovered a simulated retina's receptive fields: per cell the centre offset and the
/// correlation of STA and true field (<see cref="GroundTruthStas.Compare"/>).
/// </summary>
/// <param name="Cells">One entry per cell.</param>
/// <param name="ComparedTaps">How many taps of each filter were compared (the aligned overlap).</param>
/// <param name="CutoutSize">Side of the square cutout around each stated centre that was compared, checkers.</param>
public sealed record StaTruthComparison(IReadOnlyList<StaTruthCell> Cells, int ComparedTaps, int CutoutSize)
{
    /// <summary>The smallest correlation over cells.</summary>
    public double WorstCorrelation => Cells.Min(c => c.Correlation);

    /// <summary>The largest centre offset over cells, checkers.</summary>
    public double WorstOffset => Cells.Max(c => c.Offset);

    /// <summary>One readable line per cell, named by <paramref name="cells"/> (e.g. a recording's cells), for a table.</summary>
    public IReadOnlyList<(string Name, string Value)> Rows(IReadOnlyList<CellInfo> cells) =>
        Cells.Select(c => (c.Cell < cells.Count ? cells[c.Cell].Name : CellInfo.NameOf(c.Cell),
            $"{c.Polarity} cell at ({c.TrueRow:F1}, {c.TrueColumn:F1}); STA centre ({c.StaRow:F1}, {c.StaColumn:F1}), {c.Offset:F2} checkers away; " +
            $"STA vs true field r = {c.Correlation:F2} ({CutoutSize}x{CutoutSize} around the centre)")).ToList();
}
