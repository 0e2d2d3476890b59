namespace Workbench.Analysis;

/// <summary>
/// The correlation of one signal with every unit of one layer: <c>(Channels, Rows, Columns)</c> values, row-major in a flat
/// array (JSON-friendly). Layers with <c>(B, C)</c> activations have one row and one column.
/// </summary>
/// <param name="Layer">The layer's name.</param>
/// <param name="Channels">Channels.</param>
/// <param name="Rows">Rows of each channel's map.</param>
/// <param name="Columns">Columns of each channel's map.</param>
/// <param name="Values">Pearson r of unit (c, i, j) at <c>(c · Rows + i) · Columns + j</c>.</param>
public sealed record CorrelationMap(string Layer, int Channels, int Rows, int Columns, double[] Values)
{
    /// <summary>The correlation of unit (<paramref name="channel"/>, <paramref name="row"/>, <paramref name="column"/>).</summary>
    public double this[int channel, int row, int column] => Values[(channel * Rows + row) * Columns + column];

    /// <summary>Channel <paramref name="channel"/>'s map, <c>[Rows, Columns]</c>.</summary>
    public double[,] Channel(int channel)
    {
        var map = new double[Rows, Columns];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < Columns; j++) map[i, j] = this[channel, i, j];
        return map;
    }

    /// <summary>
    /// The unit of channel <paramref name="channel"/> with the highest r (with the highest |r| when
    /// <paramref name="absolute"/>), and its r (signed).
    /// </summary>
    public UnitCorrelation Best(int channel, bool absolute = false)
    {
        int size = Rows * Columns, best = channel * size;
        for (int k = channel * size; k < (channel + 1) * size; k++)
            if (Score(Values[k], absolute) > Score(Values[best], absolute)) best = k;
        int within = best - channel * size;
        return new UnitCorrelation(new UnitAddress(Layer, channel, within / Columns, within % Columns), Values[best]);
    }

    internal static double Score(double r, bool absolute) => absolute ? Math.Abs(r) : r;
}
