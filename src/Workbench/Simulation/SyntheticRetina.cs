using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Simulation;

/// <summary>The retina's noiseless responses to a stimulus, and, when asked for, its interneuron signals.</summary>
/// <param name="Rates">Ganglion-cell rates in Hz, (T, N).</param>
/// <param name="Generator">Each cell's generator signal before the softplus, (T, N).</param>
/// <param name="Interneurons">Signals of the sampled interneuron units, (T, U), or null.</param>
public sealed record RetinaResponse(Tensor Rates, Tensor Generator, Tensor? Interneurons) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Rates.Dispose();
        Generator.Dispose();
        Interneurons?.Dispose();
    }
}

/// <summary>
/// A ground-truth retina in tensor operations. Bipolar pathways (sustained and transient; ON and OFF as the two halves of
/// one linear signal) filter the stimulus in space (difference of Gaussians) and time (biphasic), pass through fast
/// divisive contrast gain control and thresholded rectification (<see cref="RetinaConfig.SubunitThreshold"/>); wide-field
/// amacrine cells pool the transient bipolars of an annulus around each ganglion cell and inhibit it, subtracting from
/// its generator signal and shunting its bipolar input (<see cref="AmacrineLayer.Shunting"/>); the ganglion cells
/// pool rectified subunits of their polarity (and, weaker, of the opposite one: <see cref="GanglionCell.OppositeShare"/>),
/// adapt slowly to their own mean excitation and fire through a softplus.
/// </summary>
/// <remarks>
/// Every temporal operation is a causal FIR filter, so a long stimulus is processed in chunks with
/// <see cref="RetinaConfig.Memory"/> frames of overlap and the result does not depend on the chunk size (tested).
/// Contrast units: 0 is the mean luminance, ±1 full contrast.
/// </remarks>
public sealed class SyntheticRetina : IDisposable
{
    private readonly RetinaConfig _config;
    private readonly Tensor _temporal;      // (2·H·W, 1, L): each pixel's sustained then transient filter, for grouped conv1d
    private readonly Tensor _temporalTaps;  // (2, L): the same per pathway, for short series
    private readonly SeparableGaussian[] _centres, _surrounds; // per pathway: its difference of Gaussians
    private readonly SeparableGaussian _gainPool; // the gain control's spatial pooling of power
    private readonly Tensor _gainSmoothing; // (2·H·W, 1, Lg)
    private readonly Tensor _amacrineSmoothing; // (1, 1, La)
    private readonly Tensor _cellWeights;   // (4·H·W, N) over bipolar outputs [on-s, on-t, off-s, off-t]
    private readonly Tensor _amacrinePools; // (H·W, N + Ua): one wide-field unit per ganglion cell, then the sampled ones
    private readonly Tensor _cellAmacrine;  // (N)
    private readonly Tensor _cellGain, _cellThreshold, _cellMaxRate; // (N)
    private readonly long[] _bipolarSamples; // flat index into (2, H·W) per sampled bipolar unit
    private readonly float[] _bipolarSigns;
    private readonly int[] _interneuronOrder; // per interneuron unit: index into [bipolar samples..., amacrine samples...]

    private readonly ScalarType _dtype;

    /// <summary>Builds the retina's filters and weights from <paramref name="config"/>.</summary>
    public SyntheticRetina(RetinaConfig config) : this(config, torch.float32)
    {
    }

    /// <summary>
    /// Builds the retina with its filters and weights in <paramref name="dtype"/> (float32 for simulation; float64 for
    /// numerical checks such as finite differences through <c>Models.GroundTruthModel</c>).
    /// </summary>
    internal SyntheticRetina(RetinaConfig config, ScalarType dtype)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new ArgumentException($"The retina computes in float32 or float64, not {dtype}.", nameof(dtype));
        _dtype = dtype;
        if (config.Pathways.Count != 2 || config.Pathways[0].Kinetics != Kinetics.Sustained || config.Pathways[1].Kinetics != Kinetics.Transient)
            throw new ArgumentException("The retina has two bipolar pathways: sustained first, then transient.");
        _config = config;
        using var scope = torch.NewDisposeScope();
        int taps = config.TemporalTaps;
        int pixels = config.Height * config.Width;
        var temporal = torch.stack(config.Pathways.Select(p => torch.tensor(Filters.Temporal(p, taps, config.FramePeriod))).ToArray()); // (2, L)
        _temporal = Keep(temporal.repeat_interleave(pixels, dim: 0).unsqueeze(1));
        _temporalTaps = Keep(temporal);
        _centres = config.Pathways.Select(p => new SeparableGaussian(p.CentreSigma, config.Height, config.Width, dtype)).ToArray();
        _surrounds = config.Pathways.Select(p => new SeparableGaussian(p.SurroundSigma, config.Height, config.Width, dtype)).ToArray();
        _gainPool = new SeparableGaussian(config.Gain.PoolSigma, config.Height, config.Width, dtype);
        _gainSmoothing = Keep(torch.tensor(Filters.Exponential(config.Gain.Tau, config.ExponentialTaps(config.Gain.Tau), config.FramePeriod)).view(1, 1, -1).expand(2 * pixels, 1, -1));
        _amacrineSmoothing = Keep(torch.tensor(Filters.Exponential(config.Amacrine.Tau, config.ExponentialTaps(config.Amacrine.Tau), config.FramePeriod)).view(1, 1, -1));

        int h = config.Height, w = config.Width, n = config.Cells.Count;
        var rows = torch.arange(h, dtype: torch.float32).view(-1, 1);
        var cols = torch.arange(w, dtype: torch.float32).view(1, -1);
        Tensor Blob(double row, double column, double sigma, double hole = 0)
        {
            var d2 = (rows - row).square() + (cols - column).square();
            var g = torch.exp(-d2 / (2 * sigma * sigma));
            if (hole > 0) g = g * (1 - torch.exp(-d2 / (2 * hole * hole)));
            return (g / g.sum()).flatten();
        }
        var weights = torch.zeros(4, h * w, n);
        for (int c = 0; c < n; c++)
        {
            var cell = config.Cells[c];
            var blob = Blob(cell.Row, cell.Column, cell.Sigma);
            int first = cell.Polarity == Polarity.On ? 0 : 2, opposite = 2 - first;
            weights[first, .., c] = blob * cell.SustainedShare;
            weights[first + 1, .., c] = blob * (1 - cell.SustainedShare);
            if (cell.OppositeShare > 0)
            {
                weights[opposite, .., c] = blob * (cell.OppositeShare * cell.SustainedShare);
                weights[opposite + 1, .., c] = blob * (cell.OppositeShare * (1 - cell.SustainedShare));
            }
        }
        _cellWeights = Keep(weights.view(4 * h * w, n));
        var amacrineUnits = config.Interneurons.Where(u => u.Layer == "amacrine").ToList();
        _amacrinePools = Keep(torch.stack(config.Cells.Select(c => Blob(c.Row, c.Column, config.Amacrine.Sigma, config.Amacrine.InnerSigma))
            .Concat(amacrineUnits.Select(u => Blob(u.Row, u.Column, config.Amacrine.Sigma))).ToArray(), 1));
        _cellAmacrine = Keep(torch.tensor(config.Cells.Select(c => (float)c.AmacrineWeight).ToArray()));
        _cellGain = Keep(torch.tensor(config.Cells.Select(c => (float)c.Gain).ToArray()));
        _cellThreshold = Keep(torch.tensor(config.Cells.Select(c => (float)c.Threshold).ToArray()));
        _cellMaxRate = Keep(torch.tensor(config.Cells.Select(c => (float)c.MaxRate).ToArray()));

        var bipolarUnits = config.Interneurons.Where(u => u.Layer == "bipolar").ToList();
        _bipolarSamples = bipolarUnits.Select(u => (u.Type.EndsWith("transient", StringComparison.Ordinal) ? 1L : 0L) * h * w
                                                   + (long)Math.Round(u.Row) * w + (long)Math.Round(u.Column)).ToArray();
        _bipolarSigns = bipolarUnits.Select(u => u.Type.StartsWith("off", StringComparison.Ordinal) ? -1f : 1f).ToArray();
        _interneuronOrder = config.Interneurons.Select(u => u.Layer == "bipolar"
            ? bipolarUnits.IndexOf(u)
            : bipolarUnits.Count + amacrineUnits.IndexOf(u)).ToArray();
    }

    /// <summary>The parameters.</summary>
    public RetinaConfig Config => _config;

    /// <summary>
    /// Responses to <paramref name="contrast"/> (T, H, W) in contrast units — or uint8 stored intensities, decoded chunk
    /// by chunk (<see cref="StimulusEncoding"/>) — processed in chunks of <paramref name="chunkFrames"/> frames.
    /// Frames before the first are taken as mean luminance.
    /// </summary>
    public RetinaResponse Simulate(Tensor contrast, bool interneurons = false, int chunkFrames = 2000, IProgress<double>? progress = null)
    {
        if (contrast.dim() != 3 || contrast.shape[1] != _config.Height || contrast.shape[2] != _config.Width)
            throw new ArgumentException($"The stimulus must be (T, {_config.Height}, {_config.Width}), got [{string.Join(", ", contrast.shape)}].");
        if (chunkFrames < 1) throw new ArgumentException($"Chunks must hold at least one frame, got {chunkFrames}.", nameof(chunkFrames));
        long frames = contrast.shape[0], memory = _config.Memory;
        int n = _config.Cells.Count, units = _config.Interneurons.Count;
        var rates = torch.empty(frames, n);
        var generator = torch.empty(frames, n);
        var signals = interneurons ? torch.empty(frames, units) : null;
        // The slow adaptation is a recursive average carried from chunk to chunk (mean luminance before the start: zero).
        var adapted = new double[n];
        double keep = Math.Exp(-_config.FramePeriod / _config.Adaptation.Tau);
        for (long start = 0; start < frames; start += chunkFrames)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(chunkFrames, frames - start);
            long from = Math.Max(0, start - memory);
            var slice = contrast.narrow(0, from, start + count - from);
            var extended = (slice.dtype == torch.uint8 ? StimulusEncoding.ToContrast(slice) : slice.to(torch.float32)).to(_dtype);
            if (start - from < memory) extended = torch.cat([torch.zeros(memory - (start - from), _config.Height, _config.Width, dtype: _dtype), extended]);
            var (excitation, inhibition, s) = Step(extended, interneurons);
            var u = Adapt(excitation.narrow(0, memory, count), adapted, keep) - inhibition.narrow(0, memory, count);
            generator.narrow(0, start, count).copy_(u);
            rates.narrow(0, start, count).copy_(Fire(u));
            if (signals is not null) signals.narrow(0, start, count).copy_(s!.narrow(0, memory, count));
            progress?.Report((double)(start + count) / frames);
        }
        return new RetinaResponse(rates, generator, signals);
    }

    /// <summary>
    /// Subtracts the slow running average of each cell's excitation, updating the carried average in place
    /// (a recursive filter over the N cells: cheap, and exact across chunks).
    /// </summary>
    private Tensor Adapt(Tensor excitation, double[] average, double keep)
    {
        float[] e = excitation.to(torch.float32).contiguous().data<float>().ToArray();
        int n = average.Length;
        double strength = _config.Adaptation.Strength;
        var result = new float[e.Length];
        for (int t = 0; t < e.Length / n; t++)
            for (int c = 0; c < n; c++)
            {
                int i = t * n + c;
                average[c] = keep * average[c] + (1 - keep) * e[i];
                result[i] = (float)(e[i] - strength * average[c]);
            }
        return torch.tensor(result).view(excitation.shape).to(_dtype);
    }

    /// <summary>One chunk, its first <see cref="RetinaConfig.Memory"/> frames history: each cell's pooled excitation and amacrine inhibition, and interneuron signals.</summary>
    private (Tensor Excitation, Tensor Inhibition, Tensor? Interneurons) Step(Tensor x, bool interneurons)
    {
        var stages = Stages(x.unsqueeze(0));
        Tensor? signals = null;
        if (interneurons && _interneuronOrder.Length > 0)
        {
            long t = x.shape[0], h = _config.Height, w = _config.Width;
            int n = _config.Cells.Count;
            var pooled = stages.Amacrine[0];
            var bipolar = stages.Bipolar[0].reshape(t, 2 * h * w).index_select(1, torch.tensor(_bipolarSamples)) * torch.tensor(_bipolarSigns).to(_dtype);
            var all = torch.cat([bipolar, pooled.narrow(1, n, pooled.shape[1] - n)], 1);
            signals = all.index_select(1, torch.tensor(_interneuronOrder.Select(i => (long)i).ToArray()));
        }
        return (stages.Excitation[0], stages.Inhibition[0], signals);
    }

    /// <summary>
    /// The retina's stages for a batch of independent movies <paramref name="x"/> (B, T, H, W) in contrast units, every
    /// frame of each: differentiable (tensor operations only) and in the retina's dtype. Each movie's frames before its
    /// first count as mean luminance, and slow adaptation is not applied (it is a recursive average over all of the past:
    /// <see cref="Simulate"/> carries it across chunks, <see cref="AdaptationWeights"/> gives it over a window).
    /// With <paramref name="window"/> (short movies such as history windows) the temporal filters are products with
    /// Toeplitz matrices (<see cref="Toeplitz"/>), faster there than libtorch's depthwise convolution (measured 1.1–1.5× on 41-frame windows) and equal
    /// up to float rounding; without it, the grouped convolutions the simulator has always used.
    /// </summary>
    internal RetinaStages Stages(Tensor x, bool window = false)
    {
        long b = x.shape[0], t = x.shape[1], h = _config.Height, w = _config.Width;
        // Space first (each pathway's difference of Gaussians), then each pixel's causal temporal filter.
        var spatial = torch.stack(_config.Pathways.Select((p, i) => _centres[i].Apply(x) - p.SurroundWeight * _surrounds[i].Apply(x)).ToArray(), 2); // (B, T, 2, H, W)
        var drive = window
            ? Toeplitz(spatial.reshape(b, t, 2, h * w), _temporalTaps).reshape(b, t, 2, h, w)
            : Grouped(spatial.reshape(b, t, 2 * h * w), _temporal).reshape(b, t, 2, h, w);
        // Divisive gain control by the running local power of the drive.
        var power = _gainPool.Apply(drive.square());
        var smoothed = window
            ? Toeplitz(power.reshape(b, t, 1, 2 * h * w), _gainSmoothing[0]).reshape(b, t, 2, h, w)
            : Grouped(power.reshape(b, t, 2 * h * w), _gainSmoothing).reshape(b, t, 2, h, w);
        var potential = drive / (1 + _config.Gain.Strength * (smoothed.clamp_min(0) + 1e-12).sqrt()); // (B, T, 2, H, W): bipolar "membrane potential"
        double theta = _config.SubunitThreshold;
        var outputs = torch.cat([nn.functional.relu(potential - theta), nn.functional.relu(-potential - theta)], 2); // on-s, on-t, off-s, off-t
        // Wide-field amacrine cells: pooled transient output, low-passed, rectified.
        var transient = (outputs.select(2, 1) + outputs.select(2, 3)).reshape(b, t, h * w);
        var pooled = transient.matmul(_amacrinePools); // (B, T, N + Ua)
        pooled = window
            ? Toeplitz(pooled.unsqueeze(2), _amacrineSmoothing[0]).squeeze(2)
            : Grouped(pooled, _amacrineSmoothing.expand(pooled.shape[2], 1, -1));
        var amacrine = nn.functional.relu(pooled - _config.Amacrine.Threshold);
        int n = _config.Cells.Count;
        var excitation = outputs.reshape(b, t, 4 * h * w).matmul(_cellWeights);
        var cellAmacrine = amacrine.narrow(2, 0, n);
        // Shunting inhibition at the bipolar terminals: the surround's motion scales the centre's input down, most when it
        // coincides with the centre's own (global motion), so a moving object stands out.
        if (_config.Amacrine.Shunting > 0) excitation = excitation / (1 + _config.Amacrine.Shunting * cellAmacrine);
        var inhibition = _cellAmacrine * cellAmacrine;
        return new RetinaStages(potential, outputs, pooled, amacrine, excitation, inhibition);
    }

    /// <summary>Each cell's rate in Hz for its generator signal (…, N): MaxRate·softplus(Gain·(u − Threshold)).</summary>
    internal Tensor Fire(Tensor generator) => _cellMaxRate * nn.functional.softplus(_cellGain * (generator - _cellThreshold));

    /// <summary>
    /// Weights (T) over a window's excitation, oldest first, whose weighted sum is the slow running average at the
    /// window's last frame when the average was zero before the window (the recursion of <see cref="Simulate"/> unrolled:
    /// (1 − keep)·keep^lag). In the retina's dtype.
    /// </summary>
    internal Tensor AdaptationWeights(long frames)
    {
        double keep = Math.Exp(-_config.FramePeriod / _config.Adaptation.Tau);
        var byAge = Enumerable.Range(0, (int)frames).Select(i => (1 - keep) * Math.Pow(keep, frames - 1 - i)).ToArray();
        return torch.tensor(byAge, torch.float64).to(_dtype);
    }

    /// <summary>The dtype of the retina's filters and of <see cref="Stages"/>' results.</summary>
    internal ScalarType DType => _dtype;

    /// <summary>
    /// Causal FIR filtering of every column of <paramref name="series"/> (B, T, C) with its own kernel (C, 1, L), oldest
    /// tap first: output t sees inputs ≤ t. One grouped convolution over (B, C, T), far faster than C separate ones.
    /// Taps older than the series only ever meet the zero padding (mean luminance), so kernels longer than the series are
    /// cut to its length: same result, less work for short windows.
    /// </summary>
    /// <summary>
    /// Causal FIR filtering of short series (B, T, G, X) with one kernel per group (G, L), oldest tap first, as one
    /// product with a lower-triangular Toeplitz matrix per group: output t sees inputs ≤ t, zeros before the series.
    /// Same result as <see cref="Grouped"/> up to float rounding.
    /// </summary>
    private static Tensor Toeplitz(Tensor series, Tensor kernels)
    {
        long t = series.shape[1], taps = kernels.shape[1];
        var steps = torch.arange(t, dtype: torch.int64, device: series.device);
        var lag = steps.view(-1, 1) - steps.view(1, -1); // (T, T): output t, input s
        var valid = (lag >= 0) & (lag < taps);
        var tap = (taps - 1 - lag).clamp(0, taps - 1);
        var matrices = kernels.index_select(1, tap.flatten()).view(kernels.shape[0], t, t) * valid.to(kernels.dtype); // (G, T, T)
        return torch.einsum("gts,bsgx->btgx", matrices, series);
    }

    private static Tensor Grouped(Tensor series, Tensor kernels)
    {
        long c = series.shape[2], t = series.shape[1];
        if (kernels.shape[2] > t) kernels = kernels.narrow(2, kernels.shape[2] - t, t);
        var channels = series.transpose(1, 2); // (B, C, T)
        var filtered = nn.functional.conv1d(nn.functional.pad(channels, [kernels.shape[2] - 1, 0]), kernels, groups: c);
        return filtered.transpose(1, 2);
    }

    private Tensor Keep(Tensor t) => t.to(_dtype).contiguous().DetachFromDisposeScope();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in new[] { _temporal, _temporalTaps, _gainSmoothing, _amacrineSmoothing, _cellWeights, _amacrinePools, _cellAmacrine, _cellGain, _cellThreshold, _cellMaxRate })
            t.Dispose();
        foreach (var g in _centres.Concat(_surrounds)) g.Dispose();
        _gainPool.Dispose();
    }
}
