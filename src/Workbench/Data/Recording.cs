using TorchSharp;

namespace Workbench.Data;

/// <summary>
/// One stimulus and the responses of a set of cells to it, on a common time base of <see cref="FramePeriod"/> bins.
/// All tensors are float32 on the CPU; models move batches to their device.
/// </summary>
/// <remarks>
/// The recording owns its tensors (they are detached from any dispose scope) and frees them on <see cref="Dispose"/>.
/// Response bin <c>t</c> is aligned with stimulus frame <c>t</c>; models predict bin <c>k + history</c> from frames
/// <c>k … k + history - 1</c> (see <see cref="HistoryWindows"/>).
/// </remarks>
public sealed class Recording : IDisposable
{
    /// <summary>Builds a recording and checks that the parts agree (ranks, lengths, cell counts, dtypes).</summary>
    /// <param name="stimulus">Stimulus movie <c>(T, H, W)</c>.</param>
    /// <param name="rates">Firing rates in Hz, <c>(T, N)</c>.</param>
    /// <param name="framePeriod">Seconds per frame and per response bin.</param>
    /// <param name="cells">The <c>N</c> cells, in column order of <paramref name="rates"/>.</param>
    /// <param name="provenance">Where it came from.</param>
    /// <param name="counts">Optional binned spike counts <c>(T, N)</c>.</param>
    /// <param name="repeats">Optional single-trial rates for repeated presentations, <c>(R, T, N)</c>.</param>
    /// <param name="normalisation">The normalisation already applied to <paramref name="stimulus"/>, if any.</param>
    /// <exception cref="ArgumentException">The parts disagree; the message names the part, its shape and what was expected.</exception>
    public Recording(torch.Tensor stimulus, torch.Tensor rates, double framePeriod, IReadOnlyList<CellInfo> cells,
        RecordingProvenance provenance, torch.Tensor? counts = null, torch.Tensor? repeats = null,
        StimulusNormalisation? normalisation = null)
    {
        string where = provenance.Source + (provenance.Split is null ? "" : $" ({provenance.Split})");
        Require(stimulus, 3, "stimulus", "(T, H, W)", where);
        Require(rates, 2, "rates", "(T, N)", where);
        long t = stimulus.shape[0];
        if (rates.shape[0] != t)
            throw new ArgumentException($"{where}: rates have {rates.shape[0]} bins but the stimulus has {t} frames.");
        if (rates.shape[1] != cells.Count)
            throw new ArgumentException($"{where}: rates have {rates.shape[1]} cells but {cells.Count} cell descriptions were given.");
        if (counts is not null)
        {
            Require(counts, 2, "counts", "(T, N)", where);
            if (!counts.shape.SequenceEqual(rates.shape))
                throw new ArgumentException($"{where}: counts are [{string.Join(", ", counts.shape)}], expected [{string.Join(", ", rates.shape)}] like the rates.");
        }
        if (repeats is not null)
        {
            Require(repeats, 3, "repeats", "(R, T, N)", where);
            if (repeats.shape[1] != t || repeats.shape[2] != cells.Count)
                throw new ArgumentException($"{where}: repeats are [{string.Join(", ", repeats.shape)}], expected [R, {t}, {cells.Count}].");
        }
        if (!(framePeriod > 0) || !double.IsFinite(framePeriod))
            throw new ArgumentException($"{where}: frame period must be a positive number of seconds, got {framePeriod}.");

        Stimulus = stimulus.DetachFromDisposeScope();
        Rates = rates.DetachFromDisposeScope();
        Counts = counts?.DetachFromDisposeScope();
        Repeats = repeats?.DetachFromDisposeScope();
        FramePeriod = framePeriod;
        Cells = cells;
        Provenance = provenance;
        Normalisation = normalisation;
    }

    /// <summary>
    /// The first <paramref name="frames"/> frames and bins as a recording of their own (copies; repeats are left out), its
    /// provenance noting the cut: e.g. a few minutes of a new recording to fit a readout on.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is not in 1 … <see cref="Frames"/>.</exception>
    public Recording Head(long frames)
    {
        if (frames < 1 || frames > Frames)
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"{Provenance.Source}: a head of 1 to {Frames} frames, not {frames}.");
        var provenance = Provenance with { Notes = [.. Provenance.Notes, $"first {frames} of {Frames} frames ({frames * FramePeriod:F1} s)"] };
        return new Recording(Stimulus.narrow(0, 0, frames).clone(), Rates.narrow(0, 0, frames).clone(), FramePeriod, Cells, provenance,
            Counts?.narrow(0, 0, frames).clone(), null, Normalisation);
    }

    /// <summary>Stimulus movie <c>(T, H, W)</c>, normalised when <see cref="Normalisation"/> is set.</summary>
    public torch.Tensor Stimulus { get; }

    /// <summary>Firing rates in Hz <c>(T, N)</c>; for a test set, the trial average.</summary>
    public torch.Tensor Rates { get; }

    /// <summary>Binned spike counts <c>(T, N)</c>, when the source has them.</summary>
    public torch.Tensor? Counts { get; }

    /// <summary>Single-trial rates of repeated presentations <c>(R, T, N)</c>, when the source has them.</summary>
    public torch.Tensor? Repeats { get; }

    /// <summary>Seconds per frame and per response bin (0.01 for the deep-retina data).</summary>
    public double FramePeriod { get; }

    /// <summary>The cells, in column order of <see cref="Rates"/>.</summary>
    public IReadOnlyList<CellInfo> Cells { get; }

    /// <summary>Where the recording came from and what was done to it.</summary>
    public RecordingProvenance Provenance { get; }

    /// <summary>The normalisation applied to <see cref="Stimulus"/>, or null if it holds stored units.</summary>
    public StimulusNormalisation? Normalisation { get; }

    /// <summary>Number of frames (and response bins).</summary>
    public long Frames => Stimulus.shape[0];

    /// <summary>Stimulus height in checkers.</summary>
    public long Height => Stimulus.shape[1];

    /// <summary>Stimulus width in checkers.</summary>
    public long Width => Stimulus.shape[2];

    /// <summary>Duration in seconds.</summary>
    public double Duration => Frames * FramePeriod;

    /// <inheritdoc/>
    public void Dispose()
    {
        Stimulus.Dispose();
        Rates.Dispose();
        Counts?.Dispose();
        Repeats?.Dispose();
    }

    private static void Require(torch.Tensor t, int rank, string name, string shape, string where)
    {
        if (t.dim() != rank)
            throw new ArgumentException($"{where}: {name} must be {shape}, got rank {t.dim()} [{string.Join(", ", t.shape)}].");
        if (t.dtype != torch.float32)
            throw new ArgumentException($"{where}: {name} must be float32, got {t.dtype}.");
        if (t.device_type != DeviceType.CPU)
            throw new ArgumentException($"{where}: {name} must live on the CPU, got {t.device}.");
    }
}
