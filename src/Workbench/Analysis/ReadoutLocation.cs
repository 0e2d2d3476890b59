namespace Workbench.Analysis;

/// <summary>Where a Gaussian readout reads one cell, against where the cell truly is, in stimulus checkers.</summary>
/// <param name="Cell">The cell's output index.</param>
/// <param name="Row">The learned location's stimulus row (map row + the core's offset).</param>
/// <param name="Column">The learned location's stimulus column.</param>
/// <param name="TrueRow">The cell's true receptive-field centre, row.</param>
/// <param name="TrueColumn">The cell's true receptive-field centre, column.</param>
/// <param name="Error">The distance between the two, in checkers.</param>
/// <param name="Covered">Whether the true centre lies where the core's maps can be read at all (a cell outside them can
/// only be read at the map's edge, so its error says nothing about the readout).</param>
public sealed record ReadoutLocation(int Cell, double Row, double Column, double TrueRow, double TrueColumn, double Error, bool Covered);
