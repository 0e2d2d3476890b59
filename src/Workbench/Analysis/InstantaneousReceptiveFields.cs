using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Gradient receptive fields of one unit along a stimulus (see <see cref="GradientReceptiveFields"/>): the instantaneous
/// receptive field (IRF) at every time step, their average, and how each step's IRF compares with the average.
/// </summary>
/// <param name="Unit">The unit.</param>
/// <param name="Windows">Window index of every time step, in order (window k's IRF belongs to time bin k + History).</param>
/// <param name="Responses">The unit's response at every time step (the value whose gradient was taken).</param>
/// <param name="Average">The average of the IRFs over all time steps, <c>(History, H, W)</c> (float32, CPU; accumulated in float64).</param>
/// <param name="Correlations">Per time step, the Pearson correlation over all History·H·W entries of the IRF with
/// <see cref="Average"/> (Fig. 4C–D); NaN where the IRF is constant (e.g. exactly zero: the unit is cut off by a ReLU).</param>
/// <param name="ReversedFraction">The fraction of time steps with a defined correlation that is negative: the receptive
/// field's polarity is reversed relative to the average (Fig. 3G).</param>
/// <param name="Fields">Every IRF, <c>(K, History, H, W)</c> (float32, CPU), when asked for; otherwise null.</param>
public sealed record InstantaneousReceptiveFields(
    UnitAddress Unit, long[] Windows, double[] Responses, Tensor Average, double[] Correlations, double ReversedFraction, Tensor? Fields)
{
    /// <summary>The median of the defined <see cref="Correlations"/> (NaN when none is defined): 1 for an LN model.</summary>
    public double MedianCorrelation
    {
        get
        {
            var defined = Correlations.Where(c => !double.IsNaN(c)).Order().ToArray();
            int n = defined.Length;
            return n == 0 ? double.NaN : n % 2 == 1 ? defined[n / 2] : 0.5 * (defined[n / 2 - 1] + defined[n / 2]);
        }
    }

    /// <summary>Time steps whose IRF is constant (NaN correlation), e.g. silenced by a rectification.</summary>
    public int Silent => Correlations.Count(double.IsNaN);
}
