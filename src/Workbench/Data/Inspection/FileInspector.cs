using Workbench.Data.DeepRetina;
using Workbench.Data.Hdf5;
using Workbench.Data.Interneurons;

namespace Workbench.Data.Inspection;

/// <summary>Describes an HDF5 recording file without loading it: layout, shapes, stored types, duration, cells, repeats.</summary>
public static class FileInspector
{
    /// <summary>Inspects <paramref name="path"/>; with <paramref name="statistics"/> also streams each stimulus for its statistics.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="RecordingFormatException">The file is not HDF5, or is truncated or damaged anywhere the inspection reads (file and path named).</exception>
    public static FileInspection Inspect(string path, bool statistics = false)
    {
        using var h5 = Hdf5Source.Open(path);
        var entries = h5.Entries().Select(Entry).ToList();
        var notes = new List<string>();
        var splits = new List<SplitSummary>();
        foreach (string split in new[] { "train", "test" })
            if (h5.Exists($"{split}/stimulus")) splits.Add(Split(h5, split, statistics, notes));
        var interneurons = h5.Children("/")
            .Where(k => h5.Exists($"{k}/{InterneuronFile.StimulusName}") && h5.Exists($"{k}/{InterneuronFile.PotentialsName}"))
            .Select(k => Interneuron(h5, k)).ToList();
        string layout = splits.Count > 0 ? "deep-retina" : interneurons.Count > 0 ? "interneurons" : "unrecognised";
        if (PaperExperiments.ForFile(path) is { } paper)
            notes.Add($"session {paper.Date} of the paper: it analysed cells [{string.Join(", ", paper.Cells)}]");
        return new FileInspection(Path.GetFullPath(path), new FileInfo(path).Length, layout, entries, splits,
            h5.Children("train/stas").Count, interneurons, notes);
    }

    private static Hdf5Entry Entry(Hdf5Node node) => node.Dataset is not { } d
        ? new Hdf5Entry(node.Path, "group")
        : new Hdf5Entry(node.Path, "dataset", d.Shape, d.TypeName, d.Layout, d.Chunks);

    private static SplitSummary Split(Hdf5Source h5, string split, bool statistics, List<string> notes)
    {
        string stimulusPath = $"{split}/stimulus";
        var set = h5.Dataset(stimulusPath, "the stimulus movie (T, H, W)");
        var shape = h5.RequireRank(set, 3, "the stimulus movie (T, H, W)");
        var responses = h5.Children($"{split}/response");
        var resolutions = responses.Select(n => n.StartsWith("firing_rate_", StringComparison.Ordinal) && n.EndsWith("ms", StringComparison.Ordinal)
                && int.TryParse(n["firing_rate_".Length..^2], out int ms) ? ms : 0).Where(ms => ms > 0).Order().ToList();
        long cells = 0;
        foreach (var ms in resolutions)
        {
            string ratePath = $"{split}/response/firing_rate_{ms}ms";
            var rshape = h5.Dataset(ratePath, "firing rates").Shape;
            if (rshape.Count == 2)
            {
                cells = rshape[0];
                if (rshape[1] == shape[0] + 1) notes.Add($"{ratePath} has one more bin than the stimulus; the reader trims it (known off-by-one)");
                else if (rshape[1] != shape[0]) notes.Add($"{ratePath} has {rshape[1]} bins for {shape[0]} frames: the reader will refuse it");
            }
        }
        long repeats = 0;
        string? repeatsLayout = null;
        var repeatNames = h5.Children($"{split}/repeats");
        var pooled = repeatNames.Where(n => n.StartsWith("firing_rate", StringComparison.Ordinal)).ToList();
        var perCell = repeatNames.Where(n => n.StartsWith("cell", StringComparison.Ordinal)).ToList();
        if (pooled.Count > 0) repeats = h5.Dataset($"{split}/repeats/{pooled[0]}", "repeats").Shape.FirstOrDefault();
        else if (perCell.Count > 0) repeats = h5.Dataset($"{split}/repeats/{perCell[0]}", "repeats").Shape.FirstOrDefault();
        if (repeats > 0)
            repeatsLayout = string.Join(", ", pooled.Concat(perCell.Count > 0 ? [$"cellNN x{perCell.Count}"] : []));
        StimulusStatistics? stats = null;
        if (statistics && set.Elements > 0)
        {
            using var movie = DeepRetinaFile.ReadStimulus(h5, set, stimulusPath, shape, null, 0, 1);
            var n = StimulusNormalisation.Of(movie);
            stats = new StimulusStatistics(n.Mean, n.Std, movie.min().item<float>(), movie.max().item<float>());
        }
        return new SplitSummary(split, shape[0], shape[0] * 0.01, shape[1], shape[2], set.TypeName, cells, resolutions,
            responses.Contains("binned"), repeats, repeatsLayout, stats);
    }

    private static InterneuronSummary Interneuron(Hdf5Source h5, string key)
    {
        var stimulus = h5.Dataset($"{key}/{InterneuronFile.StimulusName}", "stimulus").Shape;
        var potentials = h5.Dataset($"{key}/{InterneuronFile.PotentialsName}", "potentials").Shape;
        var types = h5.Exists($"{key}/cell_types") ? h5.ReadStrings(h5.Dataset($"{key}/cell_types", "cell types (N strings)")) : [];
        return new InterneuronSummary(key, stimulus.ElementAtOrDefault(0), stimulus.ElementAtOrDefault(1), stimulus.ElementAtOrDefault(2),
            potentials.ElementAtOrDefault(0), types.Distinct().ToList());
    }
}
