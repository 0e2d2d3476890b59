namespace Workbench.Cli.Commands;

/// <summary>One unit's decomposed receptive field as <c>workbench rf</c> prints and writes it.</summary>
/// <param name="Layer">The layer.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Row">The unit's row in the layer.</param>
/// <param name="Column">The unit's column in the layer.</param>
/// <param name="VarianceExplained">Share of the filter's energy in its rank-1 part, in [0, 1].</param>
/// <param name="SingularValue">The first singular value.</param>
/// <param name="PeakRow">Row of the largest |spatial| entry (stimulus pixels).</param>
/// <param name="PeakColumn">Column of the largest |spatial| entry.</param>
/// <param name="PeakLag">Frames before the response of the largest |temporal| entry (0 = the most recent frame).</param>
/// <param name="Spatial">Spatial component, rows of columns, unit norm.</param>
/// <param name="Temporal">Temporal component, oldest frame first, scaled by the singular value.</param>
public sealed record RfUnitField(string Layer, int Channel, int Row, int Column, double VarianceExplained, double SingularValue,
    int PeakRow, int PeakColumn, int PeakLag, float[][] Spatial, float[] Temporal)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Layer}[{Channel}, {Row}, {Column}]";
}
