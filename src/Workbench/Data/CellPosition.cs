namespace Workbench.Data;

/// <summary>A cell's receptive-field centre in stimulus checkers (row, column).</summary>
public readonly record struct CellPosition(double Row, double Column);
