using TorchSharp;
using Workbench.Data;
using Workbench.Simulation;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// The synthetic retina as a <see cref="RetinaModel"/>, so every analysis that runs on a fitted model runs on the ground
/// truth too: stimulus windows <c>(B, History, H, W)</c> in, the retina's rates <c>(B, N)</c> in Hz out, with its
/// bipolar, amacrine and ganglion stages as named layers. Differentiable (gradient receptive fields) and batched.
/// </summary>
/// <remarks>
/// <para><b>What a window means.</b> Window <c>k</c> (frames <c>k … k + History − 1</c>) answers for response bin
/// <c>k + History</c>, as recordings pair them (<see cref="HistoryWindows"/>): the output is the simulator's response at
/// that bin to a movie that was at mean luminance (contrast 0) before the window. The bin's own frame is not in the window
/// and is taken as mean luminance too; this changes nothing, because the bipolar temporal filters
/// (<see cref="Filters.Temporal"/>) give the current frame zero weight. A window model carries no state from one window to
/// the next, so where the simulator remembers more than the window (<see cref="RetinaConfig.Memory"/> frames: 215 for
/// the presets, mostly the gain control's 0.3-s power estimate) the frames before the window count as mean luminance.
/// With <see cref="RetinaConfig.Memory"/> ≤ History and no slow adaptation, the model equals
/// <see cref="SyntheticRetina.Simulate"/> bin for bin (tested).</para>
/// <para><b>Slow adaptation.</b> The simulator subtracts a running average of each cell's excitation (time constant
/// <see cref="SlowAdaptation.Tau"/>, 1 s for the presets) accumulated from the start of the movie. Here that average is
/// accumulated within the window from zero, consistent with mean luminance before it (zero excitation): the exact response
/// of the simulator to the mean-luminance-padded window. Over a 0.4-s window it reaches less than half its steady value,
/// so under a long stimulus the model fires more than the simulator at the same bin. To leave adaptation out, build the
/// model from <c>config with { Adaptation = config.Adaptation with { Strength = 0 } }</c>.</para>
/// <para><b>Layers</b> (each at the output bin): <c>bipolar</c> (B, 2, H, W) potentials of the sustained and transient
/// pathways before rectification, ON sign (an OFF bipolar's is the negative; what interneuron recordings report);
/// <c>bipolar_rectified</c> (B, 4, H, W) the rectified outputs on-sustained, on-transient, off-sustained, off-transient;
/// <c>amacrine</c> (B, N + Ua) the wide-field amacrine potentials before threshold and rectification (one unit per
/// ganglion cell, then the sampled interneuron units); <c>amacrine_rectified</c> (B, N + Ua) after them;
/// <c>excitation</c> (B, N) each ganglion cell's pooled bipolar excitation before adaptation; <c>generator</c> (B, N)
/// its generator signal (excitation − adaptation − inhibition, the simulator's <see cref="RetinaResponse.Generator"/>)
/// before the softplus; and <c>output</c>, the rates.</para>
/// <para><b>Cost.</b> Every window is simulated afresh over History + 1 frames, so a pass over a stimulus costs about
/// History + 1 times the simulator's (the simulator shares the frames between consecutive bins).</para>
/// </remarks>
public sealed class GroundTruthModel : RetinaModel
{
    /// <summary>Bipolar potentials before rectification, (B, 2, H, W).</summary>
    public const string Bipolar = "bipolar";
    /// <summary>Rectified bipolar outputs, (B, 4, H, W).</summary>
    public const string BipolarRectified = "bipolar_rectified";
    /// <summary>Amacrine potentials before threshold and rectification, (B, N + Ua).</summary>
    public const string Amacrine = "amacrine";
    /// <summary>Amacrine outputs after threshold and rectification, (B, N + Ua).</summary>
    public const string AmacrineRectified = "amacrine_rectified";
    /// <summary>Ganglion cells' pooled excitation before adaptation, (B, N).</summary>
    public const string Excitation = "excitation";
    /// <summary>Ganglion cells' generator signals before the softplus, (B, N).</summary>
    public const string Generator = "generator";

    private readonly SyntheticRetina _retina;
    private readonly StimulusNormalisation? _normalisation;
    private readonly ScalarType _dtype;

    /// <summary>
    /// The retina of <paramref name="config"/> over windows of <paramref name="history"/> frames. Inputs are in contrast
    /// units (0 = mean luminance, ±1 = full contrast), or, when <paramref name="inputNormalisation"/> is given, in the
    /// normalised stored units of a <see cref="Recording"/> of simulated data (its <see cref="Recording.Normalisation"/>),
    /// so the model takes the same windows as models fitted to that recording. Computes in float32, or float64 when
    /// <paramref name="dtype"/> says so (for numerical checks); inputs are converted to it.
    /// </summary>
    /// <exception cref="ArgumentException">history is below 1, or dtype is neither float32 nor float64.</exception>
    public GroundTruthModel(RetinaConfig config, int history = 40, StimulusNormalisation? inputNormalisation = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(GroundTruthModel), SpecFor(config, history))
    {
        _retina = new SyntheticRetina(config, dtype);
        _normalisation = inputNormalisation;
        _dtype = dtype;
    }

    /// <summary>The ground-truth model of a simulated data set, from its <c>ground-truth.json</c> (<see cref="GroundTruth"/>).</summary>
    public static GroundTruthModel Load(string groundTruthPath, int history = 40, StimulusNormalisation? inputNormalisation = null)
    {
        if (!File.Exists(groundTruthPath)) throw new FileNotFoundException($"{groundTruthPath}: no such ground-truth file.", groundTruthPath);
        return new GroundTruthModel(GroundTruth.Load(groundTruthPath).Retina, history, inputNormalisation);
    }

    /// <summary>The retina's parameters.</summary>
    public RetinaConfig Config => _retina.Config;

    /// <summary>The dtype the model computes in.</summary>
    public ScalarType DType => _dtype;

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => [Bipolar, BipolarRectified, Amacrine, AmacrineRectified, Excitation, Generator];

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var x = input.to(_dtype);
        if (_normalisation is { } n)
            x = (x * (n.Std + StimulusNormalisation.Epsilon) + n.Mean - 127.5) / 127.5; // stored units → contrast (StimulusEncoding)
        long b = x.shape[0], h = x.shape[2], w = x.shape[3];
        // The output bin's own frame, at mean luminance (the bipolar filters give it zero weight).
        x = torch.cat([x, torch.zeros(b, 1, h, w, dtype: _dtype, device: x.device)], 1);
        long t = x.shape[1], last = t - 1;
        var s = _retina.Stages(x, window: true);
        observe?.Invoke(Bipolar, s.Bipolar.select(1, last));
        observe?.Invoke(BipolarRectified, s.Rectified.select(1, last));
        observe?.Invoke(Amacrine, s.Amacrine.select(1, last));
        observe?.Invoke(AmacrineRectified, s.AmacrineRectified.select(1, last));
        var excitation = s.Excitation.select(1, last);
        observe?.Invoke(Excitation, excitation);
        // The slow running average over the window's excitation, from zero before it.
        var average = (s.Excitation * _retina.AdaptationWeights(t).to(x.device).view(1, t, 1)).sum(1);
        var generator = excitation - Config.Adaptation.Strength * average - s.Inhibition.select(1, last);
        observe?.Invoke(Generator, generator);
        return _retina.Fire(generator).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _retina.Dispose();
        base.Dispose(disposing);
    }

    private static ModelSpec SpecFor(RetinaConfig config, int history)
    {
        if (history < 1) throw new ArgumentException($"A window holds at least one frame, got history {history}.", nameof(history));
        return new ModelSpec
        {
            Kind = ModelKind.GroundTruth, History = history, Height = config.Height, Width = config.Width, Cells = config.Cells.Count,
            CellPositions = config.Cells.Select(c => new CellPosition(c.Row, c.Column)).ToList(),
        };
    }
}
