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
/// <para>Measurement, on the mean over cells minus its value for the blank window before the train: the <b>flash cycle</b>
/// is the response over the last shown flash's cycle (its onset to the omitted onset), with its largest and smallest values;
/// the <b>omission peak</b> is the largest response in the <see cref="WindowFrames"/> bins from the omitted onset, its
/// <b>delay</b> the time of that peak after the omitted onset (parabola-refined), and the <b>ratio</b> (omission peak − cycle
/// minimum) / (cycle maximum − cycle minimum): above 1 when the rate after the missing flash exceeds anything the flashes
/// evoked, whatever the sign of the flash responses (a population of ON cells answers dark flashes by falling). The same train is repeated with blank intervals <see cref="SlopeIntervals"/>
/// (periods 5…12 frames, 20…8.3 Hz; quick: 3, 6, 10), and the delay is fitted against the period by least squares.</para>
/// <para>Criterion: Present when, at the reference interval, the ratio is ≥ <see cref="MinRatio"/> and the omission peak lies
/// strictly inside the window (a peak on its first bin is the last flash's response still decaying; one on its last bin a
/// rate still relaxing back after the train, as a linear filter with a net-negative lobe does), and the delay's
/// slope against the period is within ±<see cref="MaxSlope"/> (the response tracks the expected flash; a response tied
/// to the last real flash, as any linear filter's, has slope −1), and at every period of the sweep the omission passes the
/// same ratio inside the window with its delay within <see cref="MaxDelayScatterMs"/> of the fitted line (a random linear
/// filter's tail can pass one period and a three-point slope by chance). Inconclusive when the model does not respond to the
/// flashes (the cycle's range is below 10⁻⁶ of its largest |rate|) at some period; otherwise Absent.</para>
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
    /// <summary>Blank intervals of the period sweep; null: 3…10 (quick: 3, 4, 6, 10).</summary>
    public IReadOnlyList<int>? SlopeIntervals { get; init; }
    /// <summary>Bins after the omitted onset searched for the omission peak.</summary>
    public int WindowFrames { get; init; } = 30;
    /// <summary>
    /// Smallest modulation of the mean rate by the flash train (the last flash cycle's range), as a fraction of the resting
    /// rate before the train, for the flashes to count as answered; below it the verdict is Inconclusive.
    /// </summary>
    public double MinFlashModulation { get; init; } = 0.1;

    /// <summary>Smallest ratio (omission peak − cycle minimum) / (cycle range) for an OSR.</summary>
    public double MinRatio { get; init; } = 1.0;
    /// <summary>Largest |slope| of delay against period (ms per ms) for an OSR.</summary>
    public double MaxSlope { get; init; } = 0.5;

    /// <summary>Largest distance (ms) of any period's delay from the fitted delay–period line: the response must be locked to the expected flash.</summary>
    public double MaxDelayScatterMs { get; init; } = 20;

    /// <summary>One train's measurement: period (ms), the last flash cycle's largest and smallest response, whether the
    /// flashes were answered, the omission peak, its delay (ms) and whether it lies strictly inside the window, the
    /// baseline-subtracted mean response, and the train's omitted-onset response index with the stimulus level per bin.</summary>
    private sealed record TrainMeasure(double PeriodMs, double CycleMax, double CycleMin, bool Answered, double OmissionPeak, double DelayMs, bool PeakInside,
        double[] Response, (int OmittedIndex, double[] Level) Train)
    {
        public double Ratio => Answered ? (OmissionPeak - CycleMin) / (CycleMax - CycleMin) : double.NaN;
    }

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        var intervals = (SlopeIntervals ?? (options.Quick ? [3, 4, 6, 10] : Enumerable.Range(3, 8).ToArray())).Distinct().ToList();
        var reference = MeasureTrain(model, input, options, Interval);
        var sweep = intervals.Select(i => i == Interval ? reference : MeasureTrain(model, input, options, i)).OrderBy(m => m.PeriodMs).ToList();
        double ratio = reference.Ratio;
        double slope = Slope(sweep.Select(m => m.PeriodMs).ToArray(), sweep.Select(m => m.DelayMs).ToArray());
        var verdict = Judge(sweep.All(m => m.Answered) && reference.Answered, ratio, reference.PeakInside, slope, MinRatio, MaxSlope);
        // An OSR is there at every frequency and locked to the expected flash: every period's omission must pass the ratio
        // with its peak inside the window, and the delays must lie on their line. (A random linear filter's tail after the
        // train can pass the reference period and a three-point slope by chance; found running the battery on an
        // untrained LN model, which by construction has no OSR.)
        double scatter = Scatter(sweep.Select(m => m.PeriodMs).ToArray(), sweep.Select(m => m.DelayMs).ToArray(), slope);
        if (verdict == Verdict.Present && (sweep.Any(m => !(m.Ratio >= MinRatio) || !m.PeakInside) || !(scatter <= MaxDelayScatterMs)))
            verdict = Verdict.Absent;
        var (omittedIndex, level) = reference.Train;
        return new OmittedStimulusResult(Name, verdict,
            $"Inconclusive unless the flashes modulate the mean rate by ≥ {MinFlashModulation:P0} of the resting rate. Present when the peak in the {WindowFrames} bins after the omitted flash, less the last flash cycle's minimum, is ≥ {MinRatio} × that cycle's range and lies strictly inside the window, and its delay from the omitted flash changes with the period at |slope| ≤ {MaxSlope} ms/ms, with every period's omission passing the same ratio inside the window and its delay within {MaxDelayScatterMs} ms of that line (periods {string.Join(", ", sweep.Select(m => m.PeriodMs))} ms).",
            new Dictionary<string, double>
            {
                ["omission/flash ratio"] = ratio, ["delay (ms)"] = reference.DelayMs, ["delay–period slope"] = slope, ["delay scatter (ms)"] = scatter,
                ["flash cycle max"] = reference.CycleMax, ["flash cycle min"] = reference.CycleMin, ["omission peak"] = reference.OmissionPeak,
            },
            Enumerable.Range(0, level.Length).Select(k => (k - omittedIndex) * Units.FramePeriod).ToArray(), reference.Response, level,
            sweep.Select(m => m.PeriodMs).ToArray(), sweep.Select(m => m.DelayMs).ToArray(), sweep.Select(m => m.Ratio).ToArray());
    }

    private TrainMeasure MeasureTrain(RetinaModel model, StimulusInput input, PhenomenaOptions options, int interval)
    {
        int history = model.Spec.History;
        using var train = FlashTrain.Omitted(model.Spec.Height, model.Spec.Width, Duration, interval, Flashes, Intensity, history);
        var mean = ModelResponses.MeanOverCells(ModelResponses.Of(model, input, train.Movie, options));
        double baseline = mean[0];   // window 0 is blank: the train starts at or after frame History
        var r = mean.Select(v => v - baseline).ToArray();
        int lastFlash = train.FlashOnsets[^1] - history, omitted = train.OmittedResponseIndex;
        var cycle = r.Skip(lastFlash).Take(omitted - lastFlash).ToArray();
        double cycleMax = cycle.Max(), cycleMin = cycle.Min();
        // The flashes must move the rate visibly (as the step response requires of a step): a ratio of two noise-level
        // wiggles on a flat rate would otherwise decide the verdict.
        // (Relative to the resting rate before the train, not to the train's onset transient, which can dwarf a steady,
        // clearly visible flash response.)
        bool answered = cycleMax - cycleMin >= MinFlashModulation * Math.Abs(baseline) && cycleMax - cycleMin > 1e-9 * mean.Max(Math.Abs);
        var window = r.Skip(omitted).Take(WindowFrames).ToArray();
        double peakIndex = LatencyEncoding.PeakIndex(window);
        int top = Array.IndexOf(window, window.Max());   // the sampled peak: interior means a transient, not a decay or a relaxation
        var frames = train.Movie.select(2, 0).select(1, 0).contiguous();   // the full-field level of each frame
        var level = frames.data<float>().Skip(history).Take(r.Length).Select(v => (double)v).ToArray();
        frames.Dispose();
        return new TrainMeasure(train.Period * Units.FramePeriod * 1000, cycleMax, cycleMin, answered, window.Max(), peakIndex * Units.FramePeriod * 1000, top >= 1 && top <= window.Length - 2,
            r, (omitted, level));
    }

    /// <summary>
    /// The criterion: Inconclusive unless every train evoked a flash response; Present when the omission
    /// <paramref name="ratio"/> ((omission peak − cycle minimum) / cycle range) is ≥ <paramref name="minRatio"/>, the omission peak lies strictly inside the window and the
    /// delay–period <paramref name="slope"/> is within ±<paramref name="maxSlope"/> (NaN, from a single period, fails);
    /// otherwise Absent.
    /// </summary>
    public static Verdict Judge(bool flashesAnswered, double ratio, bool peakInside, double slope, double minRatio = 1.0, double maxSlope = 0.5) =>
        !flashesAnswered ? Verdict.Inconclusive
        : ratio >= minRatio && peakInside && Math.Abs(slope) <= maxSlope ? Verdict.Present : Verdict.Absent;

    /// <summary>Largest |y − (ȳ + slope·(x − x̄))| over the points; NaN with fewer than two points or a NaN slope.</summary>
    public static double Scatter(IReadOnlyList<double> x, IReadOnlyList<double> y, double slope)
    {
        if (x.Count < 2 || double.IsNaN(slope)) return double.NaN;
        double mx = x.Average(), my = y.Average();
        return x.Zip(y, (a, b) => Math.Abs(b - (my + slope * (a - mx)))).Max();
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
