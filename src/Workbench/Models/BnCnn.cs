using TorchSharp;
using TorchSharp.Modules;
using Workbench.Data;
using Workbench.Models.Layers;
using Workbench.Runtime;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// The BN-CNN of McIntosh et al. 2016 and its linear-stacked variant (Maheswaranathan et al. 2023), exactly as
/// torch-deep-retina builds them: conv 8@15×15 → batch norm (per channel × location by default) → Gaussian noise
/// (training only) → ReLU → conv 8@11×11 → the same → readout (dense, or convolutional per cell) → batch norm → softplus.
/// All convolutions are valid (no padding), stride 1.
/// </summary>
/// <remarks>
/// Named layers: conv1, bn1, relu1, conv2, bn2, relu2, readout, bn_out; bn1, bn2 and bn_out are each layer before its
/// nonlinearity (in evaluation mode the noise is off), relu1 and relu2 after it. The plain convolutions are <see cref="FastConv2d"/>
/// (same maths, a faster weight gradient on CPU). With 5 cells, per-location batch norm and a dense
/// readout with bias the model has 138,367 trainable parameters, as the reference.
/// </remarks>
public sealed class BnCnn : RetinaModel
{
    private readonly string[] _layers;

    // The core: per layer a convolution, its batch norm and its training noise, registered as conv{i}, bn{i}, noise{i}
    // (i from 1), so the reference's two-layer model keeps its checkpoint keys.
    private readonly nn.Module<Tensor, Tensor>[] _convs;
    private readonly BatchNormalisation[] _bns;
    private readonly GaussianNoise[] _noises;
    private readonly (int Height, int Width)[] _maps; // each layer's output size
    private readonly nn.Module<Tensor, Tensor> readout;
    private readonly BatchNorm1d? bn_out; // the paper's output batch norm (dense and convolutional readouts)

    /// <summary>Builds the model described by <paramref name="spec"/> (kind <see cref="ModelKind.BnCnn"/> or <see cref="ModelKind.Stacked"/>).</summary>
    /// <exception cref="ArgumentException">The spec is not a convolutional model, or its sizes leave no map.</exception>
    public BnCnn(ModelSpec spec) : this(spec, stacked: spec.Kind == ModelKind.Stacked, absoluteScale: spec.Kind == ModelKind.Stacked)
    {
    }

    /// <summary>A model of <paramref name="spec"/>'s cells whose core is <paramref name="sharedCore"/>'s own modules (not a
    /// copy): what <see cref="SharedCoreModel"/> builds per recording.</summary>
    internal BnCnn(ModelSpec spec, BnCnn sharedCore) : this(spec, spec.Kind == ModelKind.Stacked, spec.Kind == ModelKind.Stacked, sharedCore)
    {
    }

    private BnCnn(ModelSpec spec, bool stacked, bool absoluteScale, BnCnn? sharedCore = null) : base(stacked ? "StackedBnCnn" : nameof(BnCnn), spec)
    {
        if (spec.Kind is not (ModelKind.BnCnn or ModelKind.Stacked))
            throw new ArgumentException($"BnCnn builds BnCnn or Stacked models, not {spec.Kind}.", nameof(spec));
        int depth = spec.Channels.Count;
        if (depth < 1 || spec.Kernels.Count != depth || (spec.Padding is { } pad && pad.Count != depth))
            throw new ArgumentException($"A convolutional core needs one kernel{(spec.Padding is null ? "" : " and one padding")} per layer; got channels [{string.Join(", ", spec.Channels)}], kernels [{string.Join(", ", spec.Kernels)}]" +
                (spec.Padding is null ? "." : $", padding [{string.Join(", ", spec.Padding)}]."));
        if (spec.Channels.Any(c => c < 1) || spec.Kernels.Any(k => k < 1) || (spec.Padding?.Any(p => p < 0) ?? false))
            throw new ArgumentException($"Channels and kernels must be positive and padding ≥ 0; got channels [{string.Join(", ", spec.Channels)}], kernels [{string.Join(", ", spec.Kernels)}], padding [{string.Join(", ", spec.Padding ?? [])}].");
        _maps = new (int, int)[depth];
        for (int i = 0, h = spec.Height, w = spec.Width; i < depth; i++)
        {
            (h, w) = (h + 2 * PaddingOf(spec, i) - spec.Kernels[i] + 1, w + 2 * PaddingOf(spec, i) - spec.Kernels[i] + 1);
            if (h < 1 || w < 1)
                throw new ArgumentException($"A {spec.Height}x{spec.Width} stimulus is too small for kernels [{string.Join(", ", spec.Kernels)}]" +
                    (spec.Padding is null ? "" : $" with padding [{string.Join(", ", spec.Padding)}]") + $": layer {i + 1} leaves no map.");
            _maps[i] = (h, w);
        }
        IsStacked = stacked;
        if (sharedCore is not null)
        {
            if (!SameCore(sharedCore.Spec, spec) || sharedCore.IsStacked != stacked)
                throw new ArgumentException($"The cores differ: {DescribeCore(sharedCore.Spec, sharedCore.IsStacked)} vs {DescribeCore(spec, stacked)}.", nameof(sharedCore));
            (_convs, _bns, _noises) = (sharedCore._convs, sharedCore._bns, sharedCore._noises);
        }
        else
        {
            (_convs, _bns, _noises) = (new nn.Module<Tensor, Tensor>[depth], new BatchNormalisation[depth], new GaussianNoise[depth]);
            for (int i = 0; i < depth; i++)
            {
                long input = i == 0 ? spec.History : spec.Channels[i - 1];
                _convs[i] = stacked ? new LinearStackedConv2d(input, spec.Channels[i], spec.Kernels[i], name: $"conv{i + 1}") : new FastConv2d(input, spec.Channels[i], spec.Kernels[i], name: $"conv{i + 1}");
                _bns[i] = new BatchNormalisation(spec.Channels[i], _maps[i].Height, _maps[i].Width, spec.BatchNorm, absoluteScale, name: $"bn{i + 1}");
                _noises[i] = new GaussianNoise(spec.Noise, $"noise{i + 1}");
            }
        }
        for (int i = 0; i < depth; i++)
        {
            register_module($"conv{i + 1}", _convs[i]);
            register_module($"bn{i + 1}", _bns[i]);
            register_module($"noise{i + 1}", _noises[i]);
        }
        var (cLast, hLast, wLast) = (spec.Channels[^1], _maps[^1].Height, _maps[^1].Width);
        readout = spec.Readout switch
        {
            ReadoutKind.Dense => nn.Linear(cLast * hLast * wLast, spec.Cells, hasBias: spec.ReadoutBias),
            ReadoutKind.Convolutional => ConvolutionalReadout(spec, cLast, hLast, wLast, CoreOffsetOf(spec)),
            ReadoutKind.Factorized => new FactorizedReadout(cLast, hLast, wLast, spec.Cells, spec.ReadoutBias, maskL1: spec.ReadoutL1, featureL1: spec.ReadoutL1, name: "readout"),
            ReadoutKind.Gaussian => new GaussianReadout(cLast, hLast, wLast, spec.Cells, spec.GaussianShape, spec.ReadoutBias, featureL1: spec.ReadoutL1, name: "readout"),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Readout, "Unknown readout."),
        };
        // The per-cell readouts (factorized, Gaussian) end in their own bias, started at each cell's mean rate; an output batch
        // norm after them would rescale that away.
        bn_out = readout is IReadout ? null : nn.BatchNorm1d(spec.Cells, eps: 1e-3, momentum: 0.01);
        string act = spec.Nonlinearity == CoreNonlinearity.Elu ? "elu" : "relu";
        _layers = [.. Enumerable.Range(1, depth).SelectMany(i => new[] { $"conv{i}", $"bn{i}", $"{act}{i}" }), "readout", .. (bn_out is null ? Array.Empty<string>() : ["bn_out"])];
        register_module("readout", readout);
        if (bn_out is not null) register_module("bn_out", bn_out);
    }

    private static int PaddingOf(ModelSpec spec, int layer) => spec.Padding is { } p ? p[layer] : 0;

    /// <summary>Stimulus checkers from a map position of the last layer to the centre of the region it sees.</summary>
    private static double CoreOffsetOf(ModelSpec spec) =>
        Enumerable.Range(0, spec.Kernels.Count).Sum(i => (spec.Kernels[i] - 1) / 2.0 - PaddingOf(spec, i));

    /// <inheritdoc/>
    /// <remarks>The offset is the output batch norm's shift: rates start at softplus(shift) for a standardised drive of 0.</remarks>
    public override bool CalibrateOutput(Tensor meanRates)
    {
        using var _ = torch.no_grad();
        using var offset = InverseSoftplus(meanRates);
        if (readout is IReadout perCell) perCell.InitialiseBias(offset.to(meanRates.device));
        else bn_out!.bias!.copy_(offset);
        return true;
    }

    /// <inheritdoc/>
    public override bool StartsAtMeanRates => readout is IReadout;

    /// <summary>Whether the core (every conv and bn layer) is frozen: its parameters take no gradient and it runs as in
    /// evaluation (batch norms on their running statistics, no noise) even while the readout trains.</summary>
    public bool CoreFrozen { get; private set; }

    /// <summary>
    /// Freezes the core (<see cref="CoreFrozen"/>), so training fits only the readout: a core trained on many cells, reused
    /// for new cells or a new recording (Lurz et al. 2021). Not saved with checkpoints: a loaded model is whole again.
    /// </summary>
    public void FreezeCore()
    {
        foreach (var (_, module) in CoreModules())
            foreach (var p in module.parameters()) p.requires_grad_(false);
        CoreFrozen = true;
        train(training);
    }

    /// <inheritdoc/>
    /// <remarks>With a frozen core only the readout (and output batch norm) follow <paramref name="on"/>.</remarks>
    public override void train(bool on = true)
    {
        base.train(on);
        if (!CoreFrozen) return;
        foreach (var (_, module) in CoreModules()) module.eval();
    }

    /// <summary>Copies the core's weights and batch-norm statistics (every conv and bn layer) from <paramref name="source"/>,
    /// whose core must have the same shape.</summary>
    /// <exception cref="ArgumentException">The cores differ in architecture or shape.</exception>
    public void CopyCoreFrom(BnCnn source)
    {
        if (!SameCore(source.Spec, Spec) || source.IsStacked != IsStacked)
            throw new ArgumentException($"The cores differ: {DescribeCore(source.Spec, source.IsStacked)} vs {DescribeCore(Spec, IsStacked)}.", nameof(source));
        using var noGrad = torch.no_grad();
        var from = source.state_dict();
        foreach (var (key, value) in state_dict())
            if (IsCoreKey(key)) value.copy_(from[key].to(value.device));
    }

    private static bool SameCore(ModelSpec a, ModelSpec b) =>
        a.History == b.History && a.Height == b.Height && a.Width == b.Width && a.Channels.SequenceEqual(b.Channels)
        && a.Kernels.SequenceEqual(b.Kernels) && a.BatchNorm == b.BatchNorm && a.Nonlinearity == b.Nonlinearity
        && Enumerable.Range(0, a.Kernels.Count).All(i => PaddingOf(a, i) == PaddingOf(b, i));

    private static string DescribeCore(ModelSpec s, bool stacked) =>
        $"{(stacked ? "stacked " : "")}{s.History} frames of {s.Height}x{s.Width}, channels [{string.Join(", ", s.Channels)}], kernels [{string.Join(", ", s.Kernels)}]" +
        (s.Padding is { } p && p.Any(x => x > 0) ? $", padding [{string.Join(", ", p)}]" : "") +
        (s.Nonlinearity == CoreNonlinearity.Relu ? "" : $", {s.Nonlinearity}") + $", {s.BatchNorm} batch norm";

    private bool IsCoreKey(string key) =>
        Enumerable.Range(1, _convs.Length).Any(i => key.StartsWith($"conv{i}.", StringComparison.Ordinal) || key.StartsWith($"bn{i}.", StringComparison.Ordinal));

    /// <summary>The core's modules in order (conv1, bn1, noise1, conv2, …) with the names they are registered under.</summary>
    internal IReadOnlyList<(string Name, nn.Module Module)> CoreModules() =>
        Enumerable.Range(0, _convs.Length).SelectMany(i => new (string, nn.Module)[] { ($"conv{i + 1}", _convs[i]), ($"bn{i + 1}", _bns[i]), ($"noise{i + 1}", _noises[i]) }).ToList();

    /// <inheritdoc/>
    public override Tensor? Regularisation() => (readout as IReadout)?.Regularisation();

    /// <summary>The readout module: <see cref="FactorizedReadout"/>, <see cref="GaussianReadout"/>, <see cref="CellReadout"/>
    /// or the dense <c>Linear</c>.</summary>
    public nn.Module<Tensor, Tensor> Readout => readout;

    /// <summary>The shape of the maps the readout reads, (C, H, W): the last layer's output, known from the spec.</summary>
    public (int Channels, int Height, int Width) CoreShape => (Spec.Channels[^1], _maps[^1].Height, _maps[^1].Width);

    /// <summary>Stimulus checkers from a core map position to the centre of the stimulus region it sees: the kernels'
    /// half-widths less the padding (12 for the reference's 15 and 11).</summary>
    public double CoreOffset => CoreOffsetOf(Spec);

    /// <summary>Convolutional layers in the core.</summary>
    public int Depth => _convs.Length;

    /// <summary>Whether the convolutions are linear stacks.</summary>
    public bool IsStacked { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => _layers;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        return AfterConv1(Conv1(input), observe, null)!.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    /// <remarks>The first layer is linear over the whole window, so over consecutive windows it is one space-time
    /// convolution of the movie (<see cref="FftConvolution.Sliding(Tensor, Tensor, Tensor?)"/>): each frame's contribution is computed once instead of
    /// History times. The later layers run per window. Linear-stacked models, and runs with
    /// <see cref="Convolutions.Algorithm"/> set to <see cref="ConvolutionAlgorithm.Direct"/>, gather the windows instead.</remarks>
    protected override Tensor? ForwardMovie(Tensor frames, Action<string, Tensor>? observe, string? last)
    {
        // The default path opens no scope of its own (its observer moves outputs one scope out): call it outside ours.
        if (!CanSlide(frames)) return base.ForwardMovie(frames, observe, last);
        using var scope = torch.NewDisposeScope();
        return AfterConv1(SlidingConv1(frames), observe, last)?.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    /// <remarks>When the first layer runs through FFTs (float32 on the CPU, <see cref="Convolutions.Algorithm"/>), every
    /// frame of the stimulus is transformed once (<see cref="FrameSpectra"/>) and each batch gathers its windows' spectra,
    /// instead of gathering their frames and transforming every frame of every window again. Not for stacked models, nor
    /// when the spectra would take more than <see cref="FrameSpectraLimitBytes"/>.</remarks>
    internal override WindowPredictor? PredictorFor(Recording recording, Device device)
    {
        var first = (FastConv2d)_convs[0];
        int pad = PaddingOf(Spec, 0);
        long height = recording.Height + 2 * pad, width = recording.Width + 2 * pad;
        if (IsStacked || !UseFrameSpectra || device.type != DeviceType.CPU || recording.Stimulus.device_type != DeviceType.CPU
            || recording.Stimulus.dtype != first.Weight.dtype || recording.Height != Spec.Height || recording.Width != Spec.Width
            || !Convolutions.UsesFft(first.Weight, height, width)
            || FrameSpectra.BytesFor(recording.Frames, height, width) > FrameSpectraLimitBytes)
            return null;
        var spectra = new FrameSpectra(recording.Stimulus, pad);
        return new WindowPredictor(starts =>
        {
            using var scope = torch.NewDisposeScope();
            var x = FftConvolution.Conv2dOfSpectra(spectra.Windows(starts, Spec.History), first.Weight, first.Bias, height, width);
            return AfterConv1(x, null, null)!.MoveToOuterDisposeScope();
        }, spectra);
    }

    /// <summary>The most memory <see cref="PredictorFor"/> spends on a stimulus's frame spectra (about the stimulus's own
    /// size in float32); longer stimuli train from gathered frames.</summary>
    public const long FrameSpectraLimitBytes = 4L << 30;

    /// <summary>Whether training may use frame spectra at all (tests compare the two routes).</summary>
    internal static bool UseFrameSpectra { get; set; } = true;

    /// <summary>Whether <see cref="SlidingConv1"/> applies: not stacked, not forced to direct convolutions, enough windows.</summary>
    internal bool CanSlide(Tensor frames) =>
        !IsStacked && Convolutions.Algorithm != ConvolutionAlgorithm.Direct && frames.shape[0] - Spec.History + 1 >= MinimumSlidingWindows;

    /// <summary>The first convolution over every window of <paramref name="frames"/> as one space-time convolution
    /// (only when <see cref="CanSlide"/>).</summary>
    internal Tensor SlidingConv1(Tensor frames)
    {
        var first = (FastConv2d)_convs[0];
        var movie = frames.to(first.Weight.dtype);
        // A padded first layer is a valid one over zero-padded frames.
        int pad = PaddingOf(Spec, 0);
        if (pad > 0) movie = nn.functional.pad(movie, [pad, pad, pad, pad]);
        int height = Spec.Height + 2 * pad, width = Spec.Width + 2 * pad;
        Tensor x;
        if (torch.is_grad_enabled() && first.Weight.requires_grad)
            x = FftConvolution.Sliding(movie, first.Weight, first.Bias);
        else
        {
            // Probes call this chunk after chunk with the same weights: keep the kernel's spectrum while they stay the same.
            long length = FftConvolution.ChunkLength(Spec.History);
            if (_sliding is null || !_sliding.Matches(first.Weight, length, height, width))
            {
                _sliding?.Dispose();
                _sliding = new SlidingKernel(first.Weight, length, height, width);
            }
            x = FftConvolution.Sliding(movie, _sliding, first.Bias);
        }
        return x;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sliding?.Dispose();
            _sliding = null;
        }
        base.Dispose(disposing);
    }

    private SlidingKernel? _sliding;

    /// <summary>Frees the cached kernel spectrum of movie passes (a shared-core model's per-recording views hold one each).</summary>
    internal void DisposeCaches()
    {
        _sliding?.Dispose();
        _sliding = null;
    }

    /// <summary>Below this many windows a movie is cheaper to run window by window than as one space-time transform.</summary>
    private const long MinimumSlidingWindows = 8;

    /// <summary>Every layer after the first convolution; null once <paramref name="last"/> has been reported (a probe of
    /// early layers needs nothing after them).</summary>
    private Tensor? AfterConv1(Tensor conv1Output, Action<string, Tensor>? observe, string? last)
    {
        if (CoreAfterConv1(conv1Output, observe, last) is not { } x) return null;
        if (Step("readout", x = readout.call(Spec.Readout == ReadoutKind.Dense ? x.flatten(1) : x), observe, last)) return null;
        if (bn_out is not null && Step("bn_out", x = bn_out.call(x), observe, last)) return null;
        return nn.functional.softplus(x);
    }

    /// <summary>The first convolution of stimulus windows <c>(B, History, H, W)</c>.</summary>
    internal Tensor Conv1(Tensor input) => Conv(0, input);

    /// <summary>Layer <paramref name="layer"/>'s convolution (0-based), after its zero padding.</summary>
    private Tensor Conv(int layer, Tensor input)
    {
        int pad = PaddingOf(Spec, layer);
        return _convs[layer].call(pad > 0 ? nn.functional.pad(input, [pad, pad, pad, pad]) : input);
    }

    /// <summary>The core after the first convolution, up to relu2 (the maps the readout reads); null once
    /// <paramref name="last"/> has been reported.</summary>
    internal Tensor? CoreAfterConv1(Tensor conv1Output, Action<string, Tensor>? observe, string? last)
    {
        var x = conv1Output;
        for (int i = 0; i < _convs.Length; i++)
        {
            if (i > 0 && Step(_layers[3 * i], x = Conv(i, x), observe, last)) return null;
            if (i == 0 && Step(_layers[0], x, observe, last)) return null;
            if (Step(_layers[3 * i + 1], x = _bns[i].call(x), observe, last)) return null;
            x = _noises[i].call(x);
            x = Spec.Nonlinearity == CoreNonlinearity.Elu ? nn.functional.elu(x, 1.0) : nn.functional.relu(x);
            if (Step(_layers[3 * i + 2], x, observe, last)) return null;
        }
        return x;
    }

    /// <summary>A per-cell readout's drive (before softplus) from the core's maps.</summary>
    /// <exception cref="InvalidOperationException">The readout is dense or convolutional (they are followed by the output batch norm).</exception>
    internal Tensor ReadoutDrive(Tensor core) =>
        readout is IReadout ? readout.call(core) : throw new InvalidOperationException($"A {Spec.Readout} readout is not a per-cell readout.");

    private static bool Step(string name, Tensor t, Action<string, Tensor>? observe, string? last)
    {
        observe?.Invoke(name, t);
        return name == last;
    }

    /// <summary>
    /// For a linear-stacked model, the equivalent model with single convolutions (each stack collapsed into its one
    /// K×K kernel; batch norms, readout and running statistics copied). Its outputs equal this model's.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not stacked.</exception>
    public BnCnn Collapse()
    {
        if (!IsStacked) throw new InvalidOperationException("Only a linear-stacked model can be collapsed.");
        var collapsed = new BnCnn(Spec with { Kind = ModelKind.BnCnn }, stacked: false, absoluteScale: true);
        var device = _bns[0].Shift.device;
        collapsed.to(device);
        using var noGrad = torch.no_grad();
        var source = state_dict();
        var target = collapsed.state_dict();
        foreach (var (key, value) in source)
            if (!key.StartsWith("conv", StringComparison.Ordinal))
                target[key].copy_(value);
        for (int i = 0; i < _convs.Length; i++)
            CopyConv(((LinearStackedConv2d)_convs[i]).Collapse(), (FastConv2d)collapsed._convs[i]);
        collapsed.train(training);
        return collapsed;

        static void CopyConv(Conv2d from, FastConv2d to)
        {
            to.Weight.copy_(from.weight!);
            to.Bias!.copy_(from.bias!);
            from.Dispose();
        }
    }

    private static CellReadout ConvolutionalReadout(ModelSpec spec, int channels, int h2, int w2, double coreOffset)
    {
        var positions = spec.CellPositions ?? throw new ArgumentException("A convolutional readout needs CellPositions (receptive-field centres).");
        if (positions.Count != spec.Cells)
            throw new ArgumentException($"{positions.Count} cell positions for {spec.Cells} cells.");
        int mapH = h2 - spec.ReadoutKernel + 1, mapW = w2 - spec.ReadoutKernel + 1;
        if (mapH < 1 || mapW < 1) throw new ArgumentException($"Readout kernel {spec.ReadoutKernel} is larger than the {h2}x{w2} maps.");
        // A readout-map position m sees the core's maps from m to m + K_r - 1, centred at m + (K_r - 1) / 2, which see the
        // stimulus around that plus the core's offset (for the reference's valid 15, 11 and 11: m + (15 + 11 + 11 - 3) / 2).
        double offset = coreOffset + (spec.ReadoutKernel - 1) / 2.0;
        long Clamp(double v, int size) => Math.Clamp((long)Math.Round(v - offset), 0, size - 1);
        return new CellReadout(channels, spec.ReadoutKernel,
            positions.Select(p => Clamp(p.Row, mapH)).ToList(), positions.Select(p => Clamp(p.Column, mapW)).ToList(),
            spec.ReadoutBias, "readout");
    }
}
