using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// Latency encoding (the paper's Fig. 3B; torch-deep-retina's <c>latency_encoding</c>): a <see cref="FlashFrames"/>-frame
/// full-field flash at frame <see cref="Delay"/> of <see cref="Frames"/> (reference: 2 frames at frame 40 of 70, 30
/// responses from the flash onset), for each intensity of <see cref="Intensities"/> (reference figure: linspace(0, −3, 21);
/// quick: linspace(0, −3, 7)). Stronger flashes should be answered sooner.
/// </summary>
/// <remarks>
/// <para>Measurement: the mean over cells of each intensity's response minus the response to intensity 0 (the same windows
/// with no flash); its peak time from the flash onset, refined by a parabola through the peak bin and its neighbours, is the
/// latency. An intensity evokes a response when that peak is at least <see cref="ResponseFraction"/> of the largest peak
/// over intensities, and the largest is itself at least <see cref="ResponseFraction"/> of the resting rate (the rate without
/// a flash): a model whose flashes barely move its rate answers none. Differences from the reference, on purpose: it takes argmax of the raw mean response after a cubic
/// upsampling whose time axis is mislabelled (0–300 ms mapped to 0–200 ms); here time is the bin's true time.</para>
/// <para>Criterion: Present when at least 3 intensities evoke a response, the latency's Pearson correlation with |intensity|
/// over them is ≤ <see cref="MaxCorrelation"/>, and the weakest responding flash's latency exceeds the strongest's by ≥
/// <see cref="MinDropMs"/> ms; Inconclusive with fewer than 3 responding intensities; otherwise Absent. A linear model (any
/// monotone output nonlinearity on one linear filter) has one latency for every intensity: Absent.</para>
/// </remarks>
public sealed class LatencyEncoding : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "latency encoding";

    /// <summary>Flash intensities (contrast); null: the reference's linspace(0, −3, 21), or 7 of them when quick.</summary>
    public IReadOnlyList<double>? Intensities { get; init; }
    /// <summary>Flash duration, frames.</summary>
    public int FlashFrames { get; init; } = 2;
    /// <summary>Flash onset frame (at least the model's history, so response 0 is the onset).</summary>
    public int Delay { get; init; } = 40;
    /// <summary>Total frames.</summary>
    public int Frames { get; init; } = 70;
    /// <summary>Fraction of the largest peak an intensity's peak must reach to count as a response (and of the resting rate the largest peak must reach).</summary>
    public double ResponseFraction { get; init; } = 0.1;
    /// <summary>Largest latency–|intensity| correlation that still counts as latencies falling with intensity.</summary>
    public double MaxCorrelation { get; init; } = -0.5;
    /// <summary>Smallest latency drop from the weakest to the strongest responding flash, ms.</summary>
    public double MinDropMs { get; init; } = 10;

    /// <summary>linspace(from, to, n).</summary>
    public static double[] Linspace(double from, double to, int n) =>
        Enumerable.Range(0, n).Select(i => n == 1 ? from : from + (to - from) * i / (n - 1)).ToArray();

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int history = model.Spec.History, h = model.Spec.Height, w = model.Spec.Width;
        if (Delay < history) throw new ArgumentException($"The flash must come at or after the model's history ({history}); Delay is {Delay}.", nameof(model));
        var intensities = (Intensities ?? Linspace(0, -3, options.Quick ? 7 : 21)).ToArray();
        double[] Mean(double intensity)
        {
            using var movie = FullField.Flash(FlashFrames, Delay, Frames, intensity, h, w);
            return ModelResponses.MeanOverCells(ModelResponses.Of(model, input, movie, options));
        }
        var blank = Mean(0);
        var responses = intensities.Select(i => i == 0 ? new double[blank.Length] : Mean(i).Zip(blank, (a, b) => a - b).ToArray()).ToArray();
        double firstMs = (history - Delay) * Units.FramePeriod * 1000;   // response 0's time from the onset
        var peaks = responses.Select(r => r.Max()).ToArray();
        double top = peaks.Max();
        // The strongest flash must move the rate by ResponseFraction of its resting level (as the step response requires of
        // a step); otherwise no flash counts as answered and the verdict is Inconclusive, not a latency read off noise.
        bool answered = top > 0 && top >= ResponseFraction * blank.Select(Math.Abs).DefaultIfEmpty(0).Max();
        var latencies = responses.Select((r, i) => answered && peaks[i] >= ResponseFraction * top
            ? firstMs + PeakIndex(r) * Units.FramePeriod * 1000 : double.NaN).ToArray();
        var (verdict, correlation, drop) = Judge(intensities, latencies, MaxCorrelation, MinDropMs);
        return new LatencyEncodingResult(Name, verdict,
            $"Present when ≥ 3 intensities evoke a response (peak ≥ {ResponseFraction:P0} of the largest, which must be ≥ {ResponseFraction:P0} of the resting rate), latency correlates with |intensity| at r ≤ {MaxCorrelation}, and falls by ≥ {MinDropMs} ms from the weakest to the strongest.",
            new Dictionary<string, double>
            {
                ["responding intensities"] = latencies.Count(double.IsFinite), ["latency–|intensity| correlation"] = correlation,
                ["latency drop (ms)"] = drop, ["latency at strongest (ms)"] = latencies.LastOrDefault(double.IsFinite, double.NaN),
            },
            intensities, latencies, responses, Enumerable.Range(0, blank.Length).Select(k => firstMs + k * Units.FramePeriod * 1000).ToArray());
    }

    /// <summary>
    /// The criterion on measured latencies (NaN: no response): the verdict, the Pearson correlation of latency with
    /// |intensity| over responding intensities, and the latency drop from the weakest to the strongest of them (ms).
    /// </summary>
    public static (Verdict Verdict, double Correlation, double DropMs) Judge(IReadOnlyList<double> intensities, IReadOnlyList<double> latenciesMs,
        double maxCorrelation = -0.5, double minDropMs = 10)
    {
        var pairs = intensities.Zip(latenciesMs, (i, l) => (A: Math.Abs(i), L: l)).Where(p => double.IsFinite(p.L)).OrderBy(p => p.A).ToList();
        if (pairs.Count < 3) return (Verdict.Inconclusive, double.NaN, double.NaN);
        double ma = pairs.Average(p => p.A), ml = pairs.Average(p => p.L);
        double sab = pairs.Sum(p => (p.A - ma) * (p.L - ml)), saa = pairs.Sum(p => (p.A - ma) * (p.A - ma)), sll = pairs.Sum(p => (p.L - ml) * (p.L - ml));
        double r = saa > 0 && sll > 1e-18 ? sab / Math.Sqrt(saa * sll) : double.NaN;
        double drop = pairs[0].L - pairs[^1].L;
        return (r <= maxCorrelation && drop >= minDropMs ? Verdict.Present : Verdict.Absent, r, drop);
    }

    /// <summary>The index of the largest value, refined by a parabola through it and its neighbours (fractional).</summary>
    public static double PeakIndex(IReadOnlyList<double> y)
    {
        int j = 0;
        for (int k = 1; k < y.Count; k++) if (y[k] > y[j]) j = k;
        if (j == 0 || j == y.Count - 1) return j;
        double d = y[j - 1] - 2 * y[j] + y[j + 1];
        return d < 0 ? j + 0.5 * (y[j - 1] - y[j + 1]) / d : j;
    }
}
