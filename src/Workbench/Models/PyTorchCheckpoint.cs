using System.Globalization;
using TorchSharp;
using Workbench.Data;
using Workbench.Models.PyTorch;

namespace Workbench.Models;

/// <summary>
/// A model trained in PyTorch, loaded into the workbench's <see cref="BnCnn"/>: a torch-deep-retina checkpoint (the dict
/// its training saves every epoch: <c>model_type</c>, <c>hyps</c>, <c>model_state_dict</c>, <c>norm_stats</c>, ...) or a bare
/// <c>state_dict</c> saved with <c>torch.save</c>, of the reference's <c>BNCNN</c> or <c>LinearStackedBNCNN</c>.
/// </summary>
/// <remarks>
/// <para>The architecture comes from the weights' shapes and the hyperparameters (history, stimulus size, channels,
/// kernels, per-location or per-channel batch norm, dense or convolutional readout, biases, noise). A linear-stacked
/// model loads as a <see cref="ModelKind.Stacked"/> <see cref="BnCnn"/>; call <see cref="BnCnn.Collapse"/> for the
/// single-convolution model the analyses use. The model is returned in eval mode (batch norm uses the checkpoint's
/// running statistics); <c>train()</c> switches to batch statistics, as in PyTorch.</para>
/// <para>Reads PyTorch's zip format (PyTorch 1.6 and later) and the legacy format before it, with the numpy scalars and
/// arrays torch-deep-retina stores beside the tensors (a reader of our own, <c>PyTorch/TorchSaveReader</c>). Not read: whole pickled modules
/// (<c>torch.save(model)</c>), an error saying to save the state dict. Every error names the file, and for weights the
/// key, the shape found and the shape expected.</para>
/// </remarks>
public sealed class PyTorchCheckpoint : IDisposable
{
    private PyTorchCheckpoint(string path, BnCnn model, string? modelType, IReadOnlyDictionary<string, object?> hyperparameters,
        StimulusNormalisation? normalisation, IReadOnlyList<CellInfo> cells, int? epoch, double? validation, double? test, IReadOnlyList<string> notes)
    {
        Path = path;
        Model = model;
        ModelType = modelType;
        Hyperparameters = hyperparameters;
        Normalisation = normalisation;
        Cells = cells;
        Epoch = epoch;
        ValidationCorrelation = validation;
        TestCorrelation = test;
        Notes = notes;
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path { get; }

    /// <summary>The model, in eval mode (a <see cref="ModelKind.Stacked"/> one can be <see cref="BnCnn.Collapse"/>d).</summary>
    public BnCnn Model { get; }

    /// <summary>The architecture the weights describe.</summary>
    public ModelSpec Spec => Model.Spec;

    /// <summary>torch-deep-retina's <c>model_type</c> (e.g. <c>BNCNN</c>, <c>LinearStackedBNCNN</c>); null for a bare state dict.</summary>
    public string? ModelType { get; }

    /// <summary>The checkpoint's <c>hyps</c> (strings, longs, doubles, booleans, null, lists, dictionaries); empty for a bare state dict.</summary>
    public IReadOnlyDictionary<string, object?> Hyperparameters { get; }

    /// <summary>The stimulus normalisation the model was trained with (<c>norm_stats</c>: one mean and std of the training
    /// stimulus); apply it to new stimuli. Null when the file does not say.</summary>
    public StimulusNormalisation? Normalisation { get; }

    /// <summary>The cells in output order: indices from the <c>cells</c> hyperparameter (0..N−1 for "all" or when absent),
    /// with their receptive-field centres when <c>centers</c> gives them.</summary>
    public IReadOnlyList<CellInfo> Cells { get; }

    /// <summary>The epoch the checkpoint was saved at, if recorded.</summary>
    public int? Epoch { get; }

    /// <summary>Mean validation correlation when saved (<c>val_acc</c>), if recorded.</summary>
    public double? ValidationCorrelation { get; }

    /// <summary>Mean test correlation when saved (<c>test_pearson</c>), if recorded.</summary>
    public double? TestCorrelation { get; }

    /// <summary>What the loader did that a user should know (bias-free layers, |γ| folded, readout positions, ...).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <param name="path">A file written by <c>torch.save</c>: a torch-deep-retina checkpoint dict, or a state dict.</param>
    /// <param name="spec">Optional: the architecture, for a bare state dict whose stimulus is not square (or a convolutional
    /// readout without <c>centers</c>); everything the weights say is checked against it.</param>
    /// <param name="device">Where to put the model (CPU when null).</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file cannot be read, is not a BN-CNN, or its weights do not fit; the message
    /// names the file and the key, with the shapes found and expected.</exception>
    public static PyTorchCheckpoint Load(string path, ModelSpec? spec = null, torch.Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        var top = PyTorchFile.Read(path) as IReadOnlyDictionary<string, object?>
                  ?? throw new InvalidDataException($"{path}: its top level is not a dictionary (a state dict or a checkpoint dict).");
        IReadOnlyDictionary<string, object?> stateObject, hyps;
        string? modelType;
        if (top.Values.All(v => v is torch.Tensor))
        {
            stateObject = top;
            hyps = new Dictionary<string, object?>();
            modelType = null;
        }
        else if (top.TryGetValue("model_state_dict", out var sd) && sd is IReadOnlyDictionary<string, object?> nested)
        {
            stateObject = nested;
            hyps = Detensor(top.GetValueOrDefault("hyps") ?? top.GetValueOrDefault("model_hyps")) as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>();
            modelType = top.GetValueOrDefault("model_type") as string ?? hyps.GetValueOrDefault("model_type") as string;
        }
        else
            throw new InvalidDataException($"{path}: neither a state dict nor a checkpoint dict with 'model_state_dict'; its keys are {string.Join(", ", top.Keys.Order())}.");

        var nonTensor = stateObject.FirstOrDefault(kv => kv.Value is not torch.Tensor);
        if (nonTensor.Key is not null)
            throw new InvalidDataException($"{path}: state dict entry '{nonTensor.Key}' is not a tensor.");
        var state = stateObject.ToDictionary(kv => kv.Key, kv => (torch.Tensor)kv.Value!, StringComparer.Ordinal);
        state = StripPrefix(state, "module."); // saved from nn.DataParallel

        var (model, notes) = TorchDeepRetinaLayout.Load(path, state, hyps, spec);
        try
        {
            if (modelType is not null and not ("BNCNN" or "LinearStackedBNCNN"))
                notes.Add($"model_type '{modelType}' is not BNCNN or LinearStackedBNCNN; its layers matched the BN-CNN's, so it was loaded as {model.Spec.Kind}.");
            notes.AddRange(PrunedChannels(top.GetValueOrDefault("zero_dict"), state));
            if (device is not null) model.to(device);
            return new PyTorchCheckpoint(path, model, modelType, hyps, NormalisationOf(path, top), CellsOf(hyps, model.Spec.Cells),
                Integer(top.GetValueOrDefault("epoch")), Real(top.GetValueOrDefault("val_acc")), Real(top.GetValueOrDefault("test_pearson")), notes);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The sidecar facts for saving this model as a workbench checkpoint (<see cref="Checkpoint.Save"/>), so that
    /// <c>workbench evaluate</c> and notebooks can use it like a model trained here.</summary>
    public CheckpointInfo ToCheckpointInfo()
    {
        var extra = new Dictionary<string, string> { ["source"] = Path, ["sourceFormat"] = ModelType is null ? "PyTorch state_dict" : $"torch-deep-retina {ModelType} checkpoint" };
        foreach (var (key, value) in Hyperparameters) extra[$"hyps.{key}"] = Format(value);
        if (TestCorrelation is double test) extra["test_pearson"] = test.ToString("R", CultureInfo.InvariantCulture);
        return new CheckpointInfo(Spec, Normalisation, Cells, null, Epoch ?? 0, ValidationCorrelation, extra);
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();

    /// <summary>
    /// torch-deep-retina's <c>zero_dict</c> (layer → channels pruned by integrated gradients) is applied by zeroing those
    /// channels' weights during training, so the file already holds the zeros; say which, and whether they are zero.
    /// </summary>
    private static IEnumerable<string> PrunedChannels(object? zeroDict, IReadOnlyDictionary<string, torch.Tensor> state)
    {
        if (zeroDict is not IReadOnlyDictionary<string, object?> layers) yield break;
        foreach (var (layer, channels) in layers)
        {
            if (channels is not IList<object?> { Count: > 0 } list) continue;
            // A stack's pruned channel is an output channel of its last convolution; a plain convolution's, of itself.
            string? weightKey = state.Keys.Where(k => k.StartsWith(layer + ".", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal))
                .OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal).LastOrDefault();
            var indices = list.OfType<long>().ToList();
            bool zero = weightKey is not null && indices.All(c => c < state[weightKey].shape[0] && state[weightKey][c].abs().max().item<float>() == 0);
            yield return $"zero_dict: channels {string.Join(", ", indices)} of {layer} were pruned in training; " +
                (zero ? "their weights are zero in the file." : "their weights in the file are NOT all zero (used as saved).");
        }
    }

    private static Dictionary<string, torch.Tensor> StripPrefix(Dictionary<string, torch.Tensor> state, string prefix) =>
        state.Count > 0 && state.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal))
            ? state.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal)
            : state;

    private static StimulusNormalisation? NormalisationOf(string path, IReadOnlyDictionary<string, object?> top)
    {
        var stats = top.GetValueOrDefault("norm_stats");
        (object? mean, object? std) = stats switch
        {
            IReadOnlyDictionary<string, object?> d => (d.GetValueOrDefault("mean"), d.GetValueOrDefault("std")),
            IList<object?> { Count: 2 } l => (l[0], l[1]),
            null => (null, null),
            _ => throw new InvalidDataException($"{path}: norm_stats is neither {{mean, std}} nor [mean, std]."),
        };
        if (stats is null) return null;
        return Real(mean) is double m && Real(std) is double s && double.IsFinite(m) && double.IsFinite(s) && s > 0
            ? new StimulusNormalisation(m, s)
            : throw new InvalidDataException($"{path}: norm_stats must hold a finite mean and a positive std; found mean {Format(mean)}, std {Format(std)}.");
    }

    private static IReadOnlyList<CellInfo> CellsOf(IReadOnlyDictionary<string, object?> hyps, int count)
    {
        var indices = hyps.GetValueOrDefault("cells") is IList<object?> list && list.Count == count && list.All(c => c is long)
            ? list.Select(c => (int)(long)c!).ToList()
            : Enumerable.Range(0, count).ToList();
        var centres = TorchDeepRetinaLayout.Centres(hyps);
        return indices.Select((index, i) => centres is not null && centres.Count == count
            ? new CellInfo(index, CellInfo.NameOf(index), centres[i].Row, centres[i].Column)
            : new CellInfo(index, CellInfo.NameOf(index))).ToList();
    }

    /// <summary>Hyperparameters outlive the file's tensors: a one-element tensor becomes its number, a larger one a list.</summary>
    private static object? Detensor(object? value) => value switch
    {
        torch.Tensor { NumberOfElements: 1 } t => t.is_floating_point() ? t.to(torch.float64).item<double>() : t.to(torch.int64).item<long>(),
        torch.Tensor t => t.to(torch.float64).flatten().data<double>().ToArray().Select(d => (object?)d).ToList(),
        IReadOnlyDictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => Detensor(kv.Value), StringComparer.Ordinal),
        IList<object?> l => l.Select(Detensor).ToList(),
        _ => value,
    };

    private static double? Real(object? value) => value switch
    {
        double d => d,
        long l => l,
        bool => null,
        torch.Tensor { NumberOfElements: 1 } t => t.to(torch.float64).item<double>(),
        IList<object?> { Count: 1 } l => Real(l[0]),
        _ => null,
    };

    private static int? Integer(object? value) => value switch
    {
        long l => (int)l,
        torch.Tensor { NumberOfElements: 1 } t => (int)t.to(torch.int64).item<long>(),
        _ => null,
    };

    private static string Format(object? value) => value switch
    {
        null => "None",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        IReadOnlyDictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => $"{kv.Key}: {Format(kv.Value)}")) + "}",
        IList<object?> l => "[" + string.Join(", ", l.Select(Format)) + "]",
        torch.Tensor t => $"tensor{string.Join("x", t.shape)}",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
