using Workbench.Simulation;

namespace Workbench.Analysis;

/// <summary>One simulated cell's spike-triggered average against its ground-truth linear receptive field.</summary>
/// <param name="Cell">Index of the cell (row of the STAs, column of the responses).</param>
/// <param name="Polarity">The cell's true polarity.</param>
/// <param name="TrueRow">The stated receptive-field centre row, checkers.</param>
/// <param name="TrueColumn">The stated receptive-field centre column, checkers.</param>
/// <param name="StaRow">The centre found from the STA, row.</param>
/// <param name="StaColumn">The centre found from the STA, column.</param>
/// <param name="Offset">Distance between the two centres, checkers.</param>
/// <param name="Correlation">Pearson r of the aligned STA and true field over the cutout around the stated centre.</param>
public sealed record StaTruthCell(int Cell, Polarity Polarity, double TrueRow, double TrueColumn, double StaRow, double StaColumn,
    double Offset, double Correlation);
