using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// Frequency doubling (the paper's Fig. 3F; torch-deep-retina's <c>f2_response</c>): sine gratings of bar width
/// <see cref="BarWidths"/> (reference: 1…8 checkers, × 55.55 µm) and phase <see cref="Phases"/> (reference: linspace(0, 1, 9))
/// reversing every <see cref="HalfPeriod"/> frames (25: 2 Hz) for <see cref="Frames"/> frames (140: 100 responses).
/// Nonlinear spatial summation over subunits answers every reversal, at twice the reversal frequency.
/// </summary>
/// <remarks>
/// <para>Measurement, per cell, as the reference: the DFT amplitudes of the 100-sample response (<see cref="Spectra"/>) at the
/// reversal frequency F1 (bin 2: 2 Hz) and its double F2 (bin 4); F2/F1 averaged over phases, then mean ± SEM over cells for
/// each width. A phase where the cell barely responds at all (F1 and F2 both ≤ <see cref="ResponseFloor"/> of the cell's
/// largest amplitude over all stimuli, or 10⁻⁶ of its summed |rate|; e.g. a 1-checker sine at phase 0 is zero on every checker
/// centre), or whose larger harmonic modulates the rate by less than <see cref="MinModulation"/> of its mean, is left out; one
/// where F1 is that small but F2 is not counts as <see cref="RatioCap"/> (a pure F2
/// response; the reference would divide by zero). Quick: widths 1, 2, 4, 8 and phases 0, ¼, ½, ¾.</para>
/// <para>Criterion (the reference's dashed line at 1): Present when the mean F2/F1 over cells exceeds
/// <see cref="Threshold"/> at some width; Inconclusive when no width has a measured ratio; otherwise Absent. A linear model
/// answers a square-wave reversal with odd harmonics only: F2/F1 = 0.</para>
/// </remarks>
public sealed class FrequencyDoubling : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "frequency doubling";

    /// <summary>Bar widths, checkers; null: 1…8 (quick: 1, 2, 4, 8).</summary>
    public IReadOnlyList<int>? BarWidths { get; init; }
    /// <summary>Grating phases (fractions of a period); null: linspace(0, 1, 9) (quick: 0, ¼, ½, ¾).</summary>
    public IReadOnlyList<double>? Phases { get; init; }
    /// <summary>Frames per polarity.</summary>
    public int HalfPeriod { get; init; } = 25;
    /// <summary>Total frames (responses: Frames − history).</summary>
    public int Frames { get; init; } = 140;
    /// <summary>F2/F1 above which frequency doubling is present.</summary>
    public double Threshold { get; init; } = 1.0;
    /// <summary>Fraction of a cell's largest F1 or F2 below which an amplitude counts as no response.</summary>
    public double ResponseFloor { get; init; } = 1e-3;
    /// <summary>Smallest modulation (the larger of the F1 and F2 sinusoids' amplitudes) as a fraction of the mean rate for a phase to count.</summary>
    public double MinModulation { get; init; } = 0.1;
    /// <summary>The ratio counted for a phase with F2 but no F1.</summary>
    public double RatioCap { get; init; } = 100;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int history = model.Spec.History, h = model.Spec.Height, w = model.Spec.Width;
        var widths = (BarWidths ?? (options.Quick ? [1, 2, 4, 8] : Enumerable.Range(1, 8).ToArray())).ToArray();
        var phases = (Phases ?? (options.Quick ? [0, 0.25, 0.5, 0.75] : LatencyEncoding.Linspace(0, 1, 9))).ToArray();
        int samples = Frames - history;
        // The DFT bins of the reversal frequency and its double: samples·0.01 s · (1 / (2·HalfPeriod·0.01 s)) cycles.
        double cycles = samples / (2.0 * HalfPeriod);
        if (Math.Abs(cycles - Math.Round(cycles)) > 1e-9)
            throw new ArgumentException($"{samples} responses do not hold a whole number of {2 * HalfPeriod}-frame reversal cycles, so F1 falls between DFT bins.", nameof(model));
        int f1Bin = (int)Math.Round(cycles), f2Bin = 2 * f1Bin;
        var cells = ModelResponses.Cells(model, options);
        // amplitudes[width][phase][cell] = (F1, F2)
        var amplitudes = widths.Select(bar => phases.Select(phase =>
        {
            using var movie = Gratings.Reversing(Frames, HalfPeriod, bar, phase, GratingWaveform.Sine, h, w);
            return ModelResponses.Of(model, input, movie, options)
                .Select(r => (F1: Spectra.Amplitude(r, f1Bin), F2: Spectra.Amplitude(r, f2Bin), Total: r.Sum(Math.Abs))).ToArray();
        }).ToArray()).ToArray();
        var perCell = new double[widths.Length][];
        for (int wi = 0; wi < widths.Length; wi++)
        {
            perCell[wi] = new double[cells.Count];
            for (int c = 0; c < cells.Count; c++)
            {
                double largest = amplitudes.SelectMany(x => x).Max(p => Math.Max(p[c].F1, p[c].F2));
                // A cell whose rate does not change (modulation below float32 rounding of its summed rate) has no ratio.
                double rate = amplitudes.SelectMany(x => x).Max(p => p[c].Total);
                double floor = Math.Max(ResponseFloor * largest, 1e-6 * rate);
                // As every phenomenon of the battery: a grating that moves the rate by less than MinModulation of its mean
                // (a sinusoid of DFT amplitude F over N samples has amplitude 2F/N; the mean rate is Total/N) is no response,
                // not a ratio of two faint harmonics.
                var ratios = amplitudes[wi].Select(p => p[c])
                    .Where(a => (a.F1 > floor || a.F2 > floor) && 2 * Math.Max(a.F1, a.F2) >= MinModulation * a.Total)
                    .Select(a => a.F1 > floor ? a.F2 / a.F1 : RatioCap).ToList();
                perCell[wi][c] = ratios.Count > 0 ? ratios.Average() : double.NaN;
            }
        }
        var mean = perCell.Select(r => r.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()).ToArray();
        var sem = perCell.Select(r =>
        {
            var v = r.Where(double.IsFinite).ToArray();
            if (v.Length < 2) return double.NaN;
            double m = v.Average();
            return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1) / v.Length);
        }).ToArray();
        var finite = mean.Where(double.IsFinite).ToArray();
        var verdict = finite.Length == 0 ? Verdict.Inconclusive : finite.Max() > Threshold ? Verdict.Present : Verdict.Absent;
        return new FrequencyDoublingResult(Name, verdict,
            $"Present when the mean over cells of F2/F1 (DFT bins {f2Bin} and {f1Bin} of {samples} samples, averaged over the {phases.Length} phases whose larger harmonic modulates the rate by ≥ {MinModulation:P0} of its mean) exceeds {Threshold} at some bar width.",
            new Dictionary<string, double>
            {
                ["max F2/F1"] = finite.DefaultIfEmpty(double.NaN).Max(), ["F2/F1 at narrowest"] = mean[0], ["F2/F1 at widest"] = mean[^1],
            },
            widths, widths.Select(x => x * Units.MicronsPerChecker).ToArray(), mean, sem, perCell);
    }
}
