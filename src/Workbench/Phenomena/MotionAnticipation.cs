using TorchSharp;
using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// Motion anticipation (the paper's Fig. 3D; torch-deep-retina's <c>motion_anticipation</c>; Berry et al. 1999): a dark bar
/// <see cref="BarWidth"/> checkers wide drifting at <see cref="Velocity"/> checkers a frame from −<see cref="Extent"/> to
/// +<see cref="Extent"/> (rightward) and back (leftward) (<see cref="Bars.Drifting"/>; reference: 0.176 checkers/frame ≈
/// 0.98 mm/s, width 2, ±30), against the same bar flashed for <see cref="FlashFrames"/> frames at each position of
/// <see cref="FlashPositions"/> (reference: −25…25; quick: every second one). Moving-bar responses are computed only
/// while the bar is on the screen or has just left it, and flashes wholly off the screen are not run (their response is
/// the blank screen's): both leave out only windows that see a blank screen. A retina with only a delay would answer the
/// moving bar after it has passed; the retina's moving-bar response instead keeps up with (or runs ahead of) the bar.
/// </summary>
/// <remarks>
/// <para>Measurement, on the mean over cells of rates less their blank-screen rates (the reference's profiles): the
/// <b>flashed profile</b> is each flashed position's response at the one time after the flash where the mean over
/// positions is largest (reference: the flash map at the maximum mean response); the <b>moving profiles</b> are the
/// responses to each moving bar against the bar's centre on the response's own frame (the window's last frame, as the
/// reference plots <c>c[40:]</c>). Peak positions are refined by a parabola through the peak sample and its neighbours.</para>
/// <para>Against the bar's current position, a cell that answers with a delay peaks only after the bar has passed its
/// receptive field, so its moving peak lies further along the motion than its flashed peak by about velocity × delay. The
/// <b>lead</b> of a direction is therefore direction × (flashed peak − moving peak), in µm (× 55.55): negative for a
/// delayed (lagging) response, 0 when the delay is exactly compensated, positive when the response runs ahead of the bar
/// (the population's activity is at or ahead of the bar's leading edge, as Berry et al. found).</para>
/// <para>Criterion: Present when the lead is ≥ <see cref="MinLeadMicrons"/> in both directions (the threshold, a tenth
/// of a checker, keeps a delay-free model at lead 0 from counting); Inconclusive when the flashes or a moving bar raise the
/// mean rate by less than <see cref="MinModulation"/> of its largest |value| (a faint profile's peak is noise) or a peak lies
/// on the first or last sampled position; otherwise Absent.</para>
/// </remarks>
public sealed class MotionAnticipation : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "motion anticipation";

    /// <summary>Bar speed, checkers a frame.</summary>
    public double Velocity { get; init; } = 0.176;
    /// <summary>Bar width, checkers.</summary>
    public double BarWidth { get; init; } = 2;
    /// <summary>The moving bars run from −Extent to +Extent checkers from the screen centre and back.</summary>
    public double Extent { get; init; } = 30;
    /// <summary>Flashed bar centres, checkers from the screen centre; null: −25…25 (quick: −25, −23, …, 25).</summary>
    public IReadOnlyList<double>? FlashPositions { get; init; }
    /// <summary>Flash duration, frames.</summary>
    public int FlashFrames { get; init; } = 2;
    /// <summary>Flash onset frame (at least the model's history; reference 43 of 70: 3 bins after the first response).</summary>
    public int FlashDelay { get; init; } = 43;
    /// <summary>Frames per flash stimulus; null: 70 (quick: 60, responses up to 160 ms after the onset).</summary>
    public int? FlashStimulusFrames { get; init; }
    /// <summary>Smallest rise of each profile, as a fraction of the largest |mean rate| over the stimuli, for a response.</summary>
    public double MinModulation { get; init; } = 0.1;
    /// <summary>Smallest lead in both directions for anticipation, µm.</summary>
    public double MinLeadMicrons { get; init; } = 5;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int history = model.Spec.History, h = model.Spec.Height, w = model.Spec.Width;
        int flashStimulusFrames = FlashStimulusFrames ?? (options.Quick ? 60 : 70);
        if (FlashDelay < history || FlashDelay + FlashFrames >= flashStimulusFrames)
            throw new ArgumentException($"The flash (frames {FlashDelay}…{FlashDelay + FlashFrames - 1}) must start at or after the model's history ({history}) and end before frame {flashStimulusFrames}.", nameof(model));
        var positions = (FlashPositions ?? Enumerable.Range(-25, 51).Where(x => !options.Quick || (x + 25) % 2 == 0).Select(x => (double)x).ToArray()).OrderBy(x => x).ToArray();
        if (positions.Length < 3) throw new ArgumentException($"Flash the bar at three positions at least; got {positions.Length}.", nameof(model));
        var blank = MotionReversal.Blank(model, input, options);
        double scale = Math.Abs(blank.Average());   // the largest |mean over cells of the rate| over every stimulus
        double[] Mean(double[][] rates) { scale = Math.Max(scale, ModelResponses.MeanOverCells(rates).Max(Math.Abs)); return Enumerable.Range(0, rates[0].Length).Select(k => rates.Select((r, c) => r[k] - blank[c]).Average()).ToArray(); }

        // Flashed bars: one short movie per position; the profile at the time of the largest mean response.
        var flashed = positions.Select(x =>
        {
            // A bar wholly off the screen is a blank screen: its response less the blank rate is 0 (no need to run it).
            if (Bars.Profile(x, BarWidth, w).All(v => v == 0)) return new double[flashStimulusFrames - history];
            using var movie = torch.zeros(flashStimulusFrames, h, w);
            using var bar = Bars.Frame(x, BarWidth, h, w, -1);
            for (int f = FlashDelay; f < FlashDelay + FlashFrames; f++) movie[f].copy_(bar);
            return Mean(ModelResponses.Of(model, input, movie, options));
        }).ToArray();
        int bins = flashed[0].Length, first = FlashDelay - history;
        int best = Enumerable.Range(first, bins - first).MaxBy(k => flashed.Average(f => f[k]));
        var flashProfile = flashed.Select(f => f[best]).ToArray();

        // Moving bars: responses against the centre of each response's own frame.
        (double[] Centres, double[] Response) Moving(double from, double to, double velocity)
        {
            using var bar = Bars.Drifting(velocity, BarWidth, h, w, from, to);
            var (movie, first) = MotionReversal.OnScreen(bar, history);   // the windows left out see a blank screen
            using var _ = movie;
            var response = Mean(ModelResponses.Of(model, input, movie, options));
            return (bar.Centres.Skip((int)first + history).Take(response.Length).ToArray(), response);
        }
        var right = Moving(-Extent, Extent, Velocity);
        var left = Moving(Extent, -Extent, -Velocity);

        double flashPeak = PeakPosition(positions, flashProfile);
        double rightPeak = PeakPosition(right.Centres, right.Response), leftPeak = PeakPosition(left.Centres, left.Response);
        double rightLead = (flashPeak - rightPeak) * Units.MicronsPerChecker, leftLead = -(flashPeak - leftPeak) * Units.MicronsPerChecker;
        bool responds = new[] { flashProfile, right.Response, left.Response }.All(p => p.Max() > 0 && p.Max() >= MinModulation * scale);
        var verdict = Judge(responds, rightLead, leftLead, MinLeadMicrons);
        return new MotionAnticipationResult(Name, verdict,
            $"Inconclusive unless flashes and moving bars raise the mean rate by ≥ {MinModulation:P0} of its largest |value|. Present when the moving bar's response peak (against the bar's current centre) is ahead of the flashed-bar profile's peak, lead = direction × (flashed peak − moving peak), by ≥ {MinLeadMicrons} µm both rightward and leftward (a delay alone gives a negative lead of about velocity × delay; {Velocity} checkers/frame = {Units.MillimetresPerSecond(Velocity):F2} mm/s).",
            new Dictionary<string, double>
            {
                ["rightward lead (µm)"] = rightLead, ["leftward lead (µm)"] = leftLead, ["flashed peak (µm)"] = flashPeak * Units.MicronsPerChecker,
                ["rightward peak (µm)"] = rightPeak * Units.MicronsPerChecker, ["leftward peak (µm)"] = leftPeak * Units.MicronsPerChecker,
                ["flash map time (ms)"] = (best - first) * Units.FramePeriod * 1000,
            },
            positions.Select(x => x * Units.MicronsPerChecker).ToArray(), flashProfile,
            right.Centres.Select(x => x * Units.MicronsPerChecker).ToArray(), right.Response,
            left.Centres.Select(x => x * Units.MicronsPerChecker).ToArray(), left.Response);
    }

    /// <summary>The criterion: Inconclusive when some stimulus evokes no rise or a lead is NaN (a peak on the edge of the
    /// sampled positions); Present when both leads are ≥ <paramref name="minLeadMicrons"/>; otherwise Absent.</summary>
    public static Verdict Judge(bool responds, double rightLeadMicrons, double leftLeadMicrons, double minLeadMicrons = 5) =>
        !responds || double.IsNaN(rightLeadMicrons) || double.IsNaN(leftLeadMicrons) ? Verdict.Inconclusive
        : rightLeadMicrons >= minLeadMicrons && leftLeadMicrons >= minLeadMicrons ? Verdict.Present : Verdict.Absent;

    /// <summary>
    /// Where <paramref name="y"/> peaks along the evenly spaced <paramref name="x"/> (either order): the largest sample refined
    /// by the parabola through it and its neighbours; NaN when the largest sample is the first or last (the peak may lie
    /// outside the sampled range).
    /// </summary>
    public static double PeakPosition(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 3) throw new ArgumentException($"Positions ({x.Count}) and responses ({y.Count}) must match, three at least.", nameof(y));
        double index = LatencyEncoding.PeakIndex(y);
        if (index <= 0 || index >= y.Count - 1) return double.NaN;
        int j = (int)Math.Floor(index);
        return x[j] + (index - j) * (x[j + 1] - x[j]);
    }
}
