using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// The step response (torch-deep-retina's <c>step_response</c>): a full-field step to <see cref="Intensity"/> for
/// <see cref="Duration"/> frames after <see cref="Delay"/> blank frames, <see cref="Frames"/> in all (reference: −1 for 1 s
/// after 0.5 s, 2 s; 160 responses).
/// </summary>
/// <remarks>
/// Criterion: a cell responds when its rate moves from its baseline (the response to the blank frames before the step) by at
/// least <see cref="Threshold"/> of the larger of |baseline| and its largest |rate|; Present when at least one cell responds.
/// A cell is OFF when its largest rise comes during the dark step and ON when it comes after the step (the return to the
/// mean is a brightening). The step response is a sanity check rather than a nonlinear phenomenon: linear models show it.
/// </remarks>
public sealed class StepResponse : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "step response";

    /// <summary>Step duration, frames.</summary>
    public int Duration { get; init; } = 100;
    /// <summary>Blank frames before the step.</summary>
    public int Delay { get; init; } = 50;
    /// <summary>Total frames.</summary>
    public int Frames { get; init; } = 200;
    /// <summary>Step contrast.</summary>
    public double Intensity { get; init; } = -1;
    /// <summary>Relative change that counts as a response.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int history = model.Spec.History;
        if (Delay <= history)
            throw new ArgumentException($"The step must start after the model's history ({history} frames) so a baseline is seen; Delay is {Delay}.", nameof(model));
        using var movie = FullField.Flash(Duration, Delay, Frames, Intensity, model.Spec.Height, model.Spec.Width);
        var rates = ModelResponses.Of(model, input, movie, options);
        int onset = Delay - history, offset = Delay + Duration - history;   // response indices of the step's first and first-after frames
        var level = Enumerable.Range(history, Frames - history).Select(f => f >= Delay && f < Delay + Duration ? Intensity : 0).ToArray();
        int responding = 0, off = 0, on = 0;
        double meanChange = 0;
        foreach (var r in rates)
        {
            double baseline = r.Take(onset).Average();
            double scale = Math.Max(Math.Abs(baseline), r.Max(Math.Abs));
            double change = r.Skip(onset).Max(v => Math.Abs(v - baseline));
            meanChange += change / rates.Length;
            if (scale > 0 && change >= Threshold * scale)
            {
                responding++;
                double riseDuring = r.Skip(onset).Take(offset - onset).Max() - baseline;
                double riseAfter = r.Skip(offset).DefaultIfEmpty(baseline).Max() - baseline;
                if (riseDuring >= riseAfter) off++; else on++;
            }
        }
        var verdict = responding > 0 ? Verdict.Present : Verdict.Absent;
        return new StepResponseResult(Name, verdict,
            $"Present when a cell's rate moves from its pre-step baseline by ≥ {Threshold:P0} of max(|baseline|, max |rate|).",
            new Dictionary<string, double> { ["cells"] = rates.Length, ["responding cells"] = responding, ["OFF cells"] = off, ["ON cells"] = on, ["mean peak change"] = meanChange },
            Enumerable.Range(0, level.Length).Select(k => (k + history) * Units.FramePeriod).ToArray(), level, rates, ModelResponses.Cells(model, options));
    }
}
