using TorchSharp;

namespace Workbench.Data;

/// <summary>
/// The history windows of a recording, as a strided <em>view</em> of its stimulus: window <c>k</c> holds frames
/// <c>k … k + History - 1</c> (the last one most recent) and is paired with response bin <c>k + History</c>.
/// </summary>
/// <remarks>
/// Nothing is copied until <see cref="Batch"/> gathers the windows a batch asks for: a 50-minute 50×50 recording would be
/// 120 GB as materialised windows, and is 3 GB as a stimulus.
/// <para>With a <see cref="Crop"/> (a model that reads only part of each frame, <see cref="Models.RetinaModel.InputRegion"/>)
/// batches hold only that rectangle of each frame: an LN model's cutouts of a 32×32 stimulus read 60 % of it, and gathering
/// whole frames was most of its training time.</para>
/// </remarks>
public sealed class HistoryWindows : IDisposable
{
    private readonly torch.Tensor _view;
    private readonly torch.Tensor _frames;
    private readonly torch.Tensor _offsets;
    private readonly torch.Tensor? _counts;
    private readonly torch.Tensor? _croppedFrames;
    private readonly torch.Tensor? _croppedRows;
    private readonly torch.Tensor? _rowOffsets;
    private torch.Tensor? _buffer;

    /// <summary>The largest cropped copy of the stimulus a crop makes (bytes); above it, batches are gathered row by row
    /// from the stimulus itself (about twice the time, no copy).</summary>
    public const long CropCopyLimitBytes = 1L << 30;

    /// <summary>Windows of <paramref name="history"/> frames over <paramref name="recording"/>; with
    /// <paramref name="crop"/>, <see cref="Batch"/> gathers only that rectangle of each frame.</summary>
    /// <exception cref="ArgumentException">The recording is not longer than one window, or the crop is not inside its frames.</exception>
    public HistoryWindows(Recording recording, int history = 40, StimulusRegion? crop = null)
        : this(recording, history, crop, CropCopyLimitBytes)
    {
    }

    /// <summary>As the public constructor, with the crop-copy limit chosen (tests reach both gathering paths).</summary>
    internal HistoryWindows(Recording recording, int history, StimulusRegion? crop, long cropCopyLimitBytes)
    {
        if (history < 1) throw new ArgumentException($"History must be at least one frame, got {history}.", nameof(history));
        if (recording.Frames <= history)
            throw new ArgumentException($"{recording.Provenance.Source}: {recording.Frames} frames leave no window of {history} frames with a response bin after it.");
        Recording = recording;
        History = history;
        long h = recording.Height, w = recording.Width;
        var stimulus = recording.Stimulus.is_contiguous() ? recording.Stimulus : throw new ArgumentException("The stimulus must be contiguous.");
        if (crop is not null && !crop.FitsIn(h, w))
            throw new ArgumentException($"The crop ({crop}) is not inside the {h}x{w} stimulus of {recording.Provenance.Source}.", nameof(crop));
        // Consecutive windows start one frame apart; inside a window, frames are one frame apart.
        _view = stimulus.as_strided([Count, history, h, w], [h * w, h * w, w, 1]).DetachFromDisposeScope();
        _frames = stimulus.view(recording.Frames, h * w).DetachFromDisposeScope();
        _offsets = torch.arange(history, dtype: torch.int64).DetachFromDisposeScope();
        _counts = recording.Counts?.contiguous().DetachFromDisposeScope();
        if (crop is null || crop.Covers(h, w)) return;
        Crop = crop;
        if (recording.Frames * crop.Area * stimulus.element_size() <= cropCopyLimitBytes)
        {
            // One copy of the crop, made once: each batch is then a memcpy of whole (cropped) frames.
            using var scope = torch.NewDisposeScope();
            _croppedFrames = stimulus.narrow(1, crop.Row, crop.Height).narrow(2, crop.Column, crop.Width)
                .contiguous().DetachFromDisposeScope();
        }
        else
        {
            // No copy: each batch gathers the crop's rows of each frame (frame·H + Row + i) from the (T·H, W) stimulus,
            // narrowed to the crop's columns.
            using var scope = torch.NewDisposeScope();
            _croppedRows = stimulus.view(recording.Frames * h, w).narrow(1, crop.Column, crop.Width).DetachFromDisposeScope();
            _rowOffsets = (torch.arange(crop.Height, dtype: torch.int64) + crop.Row).DetachFromDisposeScope();
        }
    }

    /// <summary>The rectangle of each frame <see cref="Batch"/> gathers, or null for whole frames. <see cref="View"/>,
    /// <see cref="Frames"/> and <see cref="SpikeHistory"/> are not affected.</summary>
    public StimulusRegion? Crop { get; }

    /// <summary>The recording the windows look into.</summary>
    public Recording Recording { get; }

    /// <summary>Frames per window.</summary>
    public int History { get; }

    /// <summary>Number of windows: every frame position with a response bin after its window.</summary>
    public long Count => Recording.Frames - History;

    /// <summary>All windows as a view <c>(Count, History, H, W)</c>; index it, never copy it whole.</summary>
    public torch.Tensor View => _view;

    /// <summary>
    /// The frames of the consecutive windows <c>first … first + count − 1</c>, <c>(count + History − 1, H, W)</c>: a view of
    /// the stimulus (no copy) on the CPU, or a copy on <paramref name="device"/>. Models run over it with
    /// <see cref="Models.RetinaModel.MovieActivations"/>, computing what overlapping windows share once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The windows are not all inside <c>[0, Count)</c>.</exception>
    public torch.Tensor Frames(long first, long count, torch.Device? device = null)
    {
        if (first < 0 || count < 1 || first + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Windows {first}..{first + count - 1} are not all inside [0, {Count}).");
        var frames = Recording.Stimulus.narrow(0, first, count + History - 1);
        return device is not null && device.type != DeviceType.CPU ? frames.to(device, disposeAfter: true) : frames;
    }

    /// <summary>
    /// Gathers the windows <paramref name="indices"/> into a new <c>(B, History, H, W)</c> input tensor — <c>(B, History,
    /// Crop.Height, Crop.Width)</c> with a <see cref="Crop"/> — and their response bins into <c>(B, N)</c> targets, both on
    /// <paramref name="device"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public (torch.Tensor Inputs, torch.Tensor Targets) Batch(ReadOnlySpan<long> indices, torch.Device? device = null)
    {
        foreach (long i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Window index outside [0, {Count}).");
        using var idx = torch.tensor(indices.ToArray(), torch.int64);
        using var bins = idx + History;
        using var frames = FrameRows(idx);
        torch.Tensor inputs;
        if (Crop is null)
            inputs = _frames.index_select(0, frames).view(indices.Length, History, Recording.Height, Recording.Width);
        else if (_croppedFrames is not null)
            inputs = _croppedFrames.index_select(0, frames).view(indices.Length, History, Crop.Height, Crop.Width);
        else
        {
            using var scope = torch.NewDisposeScope();
            var rows = (frames.unsqueeze(1) * Recording.Height + _rowOffsets!).flatten();
            inputs = _croppedRows!.index_select(0, rows).view(indices.Length, History, Crop.Height, Crop.Width).MoveToOuterDisposeScope();
        }
        var targets = Recording.Rates.index_select(0, bins);
        if (device is not null && device.type != DeviceType.CPU)
            return (inputs.to(device, disposeAfter: true), targets.to(device, disposeAfter: true));
        return (inputs, targets);
    }

    /// <summary>
    /// As <see cref="Batch"/>, but on the CPU the inputs are written into a buffer these windows keep: the returned
    /// inputs are valid only until the next call of this method or <see cref="Dispose"/>. For training loops, which use
    /// each batch once: a new batch-sized tensor every batch faulted its pages in from the kernel each time (an LN fit
    /// spent more time in the page-fault handler than computing), while the reused buffer stays mapped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public (torch.Tensor Inputs, torch.Tensor Targets) ReusedBatch(ReadOnlySpan<long> indices, torch.Device? device = null)
    {
        foreach (long i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Window index outside [0, {Count}).");
        long h = Crop?.Height ?? Recording.Height, w = Crop?.Width ?? Recording.Width, size = indices.Length * History * h * w;
        if (_buffer is null || _buffer.numel() < size)
        {
            _buffer?.Dispose();
            _buffer = torch.empty(size, dtype: Recording.Stimulus.dtype).DetachFromDisposeScope();
        }
        torch.Tensor inputs;
        using (var scope = torch.NewDisposeScope())
        {
            inputs = _buffer.narrow(0, 0, size).view(indices.Length, History, h, w).MoveToOuterDisposeScope();
            for (int b = 0; b < indices.Length; b++)
            {
                // Window k is frames k … k + History − 1: one block of the (cropped) stimulus, copied whole.
                using var window = _croppedFrames is not null ? _croppedFrames.narrow(0, indices[b], History) : Recording.Stimulus.narrow(0, indices[b], History);
                using var target = inputs[b];
                if (Crop is not null && _croppedFrames is null)
                    target.copy_(window.narrow(1, Crop.Row, Crop.Height).narrow(2, Crop.Column, Crop.Width));
                else
                    target.copy_(window);
            }
        }
        var targets = TargetsOf(indices);
        if (device is not null && device.type != DeviceType.CPU)
            return (inputs.to(device, disposeAfter: true), targets.to(device, disposeAfter: true));
        return (inputs, targets);
    }

    /// <summary>The response bins the windows <paramref name="indices"/> predict, <c>(B, N)</c> (bin k + History for
    /// window k), on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, Count)</c>.</exception>
    public torch.Tensor Targets(ReadOnlySpan<long> indices, torch.Device? device = null)
    {
        foreach (long i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Window index outside [0, {Count}).");
        var targets = TargetsOf(indices);
        return device is not null && device.type != DeviceType.CPU ? targets.to(device, disposeAfter: true) : targets;
    }

    /// <summary><see cref="Targets"/> on the CPU, for indices already checked.</summary>
    private torch.Tensor TargetsOf(ReadOnlySpan<long> indices)
    {
        using var idx = torch.tensor(indices.ToArray(), torch.int64);
        using var bins = idx + History;
        return Recording.Rates.index_select(0, bins);
    }

    /// <summary>
    /// The recorded spike counts of the bins each window covers, <c>(B, History, N)</c> — the history a GLM sees when
    /// predicting bin <c>k + History</c> open-loop.
    /// </summary>
    /// <exception cref="InvalidOperationException">The recording has no binned counts.</exception>
    public torch.Tensor SpikeHistory(ReadOnlySpan<long> indices, torch.Device? device = null)
    {
        var counts = _counts ?? throw new InvalidOperationException($"{Recording.Provenance.Source}: the recording has no binned spike counts.");
        foreach (long i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), i, $"Window index outside [0, {Count}).");
        using var idx = torch.tensor(indices.ToArray(), torch.int64);
        using var rows = FrameRows(idx);
        var history = counts.index_select(0, rows).view(indices.Length, History, counts.shape[1]);
        return device is not null && device.type != DeviceType.CPU ? history.to(device, disposeAfter: true) : history;
    }

    /// <summary>
    /// The frame (bin) index of every position of every window, flattened: gathering whole rows of a contiguous
    /// <c>(T, …)</c> tensor is a memcpy per row, where index_select on the overlapping strided view copies element by
    /// element (7-20x slower for a (64…512, 40, 50, 50) batch).
    /// </summary>
    private torch.Tensor FrameRows(torch.Tensor windowIndices) => (windowIndices.unsqueeze(1) + _offsets).flatten();

    /// <inheritdoc/>
    public void Dispose()
    {
        _view.Dispose();
        _frames.Dispose();
        _offsets.Dispose();
        _counts?.Dispose();
        _croppedFrames?.Dispose();
        _croppedRows?.Dispose();
        _rowOffsets?.Dispose();
        _buffer?.Dispose();
    }
}
