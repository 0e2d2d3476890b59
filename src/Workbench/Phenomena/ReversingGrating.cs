using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// Responses to a contrast-reversing grating (torch-deep-retina's <c>reversing_grating</c>): square bars
/// <see cref="BarWidth"/> checkers wide at phase <see cref="Phase"/>, reversing every <see cref="HalfPeriod"/> frames for
/// <see cref="Frames"/> frames (reference: bar 5, phase 0, 0.5 s, 3 s: 260 responses). Like the step response this is a
/// display; its verdict only says whether the cells answer the reversals.
/// </summary>
/// <remarks>
/// Measurement: per cell, the DFT amplitudes at the reversal frequency (F1) and its double (F2) over the last
/// <see cref="AnalysedCycles"/> whole reversal cycles. Criterion: Present when a cell's rate over those cycles varies
/// (max − min) by at least <see cref="Threshold"/> of its largest |rate|; Absent otherwise.
/// </remarks>
public sealed class ReversingGrating : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "reversing grating";

    /// <summary>Bar width, checkers.</summary>
    public int BarWidth { get; init; } = 5;
    /// <summary>Grating phase, fraction of a period.</summary>
    public double Phase { get; init; }
    /// <summary>Frames per polarity.</summary>
    public int HalfPeriod { get; init; } = 50;
    /// <summary>Total frames.</summary>
    public int Frames { get; init; } = 300;
    /// <summary>Whole reversal cycles at the end of the response that the DFT analyses.</summary>
    public int AnalysedCycles { get; init; } = 2;
    /// <summary>Relative modulation that counts as a response.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int history = model.Spec.History;
        int analysed = AnalysedCycles * 2 * HalfPeriod;
        if (Frames - history < analysed)
            throw new ArgumentException($"{Frames - history} responses hold fewer than {AnalysedCycles} cycles of {2 * HalfPeriod} frames.", nameof(model));
        using var movie = Gratings.Reversing(Frames, HalfPeriod, BarWidth, Phase, GratingWaveform.Square, model.Spec.Height, model.Spec.Width);
        var rates = ModelResponses.Of(model, input, movie, options);
        var tails = rates.Select(r => r.Skip(r.Length - analysed).ToArray()).ToArray();
        var f1 = tails.Select(t => Spectra.Amplitude(t, AnalysedCycles)).ToArray();
        var f2 = tails.Select(t => Spectra.Amplitude(t, 2 * AnalysedCycles)).ToArray();
        int responding = tails.Count(t => t.Max() - t.Min() > 0 && t.Max() - t.Min() >= Threshold * t.Max(Math.Abs));
        using var first = movie.select(1, 0).select(1, 0).contiguous();   // checker (0, 0), the trace the reference plots
        var checker = first.data<float>().Skip(history).Select(v => (double)v).ToArray();
        return new ReversingGratingResult(Name, responding > 0 ? Verdict.Present : Verdict.Absent,
            $"Present when a cell's rate over the last {AnalysedCycles} reversal cycles varies by ≥ {Threshold:P0} of its largest |rate|.",
            new Dictionary<string, double>
            {
                ["cells"] = rates.Length, ["responding cells"] = responding,
                ["mean F2/F1"] = f1.Zip(f2, (a, b) => a > 0 ? b / a : double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
            },
            Enumerable.Range(0, checker.Length).Select(k => (k + history) * Units.FramePeriod).ToArray(), checker, rates, ModelResponses.Cells(model, options), f1, f2);
    }
}
