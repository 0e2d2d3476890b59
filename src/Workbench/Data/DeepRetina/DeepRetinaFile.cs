using System.Runtime.InteropServices;
using TorchSharp;
using Workbench.Data.Hdf5;

namespace Workbench.Data.DeepRetina;

/// <summary>A train and a test recording from one file, both normalised with the training statistics.</summary>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split (trial-averaged rates, and repeats when present).</param>
/// <param name="Normalisation">The training statistics both were normalised with (null when not normalised).</param>
public sealed record DeepRetinaExperiment(Recording Train, Recording Test, StimulusNormalisation? Normalisation) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}

/// <summary>
/// Reads recordings in the layout of the deep-retina data (Maheswaranathan et al. 2023, Stanford Digital Repository
/// rk663dm5577): <c>train|test/stimulus</c> (T, H, W) of any numeric type, <c>…/response/firing_rate_{5,10,20}ms</c> and
/// <c>…/response/binned</c> (N, T), <c>…/time</c>, and test repeats as <c>test/repeats/cellNN</c> (R, T) or
/// <c>test/repeats/firing_rate_Xms</c> (R, N, T).
/// </summary>
/// <remarks>
/// The stimulus is read slab by slab straight into its final float32 tensor (peak memory ≈ its float32 size plus one
/// slab), slabs aligned to the chunking so each compressed chunk is decompressed once. Normalisation is the reference's:
/// one scalar mean and std from the training stimulus.
/// </remarks>
public static class DeepRetinaFile
{
    /// <summary>Bytes of float32 stimulus per slab read (about 8 MB).</summary>
    private const long SlabBytes = 8L << 20;

    /// <summary>Reads one split.</summary>
    /// <param name="path">The file.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="options">Cells, rate resolution, normalisation, progress.</param>
    /// <exception cref="RecordingFormatException">A group or dataset is missing or malformed, values are not finite, or the file is damaged.</exception>
    /// <exception cref="ArgumentException">An unknown split, rate resolution or cell index.</exception>
    public static Recording Read(string path, string split, DeepRetinaReadOptions? options = null)
    {
        options ??= new DeepRetinaReadOptions();
        if (split is not ("train" or "test")) throw new ArgumentException($"Split must be train or test, got '{split}'.", nameof(split));
        if (options.RateBinMs is not (5 or 10 or 20)) throw new ArgumentException($"Rate resolution must be 5, 10 or 20 ms, got {options.RateBinMs}.", nameof(options));
        using var h5 = Hdf5Source.Open(path);
        var notes = new List<string>();

        string stimulusPath = $"{split}/stimulus";
        var stimulusSet = h5.Dataset(stimulusPath, "the stimulus movie (T, H, W)");
        var shape = h5.RequireRank(stimulusSet, 3, "the stimulus movie (T, H, W)");
        long frames = shape[0];

        string ratePath = $"{split}/response/firing_rate_{options.RateBinMs}ms";
        if (!h5.Exists(ratePath))
        {
            var available = h5.Children($"{split}/response").Where(n => n.StartsWith("firing_rate", StringComparison.Ordinal)).ToList();
            throw new RecordingFormatException(path, ratePath, $"the {options.RateBinMs}-ms firing rates (N, T)",
                available.Count == 0 ? "no firing-rate datasets" : $"only {string.Join(", ", available)}");
        }
        var rateSet = h5.Dataset(ratePath, "firing rates (N, T)");
        long cellsInFile = h5.RequireRank(rateSet, 2, "firing rates (N, T)")[0];
        h5.RequireReadableSize(rateSet); // a damaged header must not make the cell list below absurdly long
        var cells = options.Cells ?? Enumerable.Range(0, (int)cellsInFile).ToList();
        foreach (int c in cells.Where(c => c < 0 || c >= cellsInFile))
            throw new ArgumentException($"{path}: {ratePath}: cell index {c} is out of range; the file has cells 0..{cellsInFile - 1}.");
        if (cells.Count == 0) throw new ArgumentException($"{path}: no cells selected.");

        var rates = ReadResponse(h5, ratePath, frames, cells, notes);
        torch.Tensor? counts = null, repeats = null, stimulus = null;
        try
        {
            string countsPath = $"{split}/response/binned";
            if (options.IncludeCounts && h5.Exists(countsPath)) counts = ReadResponse(h5, countsPath, frames, cells, notes);
            if (options.IncludeRepeats && split == "test") repeats = ReadRepeats(h5, frames, cells, options.RateBinMs, notes);
            stimulus = ReadStimulus(h5, stimulusSet, stimulusPath, shape, options.Progress, 0, 1);
            StimulusNormalisation? normalisation = null;
            if (options.Normalise)
            {
                normalisation = options.Normalisation ?? (split == "train" ? StimulusNormalisation.Of(stimulus) : TrainStatistics(h5));
                normalisation.ApplyInPlace(stimulus);
                notes.Add($"stimulus normalised as (x - {normalisation.Mean:G6}) / ({normalisation.Std:G6} + 1e-7)" +
                          (options.Normalisation is null ? " with the statistics of train/stimulus" : " with the statistics given"));
            }
            double period = FramePeriod(h5, split, frames, notes);
            var experiment = PaperExperiments.ForFile(path);
            var infos = cells.Select(c =>
            {
                int at = experiment?.Cells.ToList().IndexOf(c) ?? -1;
                return at >= 0
                    ? new CellInfo(c, CellInfo.NameOf(c), experiment!.Centres[at].Row, experiment.Centres[at].Column)
                    : new CellInfo(c, CellInfo.NameOf(c));
            }).ToList();
            var provenance = new RecordingProvenance(Path.GetFullPath(path), split, ratePath, notes);
            return new Recording(stimulus, rates, period, infos, provenance, counts, repeats, normalisation);
        }
        catch
        {
            rates.Dispose();
            counts?.Dispose();
            repeats?.Dispose();
            stimulus?.Dispose();
            throw;
        }
    }

    /// <summary>Reads both splits, the test split normalised with the training statistics.</summary>
    public static DeepRetinaExperiment ReadExperiment(string path, DeepRetinaReadOptions? options = null)
    {
        options ??= new DeepRetinaReadOptions();
        var train = Read(path, "train", options);
        try
        {
            var test = Read(path, "test", options with { Normalisation = train.Normalisation ?? options.Normalisation });
            return new DeepRetinaExperiment(train, test, train.Normalisation);
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>The scalar mean and std of a file's training stimulus, streamed slab by slab (nothing kept).</summary>
    public static StimulusNormalisation TrainStatistics(string path)
    {
        using var h5 = Hdf5Source.Open(path);
        return TrainStatistics(h5);
    }

    private static StimulusNormalisation TrainStatistics(Hdf5Source h5)
    {
        const string trainPath = "train/stimulus";
        var set = h5.Dataset(trainPath, "the training stimulus, whose statistics normalise every split");
        var shape = h5.RequireRank(set, 3, "the stimulus movie (T, H, W)");
        double sum = 0, squares = 0;
        long count = 0;
        ForEachSlab(h5, set, trainPath, shape, null, 0, 1, slab =>
        {
            foreach (float v in slab)
            {
                sum += v;
                squares += (double)v * v;
            }
            count += slab.Length;
        });
        double mean = sum / count;
        return new StimulusNormalisation(mean, Math.Sqrt(Math.Max(0, squares / count - mean * mean)));
    }

    internal static torch.Tensor ReadStimulus(Hdf5Source h5, Hdf5Dataset set, string path, long[] shape,
        IProgress<ProgressReport>? progress, double from, double to)
    {
        h5.RequireReadableSize(set); // before allocating what a damaged header may claim
        var stimulus = torch.empty(shape, torch.float32);
        try
        {
            long frame = shape[1] * shape[2], at = 0;
            ForEachSlab(h5, set, path, shape, progress, from, to, slab =>
            {
                long n = slab.Length / frame;
                using var view = stimulus.narrow(0, at, n);
                slab.CopyTo(MemoryMarshal.Cast<byte, float>(view.bytes));
                at += n;
            });
            return stimulus;
        }
        catch
        {
            stimulus.Dispose();
            throw;
        }
    }

    /// <summary>Streams a rank-3 dataset in chunk-aligned slabs of float32, checking every value is finite.</summary>
    private static void ForEachSlab(Hdf5Source h5, Hdf5Dataset set, string path, long[] shape, IProgress<ProgressReport>? progress,
        double from, double to, SpanAction action)
    {
        long frames = shape[0], frame = shape[1] * shape[2];
        long slab = Math.Max(1, SlabBytes / (frame * sizeof(float)));
        h5.RequireReadableSize(set);
        if (set.Chunks is { Count: >= 1 } chunks && chunks[0] > 0)
        {
            // Whole chunks along time: every chunk is decompressed once, by the one slab that covers it.
            long chunk = chunks[0];
            slab = Math.Max(chunk, slab / chunk * chunk);
        }
        // PureHDF reads a hyperslab of a contiguous dataset row by row: 1.7 s per pass over a 150 MB movie, where one
        // whole-dataset read of the same bytes takes 0.08 s. Byte movies are a quarter of their float32 size, so they
        // are read whole (peak about 1.25x the float32 stimulus while it is filled) and converted slab by slab.
        byte[]? whole = set.IsContiguousBytes && frames * frame <= Array.MaxLength ? h5.ReadAllBytes(set) : null;
        bool floating = set.IsFloatingPoint;
        var buffer = new float[Math.Min(slab, frames) * frame];
        Array? scratch = null;
        for (long start = 0; start < frames; start += slab)
        {
            long n = Math.Min(slab, frames - start);
            var span = buffer.AsSpan(0, (int)(n * frame));
            if (whole is not null) ByteConversion.ToSingle(whole.AsSpan((int)(start * frame), span.Length), span);
            else h5.ReadFrames(set, start, n, span, ref scratch);
            if (floating)
            {
                int bad = IndexOfNonFinite(span);
                if (bad >= 0)
                {
                    long f = start + bad / frame, y = bad % frame / shape[2], x = bad % shape[2];
                    throw new RecordingFormatException(h5.Path, path, "finite values", $"{span[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)} at frame {f}, row {y}, column {x}");
                }
            }
            action(span);
            progress?.Report(new ProgressReport($"reading {path}", from + (to - from) * (start + n) / frames));
        }
    }

    private delegate void SpanAction(ReadOnlySpan<float> slab);

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>Reads an (N, T') response dataset, keeps the selected cells, and returns (T, cells) float32.</summary>
    private static torch.Tensor ReadResponse(Hdf5Source h5, string path, long frames, IReadOnlyList<int> cells, List<string> notes)
    {
        var set = h5.Dataset(path, "responses (N, T)");
        var shape = h5.RequireRank(set, 2, "responses (N, T)");
        CheckLength(h5, path, shape[1], frames, notes);
        foreach (int c in cells.Where(c => c >= shape[0]))
            throw new RecordingFormatException(h5.Path, path, $"a row for cell {c}", $"{shape[0]} cells");
        var values = h5.ReadDoubles(set);
        var result = new float[frames * cells.Count];
        for (int j = 0; j < cells.Count; j++)
        {
            long row = cells[j] * shape[1];
            for (long t = 0; t < frames; t++)
            {
                double v = values[row + t];
                if (!double.IsFinite(v)) throw new RecordingFormatException(h5.Path, path, "finite values", $"{v} for cell {cells[j]} at bin {t}");
                result[t * cells.Count + j] = (float)v;
            }
        }
        return torch.tensor(result).view(frames, cells.Count);
    }

    /// <summary>Test repeats as (R, T, cells): from <c>test/repeats/firing_rate_Xms</c> (R, N, T) or per-cell <c>cellNN</c> (R, T).</summary>
    private static torch.Tensor? ReadRepeats(Hdf5Source h5, long frames, IReadOnlyList<int> cells, int binMs, List<string> notes)
    {
        const string group = "test/repeats";
        if (!h5.Exists(group)) return null;
        string pooled = $"{group}/firing_rate_{binMs}ms";
        if (h5.Exists(pooled))
        {
            var set = h5.Dataset(pooled, "repeats (R, N, T)");
            var shape = h5.RequireRank(set, 3, "repeats (R, N, T)");
            CheckLength(h5, pooled, shape[2], frames, notes);
            foreach (int c in cells.Where(c => c >= shape[1]))
                throw new RecordingFormatException(h5.Path, pooled, $"repeats for cell {c}", $"{shape[1]} cells");
            var values = h5.ReadDoubles(set);
            return Gather(h5.Path, pooled, values, shape[0], frames, cells.Count, (r, j, t) => (r * shape[1] + cells[j]) * shape[2] + t);
        }
        var perCell = cells.Select(c => $"{group}/{CellInfo.NameOf(c)}").ToList();
        if (!h5.Children(group).Any(n => n.StartsWith("cell", StringComparison.Ordinal))) return null;
        var sets = perCell.Select(p => (Path: p, Set: h5.Dataset(p, "one cell's repeats (R, T)"))).ToList();
        long repeats = -1;
        var all = new List<double[]>();
        var stored = new List<long>(); // each cell's own length: one may carry the known extra bin and another not
        foreach (var (p, set) in sets)
        {
            var shape = h5.RequireRank(set, 2, "one cell's repeats (R, T)");
            if (repeats >= 0 && shape[0] != repeats)
                throw new RecordingFormatException(h5.Path, p, $"{repeats} repeats like the other cells", $"{shape[0]}");
            repeats = shape[0];
            stored.Add(shape[1]);
            CheckLength(h5, p, shape[1], frames, notes);
            all.Add(h5.ReadDoubles(set));
        }
        if (binMs != 10) notes.Add($"{group}/cellNN hold one rate estimate; used with the {binMs}-ms rates");
        return Gather(h5.Path, $"{group}/cellNN", null, repeats, frames, cells.Count, (r, j, t) => r * stored[j] + t, all);
    }

    private static torch.Tensor Gather(string file, string path, double[]? values, long repeats, long frames, int cells,
        Func<long, int, long, long> index, List<double[]>? perCell = null)
    {
        var result = new float[repeats * frames * cells];
        for (long r = 0; r < repeats; r++)
            for (int j = 0; j < cells; j++)
            {
                var source = perCell?[j] ?? values!;
                for (long t = 0; t < frames; t++)
                {
                    double v = source[index(r, j, t)];
                    if (!double.IsFinite(v)) throw new RecordingFormatException(file, path, "finite values", $"{v} in repeat {r}, cell {j}, bin {t}");
                    result[(r * frames + t) * cells + j] = (float)v;
                }
            }
        return torch.tensor(result).view(repeats, frames, cells);
    }

    /// <summary>
    /// Responses must have one bin per frame; one extra bin (the 15-10-07 whitenoise test set) is trimmed with a note.
    /// </summary>
    private static void CheckLength(Hdf5Source h5, string path, long bins, long frames, List<string> notes)
    {
        if (bins == frames) return;
        if (bins == frames + 1)
        {
            notes.Add($"warning: {path} has {bins} bins for {frames} stimulus frames; trimmed its last bin (a known off-by-one of the deep-retina data)");
            return;
        }
        throw new RecordingFormatException(h5.Path, path, $"{frames} bins, one per stimulus frame", $"{bins}");
    }

    private static double FramePeriod(Hdf5Source h5, string split, long frames, List<string> notes)
    {
        const double standard = 0.01;
        string path = $"{split}/time";
        if (!h5.Exists(path) || frames < 2) return standard;
        var time = h5.ReadDoubles(h5.Dataset(path, "bin times"));
        if (time.Length < 2) return standard;
        var steps = time.Zip(time.Skip(1), (a, b) => b - a).Order().ToList();
        double median = steps[steps.Count / 2];
        if (median > 0 && double.IsFinite(median) && Math.Abs(median - standard) > 1e-6)
        {
            notes.Add($"{path} steps by {median:G6} s; used as the frame period");
            return median;
        }
        return standard;
    }
}
