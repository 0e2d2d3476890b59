using TorchSharp;
using Workbench.Analysis;
using Workbench.Models;
using Workbench.Simulation;
using static TorchSharp.torch;

namespace Workbench.Phenomena;

/// <summary>
/// Fast contrast adaptation (the paper's Fig. 3A; torch-deep-retina's <c>contrast_fig</c>/<c>filter_and_nonlinearity</c> and
/// <c>fast_contrast_adaptation</c>): Gaussian white noise with <see cref="HoldFrames"/>-frame holds (reference: 3) at each
/// contrast of <see cref="Contrasts"/>, and at each contrast an LN description of every cell. A retina that adapts turns its
/// gain down and speeds its filter up as contrast rises.
/// </summary>
/// <remarks>
/// <para>Measurement, per contrast and cell: the LN fit of <see cref="LnFits"/> over <see cref="Frames"/> frames (the
/// normalised STA within the cell's footprint, and the equal-count binned nonlinearity, <see cref="Bins"/> bins). As the
/// reference does, the filter is rescaled so the filtered stimulus has standard deviation = contrast; the <b>gain</b> is the
/// least-squares slope of the binned nonlinearity against that rescaled filtered stimulus (rate per unit contrast, so a
/// linear model's gain is the same at every contrast). The <b>temporal kernel</b> is the reference's frequency-shift one: the
/// rank-1 temporal component (<see cref="SpaceTimeDecomposition"/>) of the gradient receptive field, the mean over the first
/// <see cref="GradientWindows"/> windows (reference: 160) of the cell's input gradient
/// (<see cref="GradientReceptiveFields"/>); its <b>centre of mass</b> is <see cref="FrequencyCentreOfMass"/>. Every contrast
/// scales the same draws (<see cref="Seed"/>), so differences between contrasts carry no sampling difference of the noise.</para>
/// <para>Criterion: Present when the mean over cells of the gain ratio (highest / lowest contrast) is below
/// <see cref="GainRatioThreshold"/>, or the mean centre of mass rises from the lowest to the highest contrast by at least
/// <see cref="CentreOfMassRiseHz"/>; Inconclusive when no cell has a positive gain at the lowest contrast (it does not
/// respond); otherwise Absent. A linear model, or a fixed LN model, keeps its gain and kernel at every contrast (ratio 1,
/// rise 0) when its nonlinearity is scale-free (linear, or rectified at 0); divisive contrast normalisation
/// r = f·x / √(σ² + E[x²]) gives the ratio √((σ² + c_low²) / (σ² + c_high²)). Caveat, shared with the reference's slope: a fixed
/// nonlinearity that is not scale-free is sampled over a wider range of the same curve at high contrast, so a threshold raises
/// the slope (ratio above 1: Absent) and a saturation lowers it, which this criterion cannot tell from adaptation.</para>
/// <para>Defaults: contrasts 0.1, 0.3, 0.5, 0.7 (the figure's 0.1 and 0.7 and two between) and 10,000 frames (the
/// reference's); quick (a preview that keeps the battery's CI run short): 0.1 and 0.7, 600 frames, 15 bins, 16 gradient
/// windows. Contrast is the noise's standard deviation in
/// contrast units: seen through <see cref="StimulusInput.ForRecording"/> values beyond ±1 clamp, as a stored movie would.</para>
/// </remarks>
public sealed class FastContrastAdaptation : IPhenomenon
{
    /// <inheritdoc/>
    public string Name => "fast contrast adaptation";

    /// <summary>Noise contrasts (standard deviations), ascending; null: 0.1, 0.3, 0.5, 0.7 (quick: 0.1, 0.7).</summary>
    public IReadOnlyList<double>? Contrasts { get; init; }
    /// <summary>Frames of noise per contrast; null: 10,000, the reference's (quick: 600).</summary>
    public int? Frames { get; init; }
    /// <summary>Frames each random frame is held (reference: 3, a 33 Hz display).</summary>
    public int HoldFrames { get; init; } = 3;
    /// <summary>Equal-count bins of the nonlinearity; null: 40, the reference's Binterp (quick: 15).</summary>
    public int? Bins { get; init; }
    /// <summary>Windows whose mean input gradient is the kernel's receptive field; null: 160, the reference's (quick: 16).</summary>
    public int? GradientWindows { get; init; }
    /// <summary>Seed of the noise (the same draws at every contrast).</summary>
    public ulong Seed { get; init; } = 7;
    /// <summary>Gain ratio (highest / lowest contrast) below which the gain falls enough.</summary>
    public double GainRatioThreshold { get; init; } = 0.8;
    /// <summary>Rise of the kernel's centre of mass (Hz) from the lowest to the highest contrast that counts as a speed-up.</summary>
    public double CentreOfMassRiseHz { get; init; } = 1.0;
    /// <summary>Frequency bins of the centre of mass (reference: the first 7 of the 2.5-Hz-spaced spectrum, 0–15 Hz).</summary>
    public const int CentreOfMassBins = 7;

    /// <inheritdoc/>
    public PhenomenonResult Measure(RetinaModel model, StimulusInput input, PhenomenaOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        int history = model.Spec.History, h = model.Spec.Height, w = model.Spec.Width;
        var contrasts = (Contrasts ?? (options.Quick ? [0.1, 0.7] : [0.1, 0.3, 0.5, 0.7])).ToArray();
        if (contrasts.Length < 2 || contrasts.Any(c => !(c > 0)) || contrasts.Zip(contrasts.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentException($"Contrasts are at least two positive values, ascending; got [{string.Join(", ", contrasts)}].", nameof(Contrasts));
        int frames = Frames ?? (options.Quick ? 600 : 10_000);
        int gradientWindows = GradientWindows ?? (options.Quick ? 16 : 160);
        int bins = Bins ?? (options.Quick ? 15 : 40);
        if (frames < history + 2 * bins)
            throw new ArgumentException($"{frames} frames are too few for {bins} bins after the model's history ({history}).", nameof(Frames));
        if (gradientWindows < 1 || gradientWindows > frames - history)
            throw new ArgumentException($"GradientWindows is {gradientWindows}; it must be 1 … {frames - history}.", nameof(GradientWindows));
        var cells = ModelResponses.Cells(model, options);
        var units = cells.Select(UnitAddress.OutputCell).ToList();

        int n = contrasts.Length;
        var gain = new double[n][];
        var centre = new double[n][];
        var kernels = new double[n][][];
        var inputs = new double[n][][];
        var outputs = new double[n][][];
        for (int ci = 0; ci < n; ci++)
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new Generator(Seed);
            var noise = WhiteNoise.Movie(new WhiteNoiseSpec(WhiteNoiseKind.Gaussian, contrasts[ci], HoldFrames), frames, h, w, generator);
            var movie = input.ToModel(noise).to(float32, CPU).contiguous();
            // A model whose output ignores its input has no gradient to take (libtorch would abort): no footprint, no kernel.
            bool differentiable = GradientReceptiveFields.DependsOnInput(model, movie.narrow(0, 0, model.Spec.History).unsqueeze(0));
            var fits = LnFits.Fit(model, movie, units, new LnFitOptions
            {
                // LnFits always holds blocks out for its cross-validated r, which is not used here: keep it to one small block.
                Bins = bins, BatchSize = options.BatchSize, RestrictToFootprint = differentiable, TestFraction = 0.1, TestBlocks = 1,
            });
            gain[ci] = new double[cells.Count];
            centre[ci] = new double[cells.Count];
            kernels[ci] = new double[cells.Count][];
            inputs[ci] = new double[cells.Count][];
            outputs[ci] = new double[cells.Count][];
            using var head = movie.narrow(0, 0, history + gradientWindows);
            for (int u = 0; u < cells.Count; u++)
            {
                var fit = fits[u];
                // The reference's rescaling: the filter times c / std(filtered stimulus) filters the stimulus to std c.
                double std = FilteredStd(movie, fit.Filter);
                double scale = std > 0 ? contrasts[ci] / std : double.NaN;
                inputs[ci][u] = fit.BinCentres.Select(x => x * scale).ToArray();
                outputs[ci][u] = fit.BinValues.ToArray();
                gain[ci][u] = Slope(inputs[ci][u], outputs[ci][u]);
                kernels[ci][u] = std > 0
                    ? SpaceTimeDecomposition.Decompose(fit.Filter).Temporal.to(float64).data<double>().Select(x => x * scale).ToArray()
                    : Enumerable.Repeat(double.NaN, history).ToArray();
                if (ci > 0 && Dot(kernels[ci][u], kernels[0][u]) < 0)
                    kernels[ci][u] = kernels[ci][u].Select(x => -x).ToArray();
                fit.Filter.Dispose();
                if (!differentiable || !(fit.StaNorm > 0)) { centre[ci][u] = double.NaN; continue; }
                var rf = GradientReceptiveFields.Compute(model, head, units[u], batchSize: Math.Min(32, options.BatchSize));
                centre[ci][u] = rf.Average.abs().max().item<float>() > 0
                    ? FrequencyCentreOfMass(SpaceTimeDecomposition.Decompose(rf.Average).Temporal.to(float64).data<double>().ToArray())
                    : double.NaN;
                rf.Average.Dispose();
            }
        }

        double[] MeanOver(double[][] x) => x.Select(r => r.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()).ToArray();
        var meanGain = MeanOver(gain);
        var meanCentre = MeanOver(centre);
        var ratios = Enumerable.Range(0, cells.Count).Where(u => gain[0][u] > 0 && double.IsFinite(gain[^1][u]))
            .Select(u => gain[^1][u] / gain[0][u]).ToArray();
        double ratio = ratios.DefaultIfEmpty(double.NaN).Average();
        var rises = Enumerable.Range(0, cells.Count).Where(u => double.IsFinite(centre[0][u]) && double.IsFinite(centre[^1][u]))
            .Select(u => centre[^1][u] - centre[0][u]).ToArray();
        double rise = rises.DefaultIfEmpty(double.NaN).Average();
        var verdict = Judge(ratio, rise, GainRatioThreshold, CentreOfMassRiseHz);
        var seconds = Enumerable.Range(0, history).Select(i => -(history - i) * 0.01).ToArray();
        return new FastContrastAdaptationResult(Name, verdict,
            $"Present when the mean over cells of the LN gain ratio (contrast {contrasts[^1]:G3} / {contrasts[0]:G3}; gain = slope of the " +
            $"binned nonlinearity against the filtered stimulus rescaled to std = contrast) is below {GainRatioThreshold}, or the gradient RF's " +
            $"temporal-kernel centre of mass (0–15 Hz) rises by at least {CentreOfMassRiseHz} Hz; Inconclusive when no cell has a positive gain.",
            new Dictionary<string, double>
            {
                ["gain ratio (high/low)"] = ratio,
                ["centre of mass rise (Hz)"] = rise,
                ["gain at lowest contrast"] = meanGain[0],
                ["gain at highest contrast"] = meanGain[^1],
                ["centre of mass at lowest (Hz)"] = meanCentre[0],
                ["centre of mass at highest (Hz)"] = meanCentre[^1],
            },
            contrasts, cells.ToArray(), gain, centre, meanGain, meanCentre, seconds, kernels, inputs, outputs);
    }

    /// <summary>The verdict from the mean gain ratio (high / low contrast) and the mean centre-of-mass rise (Hz): see the remarks.</summary>
    public static Verdict Judge(double gainRatio, double centreOfMassRiseHz, double gainRatioThreshold = 0.8, double riseThresholdHz = 1.0)
    {
        if (!double.IsFinite(gainRatio)) return Verdict.Inconclusive;
        return gainRatio < gainRatioThreshold || centreOfMassRiseHz >= riseThresholdHz ? Verdict.Present : Verdict.Absent;
    }

    /// <summary>
    /// The power-spectrum centre of mass of a temporal kernel sampled every 10 ms: Σ f_k·P_k / Σ P_k over the DFT bins
    /// k = 0 … <see cref="CentreOfMassBins"/> − 1 at f_k = k / (n · 0.01 s) (2.5 Hz apart for a 40-frame kernel, so 0–15 Hz).
    /// </summary>
    /// <remarks>The reference cubic-upsamples the kernel over the same 400 ms to 1000 points before its FFT
    /// (<c>fftfreq(1000, 4e-4)</c>); that changes the sampling, not the span, so its first 7 bins are these frequencies and
    /// the upsampling only smooths the 10-ms steps (a small change of the powers). NaN for a zero kernel.</remarks>
    public static double FrequencyCentreOfMass(IReadOnlyList<double> kernel)
    {
        if (kernel.Count < 2 * CentreOfMassBins)
            throw new ArgumentException($"A kernel of {kernel.Count} samples has no {CentreOfMassBins} distinct low-frequency bins.", nameof(kernel));
        double step = 1.0 / (kernel.Count * 0.01), weighted = 0, total = 0;
        for (int k = 0; k < CentreOfMassBins; k++)
        {
            double a = Spectra.Amplitude(kernel, k), p = a * a;
            weighted += k * step * p;
            total += p;
        }
        return total > 0 ? weighted / total : double.NaN;
    }

    /// <summary>Least-squares slope of <paramref name="y"/> on <paramref name="x"/> (NaN when x has no spread or is not finite).</summary>
    internal static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Any(v => !double.IsFinite(v)) || y.Any(v => !double.IsFinite(v))) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx > 0 ? sxy / sxx : double.NaN;
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    /// <summary>
    /// The standard deviation over every history window of <paramref name="movie"/> <c>(T, H, W)</c> of the filtered stimulus
    /// filter · window, <paramref name="filter"/> <c>(L, H, W)</c>: each frame projected on each lag's spatial filter
    /// (one matmul), then summed along the diagonals, so no window is ever materialised. Float64.
    /// </summary>
    internal static double FilteredStd(Tensor movie, Tensor filter)
    {
        using var scope = torch.NewDisposeScope();
        long t = movie.shape[0], l = filter.shape[0];
        var x = movie.to(float64).reshape(t, -1);
        var p = x.matmul(filter.to(float64).reshape(l, -1).t());   // (T, L): frame t on lag slot i
        long k = t - l;                                             // windows k = 0 … T − L − 1, as ModelResponses pairs them
        var g = torch.zeros(k, float64);
        for (long i = 0; i < l; i++) g.add_(p.narrow(0, i, k).select(1, i));
        return g.std().item<double>();
    }
}
