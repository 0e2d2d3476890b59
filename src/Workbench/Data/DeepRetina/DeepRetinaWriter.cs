using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;
using TorchSharp;
using Workbench.Data.Hdf5;

namespace Workbench.Data.DeepRetina;

/// <summary>One split of a deep-retina file, as stored.</summary>
/// <param name="Stimulus">The movie (T, H, W), written in its own dtype: uint8, float32 or float64.</param>
/// <param name="FiringRates">Firing rates (N, T) in Hz by estimate width in ms (5, 10, 20) → <c>response/firing_rate_{ms}ms</c>.</param>
/// <param name="Binned">Spike counts (N, T) → <c>response/binned</c>.</param>
/// <param name="RepeatRates">Test repeats (R, N, T) by estimate width → <c>repeats/firing_rate_{ms}ms</c>.</param>
/// <param name="RepeatCells">Test repeats (R, N, T) written per cell as <c>repeats/cellNN</c> (R, T), the older layout.</param>
/// <param name="Extras">Further datasets of the split by relative path (e.g. <c>eye/row</c>): readers of the layout ignore them.</param>
public sealed record DeepRetinaSplit(
    torch.Tensor Stimulus,
    IReadOnlyDictionary<int, torch.Tensor> FiringRates,
    torch.Tensor? Binned = null,
    IReadOnlyDictionary<int, torch.Tensor>? RepeatRates = null,
    torch.Tensor? RepeatCells = null,
    IReadOnlyDictionary<string, torch.Tensor>? Extras = null);

/// <summary>A whole deep-retina file.</summary>
/// <param name="Train">The training split.</param>
/// <param name="Test">The test split.</param>
/// <param name="FramePeriod">Seconds per frame; <c>train/time</c> and <c>test/time</c> are written from it.</param>
/// <param name="Stas">Per-cell white-noise STAs (T, H, W) → <c>train/stas/cellNN</c>.</param>
/// <param name="Attributes">String attributes of the root group (provenance).</param>
public sealed record DeepRetinaContent(
    DeepRetinaSplit Train,
    DeepRetinaSplit Test,
    double FramePeriod = 0.01,
    IReadOnlyDictionary<int, torch.Tensor>? Stas = null,
    IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>How to lay the stimulus out on disk.</summary>
/// <param name="ChunkFrames">Frames per chunk; 0 writes it contiguous.</param>
/// <param name="Deflate">Compress chunks with deflate (level 1; PureHDF supports levels 0, 1 and 9).</param>
/// <param name="Shuffle">Apply the byte-shuffle filter before deflate.</param>
public sealed record DeepRetinaWriteOptions(int ChunkFrames = 0, bool Deflate = false, bool Shuffle = false);

/// <summary>
/// Writes files in the deep-retina layout (what <see cref="DeepRetinaFile"/> reads), used by the synthetic retina and
/// by tests. The stimulus is streamed slab by slab, so a long movie is never duplicated in memory. The file appears
/// only once complete: it is written under a temporary name in the same folder and renamed.
/// </summary>
public static class DeepRetinaWriter
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">Shapes disagree (named), or a stimulus dtype is not uint8/float32/float64.</exception>
    public static void Write(string path, DeepRetinaContent content, DeepRetinaWriteOptions? options = null)
    {
        options ??= new DeepRetinaWriteOptions();
        Check(content.Train, "train");
        Check(content.Test, "test");
        var file = new H5File();
        foreach (var (key, value) in content.Attributes ?? new Dictionary<string, string>()) file.Attributes[key] = value;
        var pending = new List<(H5Dataset Dataset, torch.Tensor Stimulus)>();
        file["train"] = Split(content.Train, content.FramePeriod, options, pending, isTest: false);
        file["test"] = Split(content.Test, content.FramePeriod, options, pending, isTest: true);
        if (content.Stas is { Count: > 0 } stas)
        {
            var group = new H5Group();
            foreach (var (cell, sta) in stas) group[CellInfo.NameOf(cell)] = Hdf5Output.Dense(sta);
            ((H5Group)file["train"])["stas"] = group;
        }
        Hdf5Output.WriteAtomically(path, file, pending);
    }

    private static H5Group Split(DeepRetinaSplit split, double period, DeepRetinaWriteOptions options,
        List<(H5Dataset, torch.Tensor)> pending, bool isTest)
    {
        long frames = split.Stimulus.shape[0];
        var response = new H5Group();
        foreach (var (ms, rates) in split.FiringRates) response[$"firing_rate_{ms}ms"] = Hdf5Output.Dense(rates);
        if (split.Binned is { } binned) response["binned"] = Hdf5Output.Dense(binned);
        var group = new H5Group
        {
            ["stimulus"] = Deferred(split.Stimulus, options, pending),
            ["response"] = response,
            ["time"] = new H5Dataset(Enumerable.Range(0, (int)frames).Select(i => i * period).ToArray()),
        };
        foreach (var (relative, tensor) in split.Extras ?? new Dictionary<string, torch.Tensor>())
        {
            var parts = relative.Split('/');
            var at = group;
            foreach (string name in parts[..^1])
            {
                if (!at.ContainsKey(name)) at[name] = new H5Group();
                at = (H5Group)at[name];
            }
            at[parts[^1]] = Hdf5Output.Dense(tensor);
        }
        if (isTest && (split.RepeatRates is { Count: > 0 } || split.RepeatCells is not null))
        {
            var repeats = new H5Group();
            foreach (var (ms, r) in split.RepeatRates ?? new Dictionary<int, torch.Tensor>()) repeats[$"firing_rate_{ms}ms"] = Hdf5Output.Dense(r);
            if (split.RepeatCells is { } cells)
                for (int c = 0; c < cells.shape[1]; c++)
                    repeats[CellInfo.NameOf(c)] = Hdf5Output.Dense(cells[.., c, ..]);
            group["repeats"] = repeats;
        }
        return group;
    }

    private static H5Dataset Deferred(torch.Tensor stimulus, DeepRetinaWriteOptions options, List<(H5Dataset, torch.Tensor)> pending)
    {
        ulong[] dims = stimulus.shape.Select(d => (ulong)d).ToArray();
        uint[]? chunks = options.ChunkFrames > 0 ? [(uint)Math.Min(options.ChunkFrames, stimulus.shape[0]), (uint)stimulus.shape[1], (uint)stimulus.shape[2]] : null;
        var filters = new List<H5Filter>();
        if (options.Shuffle) filters.Add(ShuffleFilter.Id);
        if (options.Deflate) filters.Add(new H5Filter(DeflateFilter.Id, Options: new Dictionary<string, object> { [DeflateFilter.COMPRESSION_LEVEL] = 1 }));
        if (filters.Count > 0 && chunks is null) throw new ArgumentException("Compression needs a chunked layout: set ChunkFrames.");
        var creation = filters.Count > 0 ? new H5DatasetCreation(Filters: filters) : default;
        H5Dataset dataset = stimulus.dtype switch
        {
            var t when t == torch.uint8 => new H5Dataset<byte[]>(fileDims: dims, chunks: chunks, datasetCreation: creation),
            var t when t == torch.float32 => new H5Dataset<float[]>(fileDims: dims, chunks: chunks, datasetCreation: creation),
            var t when t == torch.float64 => new H5Dataset<double[]>(fileDims: dims, chunks: chunks, datasetCreation: creation),
            var t => throw new ArgumentException($"The stimulus must be uint8, float32 or float64 to be stored, got {t}."),
        };
        pending.Add((dataset, stimulus));
        return dataset;
    }

    private static void Check(DeepRetinaSplit split, string name)
    {
        if (split.Stimulus.dim() != 3) throw new ArgumentException($"{name}/stimulus must be (T, H, W), got [{string.Join(", ", split.Stimulus.shape)}].");
        long frames = split.Stimulus.shape[0];
        if (split.FiringRates.Count == 0) throw new ArgumentException($"{name}: at least one firing-rate estimate is needed.");
        long? cells = null;
        foreach (var (ms, r) in split.FiringRates)
        {
            if (r.dim() != 2 || r.shape[1] != frames)
                throw new ArgumentException($"{name}/response/firing_rate_{ms}ms must be (N, {frames}), got [{string.Join(", ", r.shape)}].");
            cells ??= r.shape[0];
            if (r.shape[0] != cells) throw new ArgumentException($"{name}: the firing-rate estimates disagree on the number of cells.");
        }
        if (split.Binned is { } b && (b.dim() != 2 || b.shape[0] != cells || b.shape[1] != frames))
            throw new ArgumentException($"{name}/response/binned must be ({cells}, {frames}), got [{string.Join(", ", b.shape)}].");
        foreach (var (ms, r) in split.RepeatRates ?? new Dictionary<int, torch.Tensor>())
            if (r.dim() != 3 || r.shape[1] != cells || r.shape[2] != frames)
                throw new ArgumentException($"{name}/repeats/firing_rate_{ms}ms must be (R, {cells}, {frames}), got [{string.Join(", ", r.shape)}].");
        if (split.RepeatCells is { } rc && (rc.dim() != 3 || rc.shape[1] != cells || rc.shape[2] != frames))
            throw new ArgumentException($"{name}/repeats (per cell) must be (R, {cells}, {frames}), got [{string.Join(", ", rc.shape)}].");
    }
}
