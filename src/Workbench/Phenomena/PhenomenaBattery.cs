using Workbench.Models;

namespace Workbench.Phenomena;

/// <summary>
/// The retinal phenomena battery (the paper's Fig. 3): every phenomenon implemented so far on one model, one result record
/// each. To add a phenomenon, implement <see cref="IPhenomenon"/> (its stimulus from <c>Stimuli/</c>, its rates from
/// <see cref="ModelResponses.Of"/>, a <see cref="PhenomenonResult"/>-derived record with its figure data) and list it in
/// <see cref="Default"/>; give it a figure in <c>Plots.PhenomenaCharts</c>.
/// </summary>
public static class PhenomenaBattery
{
    /// <summary>The phenomena of a default run, in the reference's order, each with the reference's stimulus values.</summary>
    public static IReadOnlyList<IPhenomenon> Default =>
    [
        new StepResponse(),
        new OmittedStimulusResponse(),
        new ReversingGrating(),
        new FrequencyDoubling(),
        new FastContrastAdaptation(),
        new LatencyEncoding(),
        new MotionReversal(),
        new MotionAnticipation(),
        new ObjectMotionSensitivity(),
        new PolarityReversal(),
    ];

    /// <summary>
    /// Runs <paramref name="phenomena"/> (default: <see cref="Default"/>) on <paramref name="model"/>, whose input is the
    /// contrast stimulus seen through <paramref name="input"/>, and returns one record per phenomenon in order.
    /// </summary>
    public static IReadOnlyList<PhenomenonResult> Run(RetinaModel model, StimulusInput input, PhenomenaOptions? options = null,
        IEnumerable<IPhenomenon>? phenomena = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        options ??= new PhenomenaOptions();
        return (phenomena ?? Default).Select(p => p.Measure(model, input, options)).ToList();
    }
}
