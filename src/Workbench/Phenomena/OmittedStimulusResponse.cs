using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// The omitted stimulus response (the paper's Fig. 3E; torch-deep-retina's <c>osr_stim</c>/<c>osr</c>): a periodic train of
/// full-field flashes whose last flash is left out (<see cref="FlashTrain.Omitted"/>; reference: 8 flashes of 2 frames at
/// −2 after 6 blank frames, 12.5 Hz). A retina that has adapted to the rhythm fires after the flash it expected, at a
/// fixed delay from the missing flash whatever the period.
/// </summary>
/// <remarks>
/// <para>Measurement, on the mean over cells minus its value for the blank window before the train: the <b>flash peak</b> is the
/// largest response over the last shown flash's cycle (its onset to the omitted onset); the <b>omission peak</b> the largest
/// response in the <see cref="WindowFrames"/> bins from the omitted onset, and its <b>delay</b> the time of that peak after
/// the omitted onset (parabola-refined). The same train is repeated with blank intervals <see cref="SlopeIntervals"/>
/// (periods 5…12 frames, 20…8.3 Hz; quick: 3, 6, 10), and the delay is fitted against the period by least squares.</para>
/// <para>Criterion: Present when, at the reference interval, the omission peak is ≥ <see cref="MinRatio"/> × the flash peak and
/// lies after the window's first bin (a peak on the first bin is the last flash's response still decaying), and the delay's
/// slope against the period is within ±<see cref="MaxSlope"/> (the response tracks the expected flash; a response tied
/// to the last real flash, as any linear filter's, has slope −1). Inconclusive when the model does not respond to the
/// flashes (flash peak ≤ 0); otherwise Absent.</para>
/// </remarks>
public sealed class OmittedStimulusResponse : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "omitted stimulus response";

    /// <summary>Flash duration, frames.</summary>
    public int Duration { get; init; } = 2;
    /// <summary>Blank frames before each flash at the reference period.</summary>
    public int Interval { get; init; } = 6;
    /// <summary>Flashes shown before the omitted one.</summary>
    public int Flashes { get; init; } = 8;
    /// <summary>Flash contrast.</summary>
    public double Intensity { get; init; } = -2;
    /// <summary>Blank intervals of the period sweep; null: 3…10 (quick: 3, 6, 10).</summary>
    public IReadOnlyList<int>? SlopeIntervals { get; init; }
    /// <summary>Bins after the omitted onset searched for the omission peak.</summary>
    public int WindowFrames { get; init; } = 30;
    /// <summary>Smallest omission-to-flash peak ratio for an OSR.</summary>
    public double MinRatio { get; init; } = 1.0;
    /// <summary>Largest |slope| of delay against period (ms per ms) for an OSR.</summary>
    public double MaxSlope { get; init; } = 0.5;

    /// <summary>One train's measurement: period (ms), flash and omission peaks, the omission peak's delay (ms) and whether
    /// it lies after the window's first bin, the baseline-subtracted mean response, and the train's omitted-onset response
    /// index with the stimulus level per response bin.</summary>
    private sealed record TrainMeasure(double PeriodMs, double FlashPeak, double OmissionPeak, double DelayMs, bool PeakInside, double[] Response,
        (int OmittedIndex, double[] Level) Train);

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        var intervals = (SlopeIntervals ?? (options.Quick ? [3, 6, 10] : Enumerable.Range(3, 8).ToArray())).Distinct().ToList();
        var reference = MeasureTrain(model, input, options, Interval);
        var sweep = intervals.Select(i => i == Interval ? reference : MeasureTrain(model, input, options, i)).OrderBy(m => m.PeriodMs).ToList();
        double ratio = reference.FlashPeak > 0 ? reference.OmissionPeak / reference.FlashPeak : double.NaN;
        double slope = Slope(sweep.Select(m => m.PeriodMs).ToArray(), sweep.Select(m => m.DelayMs).ToArray());
        Verdict verdict = sweep.Any(m => !(m.FlashPeak > 0)) || !(reference.FlashPeak > 0) ? Verdict.Inconclusive
            : ratio >= MinRatio && reference.PeakInside && Math.Abs(slope) <= MaxSlope ? Verdict.Present : Verdict.Absent;
        var (omittedIndex, level) = reference.Train;
        return new OmittedStimulusResult(Name, verdict,
            $"Present when the peak in the {WindowFrames} bins after the omitted flash is ≥ {MinRatio} × the last flash's peak and after the first bin, and its delay from the omitted flash changes with the period at |slope| ≤ {MaxSlope} ms/ms (periods {string.Join(", ", sweep.Select(m => m.PeriodMs))} ms).",
            new Dictionary<string, double>
            {
                ["omission/flash peak ratio"] = ratio, ["delay (ms)"] = reference.DelayMs, ["delay–period slope"] = slope,
                ["flash peak"] = reference.FlashPeak, ["omission peak"] = reference.OmissionPeak,
            },
            Enumerable.Range(0, level.Length).Select(k => (k - omittedIndex) * Units.FramePeriod).ToArray(), reference.Response, level,
            sweep.Select(m => m.PeriodMs).ToArray(), sweep.Select(m => m.DelayMs).ToArray(), sweep.Select(m => m.FlashPeak > 0 ? m.OmissionPeak / m.FlashPeak : double.NaN).ToArray());
    }

    private TrainMeasure MeasureTrain(RetinaModel model, StimulusInput input, PhenomenaOptions options, int interval)
    {
        int history = model.Spec.History;
        using var train = FlashTrain.Omitted(model.Spec.Height, model.Spec.Width, Duration, interval, Flashes, Intensity, history);
        var mean = ModelResponses.MeanOverCells(ModelResponses.Of(model, input, train.Movie, options));
        double baseline = mean[0];   // window 0 is blank: the train starts at or after frame History
        var r = mean.Select(v => v - baseline).ToArray();
        int lastFlash = train.FlashOnsets[^1] - history, omitted = train.OmittedResponseIndex;
        double flashPeak = r.Skip(lastFlash).Take(omitted - lastFlash).Max();
        var window = r.Skip(omitted).Take(WindowFrames).ToArray();
        double peakIndex = LatencyEncoding.PeakIndex(window);
        var frames = train.Movie.select(2, 0).select(1, 0).contiguous();   // the full-field level of each frame
        var level = frames.data<float>().Skip(history).Take(r.Length).Select(v => (double)v).ToArray();
        frames.Dispose();
        return new TrainMeasure(train.Period * Units.FramePeriod * 1000, flashPeak, window.Max(), peakIndex * Units.FramePeriod * 1000, peakIndex >= 1,
            r, (omitted, level));
    }

    /// <summary>Least-squares slope of <paramref name="y"/> on <paramref name="x"/>; NaN with fewer than two distinct x.</summary>
    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count < 2) return double.NaN;
        double mx = x.Average(), my = y.Average();
        double sxx = x.Sum(v => (v - mx) * (v - mx));
        return sxx > 0 ? x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum() / sxx : double.NaN;
    }
}
