using TorchSharp;
using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// The synchronised response to motion reversal (the paper's Fig. 3C; torch-deep-retina's <c>dr_motion_reversal</c>): a dark
/// bar 2 checkers wide drifts from <see cref="Start"/> to a flip position and back at <see cref="Speed"/> checkers a frame
/// (<see cref="Bars.Reversing"/>), for each flip of <see cref="Flips"/> (reference: speed 0.19, start −40, flips
/// arange(−9, 3); quick: −4, 0). Responses are aligned on the flip frame, <see cref="PreFrames"/> before to
/// <see cref="PostFrames"/> after (reference: 210 samples, −0.7…1.4 s; quick: 100, −0.3…0.7 s). Retinas answer a reversal with a burst at a fixed
/// latency after it, wherever it happens; a cell that only sees the local contrast answers the bar where it passes its
/// receptive field.
/// </summary>
/// <remarks>
/// <para>Measurement, per cell, on rates minus the cell's rate to a blank screen: the <b>moving-bar response</b> is the
/// largest rise of the rate while the same bar drifts across the whole screen without reversing (from <see cref="Start"/>
/// to −<see cref="Start"/>); the <b>reversal burst</b> is the largest rise, within <see cref="BurstWindowFrames"/> bins
/// after the flip, of the flip-aligned response averaged over flips. A cell is <b>reached</b> by the reversing bars when its
/// rate rises, at some time of some flip's aligned response, by at least <see cref="ReachedFraction"/> of its moving-bar
/// response (a cell whose receptive field lies beyond every flip position never sees the reversals, and the reference's
/// flips −9…2 cover only the middle of a wide screen). The population <b>burst ratio</b> is Σ bursts / Σ moving-bar
/// responses over the reached cells.</para>
/// <para>Why against the drift-through bar rather than the flip-aligned response before the flip: a bar that reverses on a
/// receptive field is seen there only after the flip (the return pass), so even a linear cell's flip-aligned response is
/// larger after the flip than before it. What a local-contrast cell cannot do is answer a reversal more strongly than the
/// bar crossing its receptive field (a reversal at the centre of a symmetric field gives it exactly the crossing's drive,
/// any other reversal less), least of all on average over flip positions; a burst tied to the reversal survives that
/// average.</para>
/// <para>Criterion: Present when the burst ratio is ≥ <see cref="MinBurstRatio"/>; Inconclusive when no cell is reached,
/// a cell counting only when its rate rises to the drifting bar by at least <see cref="MinModulation"/> of its largest |rate|
/// (as the other phenomena require of their stimuli: a ratio of two noise-level wiggles on a flat rate would otherwise decide
/// the verdict); otherwise Absent.</para>
/// </remarks>
public sealed class MotionReversal : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "motion reversal";

    /// <summary>Bar speed, checkers a frame.</summary>
    public double Speed { get; init; } = 0.19;
    /// <summary>Bar width, checkers.</summary>
    public double BarWidth { get; init; } = 2;
    /// <summary>Where the bar starts (and returns to), checkers from the screen centre.</summary>
    public double Start { get; init; } = -40;
    /// <summary>Flip positions, checkers from the screen centre; null: arange(−9, 3) (quick: −4, 0).</summary>
    public IReadOnlyList<double>? Flips { get; init; }
    /// <summary>Aligned responses before the flip frame; null: 70 (quick: 30).</summary>
    public int? PreFrames { get; init; }
    /// <summary>Aligned responses from the flip frame on; null: 140 (quick: 70).</summary>
    public int? PostFrames { get; init; }
    /// <summary>Bins after the flip searched for the burst (400 ms).</summary>
    public int BurstWindowFrames { get; init; } = 40;
    /// <summary>Fraction of its moving-bar response by which a cell's flip-aligned rate must rise somewhere for the cell to
    /// count as reached by the reversing bars.</summary>
    public double ReachedFraction { get; init; } = 0.1;
    /// <summary>Smallest rise to the drifting bar, as a fraction of the cell's largest |rate| to it, for a cell to count.</summary>
    public double MinModulation { get; init; } = 0.1;
    /// <summary>Smallest burst ratio (burst ÷ moving-bar response) for a reversal response.</summary>
    public double MinBurstRatio { get; init; } = 1.0;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int pre = PreFrames ?? (options.Quick ? 30 : 70), post = PostFrames ?? (options.Quick ? 70 : 140);
        if (pre < 1 || post < BurstWindowFrames || BurstWindowFrames < 1)
            throw new ArgumentException($"PreFrames ({pre}) ≥ 1 and PostFrames ({post}) ≥ BurstWindowFrames ({BurstWindowFrames}) ≥ 1 are needed.", nameof(model));
        int history = model.Spec.History, h = model.Spec.Height, w = model.Spec.Width;
        var flips = (Flips ?? (options.Quick ? [-4, 0] : Enumerable.Range(-9, 12).Select(f => (double)f).ToArray())).ToArray();
        var blank = Blank(model, input, options);

        // The drift-through bar: the moving-bar response of each cell.
        using var through = Bars.Drifting(Speed, BarWidth, h, w, Start, -Start);
        var (onScreen, _) = OnScreen(through, history);
        using var _ = onScreen;
        var drift = ModelResponses.Of(model, input, onScreen, options);
        var moving = drift.Select((r, c) => Math.Max(0, r.Max() - blank[c])).ToArray();

        // Flip-aligned responses: frames [flip − Pre − History, flip + Post) give responses for frames flip − Pre … flip + Post − 1.
        int length = pre + post, cells = blank.Length;
        var aligned = Enumerable.Range(0, cells).Select(_ => new double[length]).ToArray();
        var perFlip = new List<double[]>();
        var largest = new double[cells];   // each cell's largest rise over every flip's aligned response
        foreach (double flip in flips)
        {
            using var bar = Bars.Reversing(flip, h, w, Speed, BarWidth, Start);
            using var clip = Clip(bar.Movie, bar.FlipFrame - pre - history, length + history);
            var rates = ModelResponses.Of(model, input, clip, options);
            for (int c = 0; c < cells; c++)
                for (int k = 0; k < length; k++)
                {
                    aligned[c][k] += (rates[c][k] - blank[c]) / flips.Length;
                    largest[c] = Math.Max(largest[c], rates[c][k] - blank[c]);
                }
            perFlip.Add(Enumerable.Range(0, length).Select(k => rates.Select((r, c) => r[k] - blank[c]).Average()).ToArray());
        }
        var bursts = aligned.Select(a => Math.Max(0, a.Skip(pre).Take(BurstWindowFrames).Max())).ToArray();
        var preFlip = aligned.Select(a => Math.Max(0, a.Take(pre).Max())).ToArray();
        var reached = Enumerable.Range(0, cells)
            .Where(c => moving[c] > 0 && moving[c] >= MinModulation * drift[c].Append(blank[c]).Max(Math.Abs) && largest[c] >= ReachedFraction * moving[c]).ToList();
        double ratio = reached.Count > 0 ? reached.Sum(c => bursts[c]) / reached.Sum(c => moving[c]) : double.NaN;
        var population = Enumerable.Range(0, length).Select(k => aligned.Average(a => a[k])).ToArray();
        var sem = Enumerable.Range(0, length).Select(k => Sem(perFlip.Select(p => p[k]).ToArray())).ToArray();
        int peak = Array.IndexOf(population, population.Skip(pre).Take(BurstWindowFrames).Max(), pre);
        return new MotionReversalResult(Name, Judge(ratio, MinBurstRatio),
            $"Present when the flip-aligned rise averaged over flips ({string.Join(", ", flips)}), largest in the {BurstWindowFrames * Units.FramePeriod * 1000:F0} ms after the flip, summed over the cells the reversals reach (a rise ≥ {ReachedFraction:P0} of the moving-bar response somewhere; that response ≥ {MinModulation:P0} of the cell's largest |rate|), is ≥ {MinBurstRatio} × their summed largest rise to the same bar drifting across without reversing (rates less the blank-screen rate).",
            new Dictionary<string, double>
            {
                ["burst ratio"] = ratio, ["reached cells"] = reached.Count, ["burst (mean over cells)"] = bursts.Average(), ["moving-bar response (mean over cells)"] = moving.Average(),
                ["pre-flip peak (mean over cells)"] = preFlip.Average(), ["burst latency (ms)"] = (peak - pre) * Units.FramePeriod * 1000,
            },
            Enumerable.Range(0, length).Select(k => (k - pre) * Units.FramePeriod).ToArray(), population, sem, flips,
            aligned, ModelResponses.Cells(model, options), bursts, moving);
    }

    /// <summary>The criterion: Inconclusive when the ratio is NaN (no cell reached); Present when the burst ratio
    /// is ≥ <paramref name="minRatio"/>; otherwise Absent.</summary>
    public static Verdict Judge(double burstRatio, double minRatio = 1.0) =>
        double.IsNaN(burstRatio) ? Verdict.Inconclusive : burstRatio >= minRatio ? Verdict.Present : Verdict.Absent;

    /// <summary>Each cell's rate to a blank (mean-luminance) screen.</summary>
    internal static double[] Blank(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        using var blank = torch.zeros(model.Spec.History + 1, model.Spec.Height, model.Spec.Width);
        return ModelResponses.Of(model, input, blank, options).Select(r => r[0]).ToArray();
    }

    /// <summary>
    /// The part of a moving-bar movie that can evoke anything: from <paramref name="history"/> frames before the bar first
    /// touches the screen to <paramref name="history"/> frames after it last does (clamped to the movie). The windows left out
    /// see only blank frames, so every rise the full movie evokes is in the responses to this part.
    /// </summary>
    /// <returns>The frames and the index of the first in the full movie.</returns>
    internal static (torch.Tensor Movie, long From) OnScreen(DriftingBar bar, int history)
    {
        using var columns = bar.Movie.select(1, 0).abs().sum(1);
        var visible = columns.to(torch.float64).data<double>().Select((v, t) => (v, t)).Where(x => x.v > 0).Select(x => x.t).ToList();
        if (visible.Count == 0) return (bar.Movie.clone(), 0);
        long from = Math.Max(0, visible[0] - history), to = Math.Min(bar.Movie.shape[0], visible[^1] + history + 1);
        return to - from > history ? (bar.Movie[torch.TensorIndex.Slice(from, to)].clone(), from) : (bar.Movie.clone(), 0);
    }

    /// <summary>Frames [from, from + count) of <paramref name="movie"/>, blank (0) where they fall outside it.</summary>
    internal static torch.Tensor Clip(torch.Tensor movie, long from, long count)
    {
        long t = movie.shape[0];
        var clip = torch.zeros(count, movie.shape[1], movie.shape[2], dtype: movie.dtype);
        long lo = Math.Max(0, from), hi = Math.Min(t, from + count);
        if (hi > lo) clip[torch.TensorIndex.Slice(lo - from, hi - from)] = movie[torch.TensorIndex.Slice(lo, hi)];
        return clip;
    }

    /// <summary>Standard error of the mean; NaN below two values.</summary>
    internal static double Sem(IReadOnlyList<double> x)
    {
        if (x.Count < 2) return double.NaN;
        double m = x.Average();
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Count - 1) / x.Count);
    }
}
