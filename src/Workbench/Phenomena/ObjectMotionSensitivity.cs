using Workbench.Analysis;
using Workbench.Models;
using Workbench.Stimuli;

namespace Workbench.Phenomena;

/// <summary>
/// Object motion sensitivity (the paper's Fig. 3H; torch-deep-retina's <c>oms_random_differential</c>; Ölveczky et al.
/// 2003): a grating seen through a central disc and around it, jittering ±1 checker a frame (<see cref="ObjectMotion.Jitter"/>:
/// 150 frames, 40 still at each end, disc radius 8, bars 4 wide). <b>Differential</b> motion: the surround steps with
/// probability <see cref="SurroundStepProbability"/> and the centre independently with <see cref="CentreStepProbability"/>
/// (reference: 0.3 and 0.5). <b>Global</b> motion: centre and surround step together with probability
/// <see cref="CentreStepProbability"/> (the reference's synchronised jitter at 0.5). An object-motion-sensitive cell answers
/// the centre's motion only when the surround does not move with it.
/// </summary>
/// <remarks>
/// <para>The disc is centred on each cell's receptive field (<see cref="CentreOnCells"/>; the centroid of its gradient
/// receptive field's energy, <see cref="GradientReceptiveFields.Centre"/>, rounded to a checker), as Ölveczky et al. placed
/// the object over the recorded cell. The reference draws one disc at the screen centre, which only covers the cells near
/// it: a cell whose field lies in the surround sees "object" motion only in its surround, and is then excited more by
/// global motion (the surround steps with probability 0.5 instead of 0.3), which says nothing about object motion. A cell
/// without a gradient (or with <see cref="CentreOnCells"/> false) gets the screen-centred disc.</para>
/// <para>Global motion moves the centre as often as differential motion does, on purpose: then a cell that sees only its
/// centre gets the same centre statistics in both and its ratio is 1 up to the jitter's sampling; only inhibition from
/// the surround's motion can lower it. Each condition is shown <see cref="Trials"/> times with jitter seeds
/// <see cref="Seed"/>, <see cref="Seed"/> + 1, … (reference: one; here 8, quick 2, to average the sampling down).</para>
/// <para>Measurement (the reference's <c>oms</c> metric): per cell, the mean rate over all responses and trials to global
/// motion ÷ the mean rate to differential motion. Rates are used as they are (not less a baseline, as the reference): a
/// cell's spontaneous rate pulls its ratio towards 1.</para>
/// <para>Criterion: Present when the median ratio over cells with a positive differential mean is ≤
/// <see cref="MaxRatio"/>; Inconclusive when no cell has a positive differential mean or the jitter modulates the mean rate
/// (range of its trial-averaged time course, either condition) by less than <see cref="MinModulation"/> of its largest
/// |value| (a ratio of two flat rates says nothing about motion); otherwise Absent.</para>
/// </remarks>
public sealed class ObjectMotionSensitivity : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "object motion sensitivity";

    /// <summary>Frames per trial.</summary>
    public int Frames { get; init; } = 150;
    /// <summary>Still frames at each end of a trial.</summary>
    public int Still { get; init; } = 40;
    /// <summary>Disc radius, checkers.</summary>
    public double Radius { get; init; } = 8;
    /// <summary>Grating bar width, checkers.</summary>
    public int BarWidth { get; init; } = 4;
    /// <summary>Surround step probability in differential motion.</summary>
    public double SurroundStepProbability { get; init; } = 0.3;
    /// <summary>Centre step probability (differential motion), and the common step probability of global motion.</summary>
    public double CentreStepProbability { get; init; } = 0.5;
    /// <summary>Trials per condition; null: 8 (quick: 2).</summary>
    public int? Trials { get; init; }
    /// <summary>Jitter seed of the first trial.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Smallest modulation of the mean rate by the jitter, as a fraction of its largest |value|, for a response.</summary>
    public double MinModulation { get; init; } = 0.1;
    /// <summary>Centre the disc on each cell's receptive field (default); false: one disc at the screen centre, as the reference.</summary>
    public bool CentreOnCells { get; init; } = true;
    /// <summary>Largest median global ÷ differential ratio for object motion sensitivity.</summary>
    public double MaxRatio { get; init; } = 0.8;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        int h = model.Spec.Height, w = model.Spec.Width;
        int trials = Trials ?? (options.Quick ? 2 : 8);
        if (trials < 1) throw new ArgumentException($"Trials must be at least 1; got {trials}.", nameof(model));
        var cells = ModelResponses.Cells(model, options);
        // Each cell's disc centre (row, column), rounded to a checker so cells that share it share the stimuli.
        var screen = (Row: (double)(h / 2), Column: (double)(w / 2));
        var centres = cells.Select(c =>
        {
            if (!CentreOnCells) return screen;
            var (row, column) = GradientReceptiveFields.Centre(model, UnitAddress.OutputCell(c));
            return double.IsFinite(row) && double.IsFinite(column) ? (Row: Math.Round(row), Column: Math.Round(column)) : screen;
        }).ToArray();
        // Per cell, per trial: its rates. Cells are run in groups of a common disc centre.
        var differentialRuns = new double[cells.Count][][];
        var globalRuns = new double[cells.Count][][];
        foreach (var group in Enumerable.Range(0, cells.Count).GroupBy(i => centres[i]))
        {
            var members = group.ToList();
            var groupOptions = options with { Cells = members.Select(i => cells[i]).ToList() };
            foreach (bool global in new[] { false, true })
            {
                var runs = Enumerable.Range(0, trials).Select(trial =>
                {
                    using var stimulus = global
                        ? ObjectMotion.Jitter(true, h, w, Seed + trial, Frames, Still, Radius, BarWidth, CentreStepProbability, CentreStepProbability, centreRow: group.Key.Row, centreColumn: group.Key.Column)
                        : ObjectMotion.Jitter(false, h, w, Seed + trial, Frames, Still, Radius, BarWidth, SurroundStepProbability, CentreStepProbability, centreRow: group.Key.Row, centreColumn: group.Key.Column);
                    return ModelResponses.Of(model, input, stimulus.Movie, groupOptions);
                }).ToList();
                for (int m = 0; m < members.Count; m++)
                    (global ? globalRuns : differentialRuns)[members[m]] = runs.Select(r => r[m]).ToArray();
            }
        }
        // Per cell: the mean rate over every response of every trial.
        double[] Average(double[][][] runs) => runs.Select(perTrial => perTrial.Average(r => r.Average())).ToArray();
        var differential = Average(differentialRuns);
        var globalMean = Average(globalRuns);
        var ratios = globalMean.Zip(differential, (g, d) => d > 0 ? g / d : double.NaN).ToArray();
        // Trial-averaged time courses for the figure: mean over cells.
        double[] Course(double[][][] runs) =>
            Enumerable.Range(0, runs[0][0].Length).Select(t => runs.Average(perTrial => perTrial.Average(r => r[t]))).ToArray();
        var differentialCourse = Course(differentialRuns);
        var globalCourse = Course(globalRuns);
        var courses = differentialCourse.Concat(globalCourse).ToArray();
        bool varies = courses.Max() - courses.Min() > 0 && courses.Max() - courses.Min() >= MinModulation * courses.Max(Math.Abs);
        var valid = ratios.Where(double.IsFinite).OrderBy(x => x).ToArray();
        double median = valid.Length == 0 ? double.NaN
            : valid.Length % 2 == 1 ? valid[valid.Length / 2] : 0.5 * (valid[valid.Length / 2 - 1] + valid[valid.Length / 2]);
        var verdict = Judge(varies, median, MaxRatio);
        return new ObjectMotionResult(Name, verdict,
            $"Inconclusive unless the jitter modulates the mean rate by ≥ {MinModulation:P0} of its largest |value|. Disc of radius {Radius} {(CentreOnCells ? "centred on each cell's receptive field" : "at the screen centre")}. Present when the median over cells of (mean rate to global motion ÷ mean rate to differential motion) is ≤ {MaxRatio} (centre steps with probability {CentreStepProbability} in both; differential surround {SurroundStepProbability}; {trials} trials each).",
            new Dictionary<string, double>
            {
                ["median global/differential"] = median, ["cells with a ratio"] = valid.Length,
                ["differential mean rate"] = differential.Average(), ["global mean rate"] = globalMean.Average(),
            },
            Enumerable.Range(0, differentialCourse.Length).Select(k => (k + model.Spec.History) * Units.FramePeriod).ToArray(),
            differentialCourse, globalCourse, cells, differential, globalMean, ratios, centres.Select(c => new[] { c.Row, c.Column }).ToList());
    }

    /// <summary>The criterion: Inconclusive when the rates do not vary or no cell has a ratio (NaN median); Present when the
    /// median ratio is ≤ <paramref name="maxRatio"/>; otherwise Absent.</summary>
    public static Verdict Judge(bool ratesVary, double medianRatio, double maxRatio = 0.8) =>
        !ratesVary || double.IsNaN(medianRatio) ? Verdict.Inconclusive : medianRatio <= maxRatio ? Verdict.Present : Verdict.Absent;
}
