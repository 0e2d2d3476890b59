using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;
using TorchSharp;
using Workbench.Data.DeepRetina;
using Workbench.Data.Hdf5;

namespace Workbench.Data.Interneurons;

/// <summary>
/// Reads and writes interneuron files: one group per stimulus with <c>stimuli</c> (T, H, W) and
/// <c>detrended_membrane_potential</c> (N, T), as torch-deep-retina's <c>load_interneuron_data</c> expects (the reader
/// returns stimuli as float32 in stored units whatever their stored type); the
/// workbench adds optional <c>cell_types</c> (N strings) and <c>cell_positions</c> (N, 2 row/column) per group.
/// </summary>
public static class InterneuronFile
{
    /// <summary>The dataset holding a group's stimulus.</summary>
    public const string StimulusName = "stimuli";

    /// <summary>The dataset holding a group's potentials.</summary>
    public const string PotentialsName = "detrended_membrane_potential";

    /// <summary>Reads every stimulus group (a group with both datasets) of <paramref name="path"/>.</summary>
    /// <exception cref="RecordingFormatException">No such group exists, one is malformed, or the file is truncated or damaged (file and path named).</exception>
    public static InterneuronRecording Read(string path)
    {
        using var h5 = Hdf5Source.Open(path);
        var keys = h5.Children("/").Where(k => h5.Exists($"{k}/{StimulusName}") && h5.Exists($"{k}/{PotentialsName}")).ToList();
        if (keys.Count == 0)
            throw new RecordingFormatException(path, "/", $"groups holding {StimulusName} and {PotentialsName}", "none");
        var stimuli = new List<InterneuronStimulus>();
        try
        {
            foreach (string key in keys) stimuli.Add(ReadGroup(h5, key));
        }
        catch
        {
            foreach (var s in stimuli) s.Dispose();
            throw;
        }
        return new InterneuronRecording(Path.GetFullPath(path), stimuli);
    }

    private static InterneuronStimulus ReadGroup(Hdf5Source h5, string key)
    {
        string stimulusPath = $"{key}/{StimulusName}", potentialsPath = $"{key}/{PotentialsName}";
        var stimulusSet = h5.Dataset(stimulusPath, "the stimulus (T, H, W)");
        var shape = h5.RequireRank(stimulusSet, 3, "the stimulus (T, H, W)");
        var potentialSet = h5.Dataset(potentialsPath, "membrane potentials (N, T)");
        var pshape = h5.RequireRank(potentialSet, 2, "membrane potentials (N, T)");
        if (pshape[1] != shape[0])
            throw new RecordingFormatException(h5.Path, potentialsPath, $"{shape[0]} samples like {stimulusPath}", $"{pshape[1]}");
        var values = h5.ReadDoubles(potentialSet);
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0) throw new RecordingFormatException(h5.Path, potentialsPath, "finite values", $"{values[bad]} for cell {bad / pshape[1]} at sample {bad % pshape[1]}");
        var potentials = torch.tensor(values, torch.float64).view(pshape[0], pshape[1]).t().to(torch.float32).contiguous();
        string typesPath = $"{key}/cell_types", positionsPath = $"{key}/cell_positions";
        var types = h5.Exists(typesPath)
            ? h5.ReadStrings(h5.Dataset(typesPath, "cell types (N strings)"))
            : Enumerable.Repeat("unknown", (int)pshape[0]).ToArray();
        if (types.Length != pshape[0])
            throw new RecordingFormatException(h5.Path, typesPath, $"{pshape[0]} cell types like {potentialsPath} has cells", $"{types.Length}");
        double[]? positions = h5.Exists(positionsPath) ? h5.ReadDoubles(h5.Dataset(positionsPath, "(N, 2) centres")) : null;
        if (positions is not null && positions.Length != 2 * pshape[0])
            throw new RecordingFormatException(h5.Path, positionsPath, $"({pshape[0]}, 2) centres", $"{positions.Length} values");
        var cells = Enumerable.Range(0, (int)pshape[0])
            .Select(i => new InterneuronCell(i, types[i], positions?[2 * i], positions?[2 * i + 1])).ToList();
        var stimulus = DeepRetinaFile.ReadStimulus(h5, stimulusSet, stimulusPath, shape, null, 0, 1);
        return new InterneuronStimulus(key, stimulus, potentials, cells);
    }

    /// <summary>Writes the stimulus groups <paramref name="stimuli"/> to <paramref name="path"/> (whole or not at all).</summary>
    public static void Write(string path, IEnumerable<InterneuronStimulus> stimuli)
    {
        var file = new H5File();
        var pending = new List<(H5Dataset, torch.Tensor)>();
        foreach (var s in stimuli)
        {
            if (s.Stimulus.dim() != 3 || s.Potentials.dim() != 2 || s.Potentials.shape[0] != s.Stimulus.shape[0] || s.Potentials.shape[1] != s.Cells.Count)
                throw new ArgumentException($"{s.Key}: stimulus [{string.Join(", ", s.Stimulus.shape)}] and potentials [{string.Join(", ", s.Potentials.shape)}] " +
                                            $"must be (T, H, W) and (T, {s.Cells.Count}).");
            // uint8 stimuli (stored intensities) stay uint8; anything else is written as float32. Chunked and deflated: noise
            // stimuli are large and compress well.
            var stimulus = (s.Stimulus.dtype == torch.uint8 ? s.Stimulus : s.Stimulus.to(torch.float32)).contiguous();
            var dims = stimulus.shape.Select(d => (ulong)d).ToArray();
            uint[] chunks = [(uint)Math.Min(1000, stimulus.shape[0]), (uint)stimulus.shape[1], (uint)stimulus.shape[2]];
            var creation = new H5DatasetCreation(Filters: [new H5Filter(DeflateFilter.Id, Options: new Dictionary<string, object> { [DeflateFilter.COMPRESSION_LEVEL] = 1 })]);
            H5Dataset stimulusSet = stimulus.dtype == torch.uint8
                ? new H5Dataset<byte[]>(fileDims: dims, chunks: chunks, datasetCreation: creation)
                : new H5Dataset<float[]>(fileDims: dims, chunks: chunks, datasetCreation: creation);
            pending.Add((stimulusSet, stimulus));
            var group = new H5Group
            {
                [StimulusName] = stimulusSet,
                [PotentialsName] = Hdf5Output.Dense(s.Potentials.t()),
                ["cell_types"] = new H5Dataset(s.Cells.Select(c => c.Type).ToArray()),
            };
            if (s.Cells.All(c => c.Row is not null && c.Column is not null))
                group["cell_positions"] = new H5Dataset(s.Cells.SelectMany(c => new[] { c.Row!.Value, c.Column!.Value }).ToArray(), fileDims: [(ulong)s.Cells.Count, 2]);
            file[s.Key] = group;
        }
        Hdf5Output.WriteAtomically(path, file, pending);
    }
}
