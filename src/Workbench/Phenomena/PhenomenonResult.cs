using System.Text.Json.Serialization;

namespace Workbench.Phenomena;

/// <summary>
/// What one phenomenon measured on one model: its name, a verdict, the numeric criterion that decided it (in words, with
/// its thresholds), the headline numbers, and (in the derived record of each phenomenon) the data its figure needs
/// (<c>Plots.PhenomenaCharts.Figure</c>).
/// </summary>
/// <param name="Name">The phenomenon, as the paper names it.</param>
/// <param name="Verdict">Present, absent or inconclusive by <paramref name="Criterion"/>.</param>
/// <param name="Criterion">The decision rule with its thresholds.</param>
/// <param name="Numbers">Headline measurements by name (units in the name).</param>
/// <remarks>Serialises polymorphically (a <c>"phenomenon"</c> discriminator names the derived record), so a list of results
/// written with <c>IO.JsonFiles</c> keeps every figure's data and reads back as the same records. A new phenomenon's record
/// adds its <see cref="JsonDerivedTypeAttribute"/> line here.</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "phenomenon")]
[JsonDerivedType(typeof(StepResponseResult), "step response")]
[JsonDerivedType(typeof(ReversingGratingResult), "reversing grating")]
[JsonDerivedType(typeof(LatencyEncodingResult), "latency encoding")]
[JsonDerivedType(typeof(OmittedStimulusResult), "omitted stimulus response")]
[JsonDerivedType(typeof(FrequencyDoublingResult), "frequency doubling")]
[JsonDerivedType(typeof(MotionReversalResult), "motion reversal"), JsonDerivedType(typeof(MotionAnticipationResult), "motion anticipation"), JsonDerivedType(typeof(ObjectMotionResult), "object motion sensitivity")]
[JsonDerivedType(typeof(FastContrastAdaptationResult), "fast contrast adaptation")]
[JsonDerivedType(typeof(PolarityReversalResult), "polarity reversal")]
public abstract record PhenomenonResult(string Name, Verdict Verdict, string Criterion, IReadOnlyDictionary<string, double> Numbers)
{
    /// <summary>One line: name, verdict and numbers.</summary>
    public sealed override string ToString() =>
        $"{Name}: {Verdict} ({string.Join(", ", Numbers.Select(kv => $"{kv.Key} {kv.Value:G4}"))})";
}
