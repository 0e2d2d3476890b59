using TorchSharp;
using Workbench.Models.Layers;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>
/// One BN-CNN core shared by several recordings, each with its own per-cell readout (Lurz et al. 2021; openretina's
/// multi-session models): the core learns from every recording's cells, a readout only from its own.
/// </summary>
/// <remarks>
/// <para>As a <see cref="RetinaModel"/> it predicts every cell of every recording for one stimulus, in the order of
/// <see cref="ModelSpec.Recordings"/>: <c>(B, Spec.Cells)</c>. So every analysis of the workbench runs on it unchanged, and
/// <see cref="For(string)"/> gives one recording's model (a <see cref="BnCnn"/> that uses this core's own modules, not a copy) to
/// train, evaluate or transfer from.</para>
/// <para>Readouts are per cell (factorized or Gaussian): a dense readout's output batch norm would be a second per-recording
/// state. Weights are saved as <c>conv1.…</c>, <c>bn1.…</c>, <c>conv2.…</c>, … (the core, as in a <see cref="BnCnn"/>) and
/// <c>readouts.{id}.…</c>.</para>
/// </remarks>
public sealed class SharedCoreModel : RetinaModel
{
    private readonly BnCnn[] _views; // not registered: their modules are registered here, each once
    private readonly int[] _starts;

    /// <summary>Builds the model <paramref name="spec"/> describes: kind BN-CNN or stacked, <see cref="ModelSpec.Recordings"/>
    /// set, a factorized or Gaussian readout.</summary>
    /// <exception cref="ArgumentException">The spec names no recordings, repeats or misspells an id, its cell count is not
    /// their sum, or its readout is not per cell.</exception>
    public SharedCoreModel(ModelSpec spec) : base("SharedCoreModel", spec)
    {
        var recordings = spec.Recordings;
        if (recordings is null || recordings.Count == 0)
            throw new ArgumentException("A shared core needs ModelSpec.Recordings: each recording's id and cell count.", nameof(spec));
        if (spec.Kind is not (ModelKind.BnCnn or ModelKind.Stacked))
            throw new ArgumentException($"A shared core is a BN-CNN or stacked BN-CNN core, not {spec.Kind}.", nameof(spec));
        if (spec.Readout is not (ReadoutKind.Gaussian or ReadoutKind.Factorized))
            throw new ArgumentException($"A core shared by recordings takes a per-cell readout (gaussian or factorized), not {spec.Readout}: a dense readout's output batch norm would mix recordings.", nameof(spec));
        foreach (var r in recordings)
        {
            if (!RecordingCells.IsValidId(r.Id)) throw new ArgumentException($"Recording id '{r.Id}': use letters, digits, '-' and '_' only.", nameof(spec));
            if (r.Cells < 1) throw new ArgumentException($"Recording '{r.Id}' has {r.Cells} cells; at least one is needed.", nameof(spec));
        }
        if (recordings.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"Recording id '{twice.Key}' appears {twice.Count()} times.", nameof(spec));
        if (recordings.Sum(r => r.Cells) != spec.Cells)
            throw new ArgumentException($"Cells is {spec.Cells} but the recordings have {recordings.Sum(r => r.Cells)} ({string.Join(", ", recordings.Select(r => $"{r.Id} {r.Cells}"))}).", nameof(spec));

        _views = new BnCnn[recordings.Count];
        _starts = new int[recordings.Count];
        for (int i = 0, start = 0; i < recordings.Count; start += recordings[i].Cells, i++)
        {
            var view = ViewSpec(recordings[i]);
            _views[i] = i == 0 ? new BnCnn(view) : new BnCnn(view, _views[0]);
            _starts[i] = start;
        }
        foreach (var (name, module) in _views[0].CoreModules()) register_module(name, module);
        var readouts = new TorchSharp.Modules.ModuleDict<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < recordings.Count; i++) readouts.Add(recordings[i].Id, _views[i].Readout);
        register_module("readouts", readouts);
    }

    /// <summary>A shared-core spec: <paramref name="spec"/>'s architecture (its readout per cell: Gaussian unless factorized)
    /// over <paramref name="recordings"/>.</summary>
    public static ModelSpec SpecFor(ModelSpec spec, IReadOnlyList<RecordingCells> recordings) => spec with
    {
        Recordings = recordings,
        Cells = recordings.Sum(r => r.Cells),
        CellPositions = null,
        Readout = spec.Readout == ReadoutKind.Factorized ? ReadoutKind.Factorized : ReadoutKind.Gaussian,
    };

    /// <summary>The recordings' ids, in output order.</summary>
    public IReadOnlyList<string> RecordingIds => Spec.Recordings!.Select(r => r.Id).ToList();

    /// <summary>The model of one recording's cells: this core (the same modules, so training it trains this model) and
    /// that recording's readout. Owned by this model: do not dispose it.</summary>
    /// <exception cref="ArgumentException">No recording has that id.</exception>
    public BnCnn For(string id) => _views[IndexOf(id)];

    /// <summary>Where recording <paramref name="id"/>'s cells are in this model's output: (first column, count).</summary>
    public (int Start, int Count) CellRange(string id)
    {
        int i = IndexOf(id);
        return (_starts[i], Spec.Recordings![i].Cells);
    }

    /// <summary>The core, as a <see cref="BnCnn"/> to copy or freeze (<see cref="BnCnn.CopyCoreFrom"/>, transfer): the first
    /// recording's model.</summary>
    public BnCnn Core => _views[0];

    /// <summary>The shape of the maps the readouts read, (C, H, W).</summary>
    public (int Channels, int Height, int Width) CoreShape => _views[0].CoreShape;

    /// <summary>Stimulus checkers from a core map position to the centre of the stimulus region it sees.</summary>
    public double CoreOffset => _views[0].CoreOffset;

    /// <inheritdoc/>
    public override IReadOnlyList<string> LayerNames => _views[0].LayerNames;

    /// <inheritdoc/>
    public override bool StartsAtMeanRates => true;

    /// <inheritdoc/>
    /// <remarks>Each recording's slice of <paramref name="meanRates"/> starts its own readout.</remarks>
    public override bool CalibrateOutput(Tensor meanRates)
    {
        for (int i = 0; i < _views.Length; i++) _views[i].CalibrateOutput(meanRates.narrow(0, _starts[i], _views[i].Spec.Cells));
        return true;
    }

    /// <inheritdoc/>
    /// <remarks>The sum of the readouts' penalties. Training on one recording's batch adds only that readout's (see
    /// <see cref="Training.Trainer.Train(SharedCoreModel, IReadOnlyList{Data.Recording}, Training.TrainingOptions, Training.TrainingContext?)"/>).</remarks>
    public override Tensor? Regularisation()
    {
        Tensor? sum = null;
        foreach (var view in _views)
            if (view.Regularisation() is { } p) sum = sum is null ? p : sum + p;
        return sum;
    }

    /// <inheritdoc/>
    public override void train(bool on = true)
    {
        base.train(on);
        foreach (var view in _views) view.train(on);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor input, Action<string, Tensor>? observe)
    {
        CheckInput(input);
        using var scope = torch.NewDisposeScope();
        var core = _views[0].CoreAfterConv1(_views[0].Conv1(input), observe, null)!;
        return Heads(core, observe, null)!.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    /// <remarks>The core runs once over the movie (its first layer as one space-time convolution, as the BN-CNN's).</remarks>
    protected override Tensor? ForwardMovie(Tensor frames, Action<string, Tensor>? observe, string? last)
    {
        if (!_views[0].CanSlide(frames)) return base.ForwardMovie(frames, observe, last);
        using var scope = torch.NewDisposeScope();
        if (_views[0].CoreAfterConv1(_views[0].SlidingConv1(frames), observe, last) is not { } core) return null;
        return Heads(core, observe, last)?.MoveToOuterDisposeScope();
    }

    private Tensor? Heads(Tensor core, Action<string, Tensor>? observe, string? last)
    {
        var drive = torch.cat(_views.Select(v => v.ReadoutDrive(core)).ToArray(), 1);
        observe?.Invoke("readout", drive);
        return last == "readout" ? null : nn.functional.softplus(drive);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var view in _views) view.DisposeCaches();
        base.Dispose(disposing);
    }

    private ModelSpec ViewSpec(RecordingCells recording) => Spec with { Recordings = null, Cells = recording.Cells, CellPositions = null };

    private int IndexOf(string id)
    {
        var recordings = Spec.Recordings!;
        for (int i = 0; i < recordings.Count; i++)
            if (recordings[i].Id == id) return i;
        throw new ArgumentException($"This model has no recording '{id}'; its recordings are {string.Join(", ", recordings.Select(r => r.Id))}.", nameof(id));
    }
}
