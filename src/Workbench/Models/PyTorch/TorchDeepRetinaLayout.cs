using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using Workbench.Data;
using Workbench.Models.Layers;
using static TorchSharp.torch;

namespace Workbench.Models.PyTorch;

/// <summary>
/// Maps the state dict of torch-deep-retina's <c>BNCNN</c> and <c>LinearStackedBNCNN</c> (one <c>nn.Sequential</c> named
/// <c>sequential</c>) onto the workbench's <see cref="BnCnn"/>: finds the layers by their parameters, works out the
/// architecture from their shapes (and the hyperparameters, where the shapes leave it open), builds the model and copies
/// every tensor, checking each shape.
/// </summary>
/// <remarks>
/// The layers are recognised by what they hold, not by their index, because the index of each layer differs between
/// versions of torch-deep-retina (Flatten/Reshape placement, dropout inside the stacks):
/// <list type="bullet">
/// <item>convolution: <c>weight</c> (4-D) [+ <c>bias</c>]; linear-stacked convolution: <c>convs.J.weight</c> [+ the last's bias];</item>
/// <item>batch norm: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c> [+ <c>num_batches_tracked</c>];
/// |γ| batch norm (<c>AbsBatchNorm1d/2d</c>): <c>scale</c>, <c>shift</c>, <c>running_mean</c>, <c>running_var</c>;</item>
/// <item>Gaussian noise: <c>sigma</c> (its std); linear readout: <c>weight</c> (2-D) [+ <c>bias</c>].</item>
/// </list>
/// The order must be convolution, batch norm, convolution, batch norm, readout (linear, or a convolution read out per cell),
/// batch norm, with noise anywhere. Every error names the file, the key and what was expected.
/// </remarks>
internal static partial class TorchDeepRetinaLayout
{
    private enum Kind { Conv, StackedConv, BatchNorm, AbsBatchNorm, Noise, Linear }

    private sealed record SourceModule(int Index, Kind Kind, IReadOnlyDictionary<string, Tensor> Tensors)
    {
        public string Key(string name) => $"sequential.{Index}.{name}";

        public Tensor this[string name] => Tensors[name];

        public string Describe() => Kind switch
        {
            Kind.Conv => "convolution", Kind.StackedConv => "linear-stacked convolution", Kind.BatchNorm => "batch norm",
            Kind.AbsBatchNorm => "|γ| batch norm", Kind.Noise => "Gaussian noise", _ => "linear",
        } + $" (sequential.{Index})";

        public bool IsBatchNorm => Kind is Kind.BatchNorm or Kind.AbsBatchNorm;

        public bool IsConv => Kind is Kind.Conv or Kind.StackedConv;

        /// <summary>The stacked convolutions in order: (key name, weight, bias).</summary>
        public List<(int J, Tensor Weight, Tensor? Bias)> Stack() =>
            Tensors.Keys.Select(k => StackKey().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
                .Distinct().Order().Select(j => (j, Tensors[$"convs.{j}.weight"], Tensors.GetValueOrDefault($"convs.{j}.bias"))).ToList();

        public long Features => (IsBatchNorm ? Tensors["running_mean"] : Tensors["weight"]).shape[0];
    }

    /// <summary>What the mapping found out besides the weights.</summary>
    internal sealed record Result(BnCnn Model, List<string> Notes);

    [GeneratedRegex(@"^sequential\.(\d+)\.(.+)$")]
    private static partial Regex SequentialKey();

    [GeneratedRegex(@"^convs\.(\d+)\.(weight|bias)$")]
    private static partial Regex StackKey();

    /// <summary>Builds the model the state dict describes and loads it.</summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="state">The state dict (key → tensor).</param>
    /// <param name="hyps">torch-deep-retina's hyperparameters, if the file has them.</param>
    /// <param name="given">A spec from the caller (needed for a bare state dict whose stimulus is not square); checked against the file.</param>
    public static Result Load(string path, IReadOnlyDictionary<string, Tensor> state, IReadOnlyDictionary<string, object?> hyps, ModelSpec? given)
    {
        var notes = new List<string>();
        CheckHyperparameters(path, hyps, notes);
        var modules = Modules(path, state);
        var noise = modules.Where(m => m.Kind == Kind.Noise).ToList();
        var layers = modules.Where(m => m.Kind != Kind.Noise).ToList();
        string found = string.Join(", ", layers.Select(m => m.Describe()));
        if (layers.Count != 6 || !layers[0].IsConv || !layers[1].IsBatchNorm || !layers[2].IsConv || !layers[3].IsBatchNorm
            || layers[4].Kind is not (Kind.Linear or Kind.Conv) || !layers[5].IsBatchNorm)
            throw new InvalidDataException($"{path}: the state dict is not a BN-CNN: expected convolution, batch norm, convolution, batch norm, " +
                $"readout (linear or convolution), batch norm; found {found}.");
        var (conv1, bn1, conv2, bn2, readout, bnOut) = (layers[0], layers[1], layers[2], layers[3], layers[4], layers[5]);
        if (conv1.Kind != conv2.Kind)
            throw new InvalidDataException($"{path}: {conv1.Describe()} and {conv2.Describe()} differ; the workbench's models stack both layers or neither.");
        bool stacked = conv1.Kind == Kind.StackedConv;

        var (c1, history, k1) = ConvShape(path, conv1, null);
        var (c2, _, k2) = ConvShape(path, conv2, c1);
        var mode = BatchNormModeOf(path, bn1, c1);
        if (BatchNormModeOf(path, bn2, c2) != mode)
            throw new InvalidDataException($"{path}: {bn1.Describe()} and {bn2.Describe()} normalise differently (per channel vs per location); the workbench uses one kind for both.");
        long cells = bnOut.Features;
        bool dense = readout.Kind == Kind.Linear;
        int readoutKernel = dense ? new ModelSpec().ReadoutKernel : (int)readout["weight"].shape[^1];

        var (height, width) = Geometry(path, hyps, given, history, c1, k1, c2, k2, mode == BatchNormMode.PerLocation ? bn1.Features : -1, dense ? readout["weight"].shape[1] : -1);
        double noiseStd = Number(hyps, "noise") ?? (noise.Count > 0 ? (double)(decimal)noise[0]["sigma"].to(float32).item<float>() : new ModelSpec().Noise);
        var spec = new ModelSpec
        {
            Kind = stacked ? ModelKind.Stacked : ModelKind.BnCnn,
            History = (int)history, Height = height, Width = width, Cells = (int)cells,
            Channels = [(int)c1, (int)c2], Kernels = [k1, k2], BatchNorm = mode,
            Readout = dense ? ReadoutKind.Dense : ReadoutKind.Convolutional, ReadoutKernel = readoutKernel,
            ReadoutBias = readout.Tensors.ContainsKey("bias"), Noise = noiseStd,
        };
        if (!dense) spec = spec with { CellPositions = ReadoutPositions(path, hyps, given, spec, notes) };
        if (given is not null) CheckGiven(path, spec, given);

        var model = new BnCnn(spec);
        try
        {
            Copy(path, model, spec, conv1, bn1, conv2, bn2, readout, bnOut, notes);
            model.eval();
            return new Result(model, notes);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static void CheckHyperparameters(string path, IReadOnlyDictionary<string, object?> hyps, List<string> notes)
    {
        // The workbench's BN-CNN has ReLU, softplus output and no inference exp: a checkpoint trained otherwise would load
        // without complaint and predict something else, so these are refused by name.
        if (hyps.TryGetValue("activ_fxn", out var activation) && activation is string a && a != "ReLU")
            throw new InvalidDataException($"{path}: hyperparameter activ_fxn is '{a}'; the workbench's BN-CNN uses ReLU.");
        if (hyps.TryGetValue("softplus", out var softplus) && softplus is false)
            throw new InvalidDataException($"{path}: hyperparameter softplus is False (exponential output); the workbench's BN-CNN ends in softplus.");
        if (hyps.TryGetValue("inference_exp", out var exp) && exp is true)
            throw new InvalidDataException($"{path}: hyperparameter inference_exp is True; the workbench's BN-CNN has no exponential at inference.");
        if (hyps.TryGetValue("one2one", out var one2one) && one2one is true)
            throw new InvalidDataException($"{path}: hyperparameter one2one is True (OneToOneLinearStackedConv2d); only stacks with cross-talk are supported.");
        if (Number(hyps, "bn_moment") is double moment && Math.Abs(moment - 0.01) > 1e-12)
            notes.Add($"bn_moment {moment.ToString(CultureInfo.InvariantCulture)} in the checkpoint; the workbench's batch norms use momentum 0.01 (it matters only for further training).");
    }

    /// <summary>Groups the keys by module index and recognises each module.</summary>
    private static List<SourceModule> Modules(string path, IReadOnlyDictionary<string, Tensor> state)
    {
        var groups = new SortedDictionary<int, Dictionary<string, Tensor>>();
        foreach (var (key, tensor) in state)
        {
            var match = SequentialKey().Match(key);
            if (!match.Success)
                throw new InvalidDataException($"{path}: unexpected key '{key}' {Shape(tensor)}: torch-deep-retina's BNCNN and LinearStackedBNCNN keep every weight under 'sequential.<index>.'.");
            int index = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!groups.TryGetValue(index, out var group)) groups[index] = group = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            group[match.Groups[2].Value] = tensor;
        }
        return groups.Select(g => new SourceModule(g.Key, Classify(path, g.Key, g.Value), g.Value)).ToList();
    }

    private static Kind Classify(string path, int index, Dictionary<string, Tensor> t)
    {
        var keys = t.Keys.ToHashSet(StringComparer.Ordinal);
        bool Is(params string[] names) => keys.SetEquals(names);
        if (keys.Any(k => k.StartsWith("convs.", StringComparison.Ordinal)))
        {
            var bad = keys.FirstOrDefault(k => !StackKey().IsMatch(k));
            if (bad is not null)
                throw new InvalidDataException($"{path}: unexpected key 'sequential.{index}.{bad}' {Shape(t[bad])} inside a linear-stacked convolution: " +
                    "only its convolutions (convs.J.weight, convs.J.bias) are supported, not batch norms between them (abs_bnorm).");
            return Kind.StackedConv;
        }
        if ((Is("weight") || Is("weight", "bias")) && t["weight"].dim() == 4) return Kind.Conv;
        if ((Is("weight") || Is("weight", "bias")) && t["weight"].dim() == 2) return Kind.Linear;
        if (Is("weight", "bias", "running_mean", "running_var") || Is("weight", "bias", "running_mean", "running_var", "num_batches_tracked")) return Kind.BatchNorm;
        if (Is("scale", "shift", "running_mean", "running_var")) return Kind.AbsBatchNorm;
        if (Is("sigma")) return Kind.Noise;
        if (keys.Contains("running_mean") || keys.Contains("running_var"))
        {
            string[] wanted = keys.Contains("scale") || keys.Contains("shift") ? ["scale", "shift", "running_mean", "running_var"] : ["weight", "bias", "running_mean", "running_var"];
            var missing = wanted.Where(k => !keys.Contains(k)).ToList();
            var extra = keys.Where(k => !wanted.Contains(k) && k != "num_batches_tracked").ToList();
            throw new InvalidDataException($"{path}: batch norm sequential.{index} " +
                string.Join("; ", new[] { missing.Count > 0 ? $"lacks {string.Join(", ", missing.Select(k => $"sequential.{index}.{k}"))}" : null,
                    extra.Count > 0 ? $"has unexpected {string.Join(", ", extra.Select(k => $"sequential.{index}.{k} {Shape(t[k])}"))}" : null }.Where(x => x is not null)) +
                $" (a batch norm holds {string.Join(", ", wanted)}).");
        }
        throw new InvalidDataException($"{path}: module sequential.{index} holds {string.Join(", ", t.Select(kv => $"{kv.Key} {Shape(kv.Value)}"))}: " +
            "none of the layers of a BN-CNN (convolution, linear-stacked convolution, batch norm, |γ| batch norm, Gaussian noise, linear).");
    }

    /// <summary>Output channels, input channels and effective kernel of a (stacked) convolution, checking every tensor's shape.</summary>
    private static (long Out, long In, int Kernel) ConvShape(string path, SourceModule m, long? inChannels)
    {
        if (m.Kind == Kind.Conv)
        {
            var w = m["weight"];
            if (w.shape[2] != w.shape[3])
                throw new InvalidDataException($"{path}: {m.Key("weight")} has shape {Shape(w)}; the workbench's convolutions have square kernels.");
            if (inChannels is long cin && w.shape[1] != cin)
                throw new InvalidDataException($"{path}: {m.Key("weight")} has shape {Shape(w)}, expected [{w.shape[0]}, {cin}, {w.shape[2]}, {w.shape[3]}] (the layer before has {cin} channels).");
            if (w.shape[2] % 2 == 0)
                throw new InvalidDataException($"{path}: {m.Key("weight")} has shape {Shape(w)}; the workbench's models need odd kernels.");
            ExpectBias(path, m, "bias", w.shape[0]);
            return (w.shape[0], w.shape[1], (int)w.shape[2]);
        }
        var stack = m.Stack();
        long cout = stack[^1].Weight.shape[0];
        long input = inChannels ?? stack[0].Weight.shape[1];
        for (int i = 0; i < stack.Count; i++)
        {
            var (j, weight, bias) = stack[i];
            long[] expected = [cout, i == 0 ? input : cout, 3, 3];
            if (!weight.shape.SequenceEqual(expected))
                throw new InvalidDataException($"{path}: {m.Key($"convs.{j}.weight")} has shape {Shape(weight)}, expected [{string.Join(", ", expected)}]: " +
                    "the workbench's stacks are 3x3 convolutions whose inner channels are the output channels.");
            if (bias is not null && i != stack.Count - 1)
                throw new InvalidDataException($"{path}: {m.Key($"convs.{j}.bias")} is a bias inside a linear stack (conv_bias); only the last convolution may have one.");
            if (i == stack.Count - 1) ExpectBias(path, m, $"convs.{j}.bias", cout);
        }
        return (cout, input, 3 + 2 * (stack.Count - 1));
    }

    private static void ExpectBias(string path, SourceModule m, string name, long channels)
    {
        if (m.Tensors.TryGetValue(name, out var bias) && !bias.shape.SequenceEqual([channels]))
            throw new InvalidDataException($"{path}: {m.Key(name)} has shape {Shape(bias)}, expected [{channels}].");
    }

    private static BatchNormMode BatchNormModeOf(string path, SourceModule bn, long channels)
    {
        long features = bn.Features;
        foreach (var (name, tensor) in bn.Tensors.Where(kv => kv.Key != "num_batches_tracked"))
            if (!tensor.shape.SequenceEqual([features]))
                throw new InvalidDataException($"{path}: {bn.Key(name)} has shape {Shape(tensor)}, expected [{features}] like the layer's running_mean.");
        if (features == channels) return BatchNormMode.PerChannel;
        if (features % channels != 0)
            throw new InvalidDataException($"{path}: {bn.Key("running_mean")} has shape [{features}]: neither one per channel ({channels}) nor one per channel and location (a multiple of {channels}).");
        return BatchNormMode.PerLocation;
    }

    /// <summary>The stimulus height and width: from the caller's spec, else the hyperparameters' img_shape, else (square) from the shapes.</summary>
    private static (int Height, int Width) Geometry(string path, IReadOnlyDictionary<string, object?> hyps, ModelSpec? given,
        long history, long c1, int k1, long c2, int k2, long bn1Features, long readoutInputs)
    {
        if (given is not null) return (given.Height, given.Width);
        if (hyps.TryGetValue("img_shape", out var shapeValue) && shapeValue is IList<object?> shape && shape.Count == 3)
        {
            var dims = shape.Select(d => System.Convert.ToInt64(d, CultureInfo.InvariantCulture)).ToArray();
            if (dims[0] != history)
                throw new InvalidDataException($"{path}: hyperparameter img_shape is [{string.Join(", ", dims)}] but the first convolution takes {history} frames.");
            return ((int)dims[1], (int)dims[2]);
        }
        // A bare state dict: per-location batch norm gives h1·w1, a dense readout h2·w2; square is the only reading left.
        long side = -1;
        if (bn1Features > 0 && IsSquare(bn1Features / c1, out long h1)) side = h1 + k1 - 1;
        else if (readoutInputs > 0 && readoutInputs % c2 == 0 && IsSquare(readoutInputs / c2, out long h2)) side = h2 + k1 + k2 - 2;
        if (side < 1)
            throw new InvalidDataException($"{path}: the stimulus size cannot be read from the weights (no img_shape hyperparameter, and the layer sizes " +
                "do not fit a square stimulus); pass a ModelSpec with Height and Width.");
        return ((int)side, (int)side);

        static bool IsSquare(long n, out long root)
        {
            root = (long)Math.Round(Math.Sqrt(n));
            return n > 0 && root * root == n;
        }
    }

    /// <summary>
    /// Positions for the convolutional readout that make the workbench read each cell where torch-deep-retina's
    /// <c>GrabUnits</c> does: its coordinates, computed as it computes them (its offset arithmetic and Python's negative
    /// indices included), shifted by the readout's own offset so that <see cref="CellReadout"/> lands on the same map index.
    /// </summary>
    private static IReadOnlyList<CellPosition> ReadoutPositions(string path, IReadOnlyDictionary<string, object?> hyps, ModelSpec? given, ModelSpec spec, List<string> notes)
    {
        var centres = Centres(hyps);
        if (centres is null)
        {
            if (given?.CellPositions is { } positions) return positions;
            throw new InvalidDataException($"{path}: a convolutional readout (convgc) needs the cells' receptive-field centres: the file has no 'centers' hyperparameter; pass a ModelSpec with CellPositions.");
        }
        if (centres.Count != spec.Cells)
            throw new InvalidDataException($"{path}: hyperparameter centers has {centres.Count} entries for {spec.Cells} cells.");
        int k1 = spec.Kernels[0], k2 = spec.Kernels[1], kr = spec.ReadoutKernel;
        long h2 = spec.Height - k1 - k2 + 2, w2 = spec.Width - k1 - k2 + 2;
        long mapH = h2 - kr + 1, mapW = w2 - kr + 1;
        int half = (k1 - 1) + (k2 - 1) + (kr / 2 - 1) + 1;
        double offset = (k1 + k2 + kr - 3) / 2.0;
        var result = new List<CellPosition>();
        foreach (var (row, column) in centres)
        {
            long r = Math.Min(Math.Max(0, row - half), spec.Height - 2 * (half - 1));
            long c = Math.Min(Math.Max(0, column - half), spec.Width - 2 * (half - 1));
            r = r < 0 ? r + mapH : r;
            c = c < 0 ? c + mapW : c;
            if (r < 0 || r >= mapH || c < 0 || c >= mapW)
                throw new InvalidDataException($"{path}: the centre ({row}, {column}) falls outside the {mapH}x{mapW} readout map where torch-deep-retina reads it.");
            result.Add(new CellPosition(r + offset, c + offset));
        }
        notes.Add("Convolutional readout: each cell is read where torch-deep-retina's GrabUnits reads it (map " +
            string.Join(", ", result.Select(p => $"({p.Row - offset}, {p.Column - offset})")) + "), not at its receptive-field centre; " +
            "the true centres are in Cells.");
        return result;
    }

    /// <summary>The cells' (row, column) centres from the hyperparameters, if given.</summary>
    internal static List<(long Row, long Column)>? Centres(IReadOnlyDictionary<string, object?> hyps) =>
        hyps.TryGetValue("centers", out var value) && value is IList<object?> list && list.All(e => e is IList<object?> { Count: 2 })
            ? list.Cast<IList<object?>>().Select(e => (System.Convert.ToInt64(e[0], CultureInfo.InvariantCulture), System.Convert.ToInt64(e[1], CultureInfo.InvariantCulture))).ToList()
            : null;

    private static void CheckGiven(string path, ModelSpec found, ModelSpec given)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T a, T b) { if (!EqualityComparer<T>.Default.Equals(a, b)) differences.Add($"{name}: file {a}, spec {b}"); }
        Compare("Kind", found.Kind, given.Kind);
        Compare("History", found.History, given.History);
        Compare("Cells", found.Cells, given.Cells);
        Compare("Channels", string.Join("/", found.Channels), string.Join("/", given.Channels));
        Compare("Kernels", string.Join("/", found.Kernels), string.Join("/", given.Kernels));
        Compare("BatchNorm", found.BatchNorm, given.BatchNorm);
        Compare("Readout", found.Readout, given.Readout);
        if (found.Readout == ReadoutKind.Convolutional) Compare("ReadoutKernel", found.ReadoutKernel, given.ReadoutKernel);
        Compare("ReadoutBias", found.ReadoutBias, given.ReadoutBias);
        if (differences.Count > 0)
            throw new InvalidDataException($"{path}: the weights describe another model than the spec given: {string.Join("; ", differences)}.");
    }

    private static void Copy(string path, BnCnn model, ModelSpec spec, SourceModule conv1, SourceModule bn1, SourceModule conv2, SourceModule bn2,
        SourceModule readout, SourceModule bnOut, List<string> notes)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var target = model.state_dict();
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        bool stacked = spec.Kind == ModelKind.Stacked;

        void Set(string ours, Tensor value, string theirs, string why)
        {
            var t = target[ours];
            if (!t.shape.SequenceEqual(value.shape))
                throw new InvalidDataException($"{path}: {theirs} has shape {Shape(value)}, expected {Shape(t)} for {ours} ({why}).");
            if (value.is_floating_point() && !value.isfinite().all().item<bool>())
                throw new InvalidDataException($"{path}: {theirs} holds NaN or infinite values; the file is damaged.");
            t.copy_(value.to(t.dtype));
            assigned.Add(ours);
        }

        void Conv(string ours, SourceModule m)
        {
            string why = $"{spec.Kind} {ours} of the {spec.Height}x{spec.Width} stimulus";
            if (m.Kind == Kind.Conv)
            {
                Set($"{ours}.weight", m["weight"], m.Key("weight"), why);
                if (m.Tensors.TryGetValue("bias", out var bias)) Set($"{ours}.bias", bias, m.Key("bias"), why);
                else { target[$"{ours}.bias"].zero_(); assigned.Add($"{ours}.bias"); notes.Add($"{m.Key("weight")} has no bias (bias False): {ours}'s bias is 0."); }
                return;
            }
            var stack = m.Stack();
            for (int i = 0; i < stack.Count; i++)
            {
                Set($"{ours}.convs.{i}.weight", stack[i].Weight, m.Key($"convs.{stack[i].J}.weight"), why);
                if (i == stack.Count - 1)
                {
                    if (stack[i].Bias is { } bias) Set($"{ours}.convs.{i}.bias", bias, m.Key($"convs.{stack[i].J}.bias"), why);
                    else { target[$"{ours}.convs.{i}.bias"].zero_(); assigned.Add($"{ours}.convs.{i}.bias"); notes.Add($"{m.Key($"convs.{stack[i].J}.weight")} has no bias (bias False): {ours}'s bias is 0."); }
                }
            }
        }

        void BatchNorm(string ours, SourceModule m, bool absoluteScale)
        {
            string why = $"{spec.BatchNorm} batch norm of {spec.Kind}";
            var (scaleName, shiftName) = m.Kind == Kind.AbsBatchNorm ? ("scale", "shift") : ("weight", "bias");
            var scale = m[scaleName];
            if (m.Kind == Kind.AbsBatchNorm && !absoluteScale) scale = scale.abs(); // |γ| applied by them; a plain γ = |γ| here
            else if (m.Kind == Kind.BatchNorm && absoluteScale && (scale < 0).any().item<bool>())
                throw new InvalidDataException($"{path}: {m.Key(scaleName)} has negative scales, but the workbench's {ours} applies |γ| (a linear-stacked model); such a checkpoint cannot be represented.");
            Set($"{ours}.weight", scale, m.Key(scaleName), why);
            Set($"{ours}.bias", m[shiftName], m.Key(shiftName), why);
            Set($"{ours}.running_mean", m["running_mean"], m.Key("running_mean"), why);
            Set($"{ours}.running_var", m["running_var"], m.Key("running_var"), why);
            if (target.TryGetValue($"{ours}.num_batches_tracked", out var tracked))
            {
                if (m.Tensors.TryGetValue("num_batches_tracked", out var n)) tracked.copy_(n.to(tracked.dtype).view(tracked.shape));
                assigned.Add($"{ours}.num_batches_tracked");
            }
        }

        Conv("conv1", conv1);
        BatchNorm("bn1", bn1, stacked);
        Conv("conv2", conv2);
        BatchNorm("bn2", bn2, stacked);
        string readoutName = spec.Readout == ReadoutKind.Dense ? "readout" : "readout.conv";
        string readoutWhy = spec.Readout == ReadoutKind.Dense ? $"dense readout of {spec.Channels[1]} maps of the {spec.Height}x{spec.Width} stimulus" : "convolutional readout";
        Set($"{readoutName}.weight", readout["weight"], readout.Key("weight"), readoutWhy);
        if (readout.Tensors.TryGetValue("bias", out var readoutBias)) Set($"{readoutName}.bias", readoutBias, readout.Key("bias"), readoutWhy);
        BatchNorm("bn_out", bnOut, absoluteScale: false);
        if (bnOut.Kind == Kind.AbsBatchNorm)
            notes.Add($"{bnOut.Key("scale")} is applied as |γ| in torch-deep-retina; bn_out holds |γ| (the same outputs; further training would let it change sign).");
        assigned.UnionWith(["readout.rows", "readout.columns"]); // from the spec (the cells' map positions), not from the file

        var missed = target.Keys.Where(k => !assigned.Contains(k)).ToList();
        if (missed.Count > 0)
            throw new InvalidOperationException($"{path}: nothing in the file was mapped to {string.Join(", ", missed)} (a gap in the mapping, not the file's fault).");
    }

    private static double? Number(IReadOnlyDictionary<string, object?> hyps, string key) =>
        hyps.TryGetValue(key, out var v) ? v switch { double d => d, long l => l, int i => i, float f => f, _ => null } : null;

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
