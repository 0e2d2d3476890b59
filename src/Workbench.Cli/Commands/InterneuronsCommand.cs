using Workbench.Analysis;
using Workbench.Cli.CommandLine;
using Workbench.Data.Interneurons;
using Workbench.Display;
using Workbench.IO;
using Workbench.Models;
using Workbench.Plots;
using Workbench.Runtime;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench interneurons</c>: matches recorded interneurons (membrane potentials under white noise) with the units of a
/// trained run's layers 1 and 2 (<see cref="InterneuronMatching.Match(RetinaModel, InterneuronStimulus, InterneuronMatchOptions?)"/>).
/// </summary>
public sealed class InterneuronsCommand : ICommand
{
    /// <summary>The stimulus group matched when --stimulus is not given and the file has it.</summary>
    public const string DefaultStimulus = "whitenoise";

    /// <inheritdoc/>
    public string Name => "interneurons";

    /// <inheritdoc/>
    public string Summary => "Match recorded interneurons with every unit of a trained run's layers 1 and 2 (best unit, its r, a shuffled control).";

    /// <inheritdoc/>
    public string Help => $"""
        Usage: workbench interneurons RUN --data INTERNEURONS.h5 [--stimulus KEY] [--layers L1,L2] [--json OUT] [--report OUT.html] [--device D]

        Loads RUN/best.weights and its sidecar and correlates the membrane potential of every interneuron of stimulus group
        KEY of the file (default: '{DefaultStimulus}', else the file's first group) with every unit, at every position, of
        the layers (default: {string.Join(",", InterneuronMatching.DefaultLayers)}, the BN-CNN's layers 1 and 2 before their
        ReLU), the stimulus z-scored with its own statistics. Printed per interneuron: its best unit (layer, channel, row,
        column) and r, and the largest |r| of any unit with the time-shuffled potential (a control that should be near 0).
        When the file gives the interneurons' positions, also the distance (checkers) from the best unit's receptive-field
        centre to the interneuron's position; then per interneuron the data-efficiency curve (Fig. 2H-I): for each length k
        (1, 2, 5, 10, ... s while a tenth of the recording is left) the held-out r of the unit chosen from the first k s and
        of an LN model fitted to the interneuron on the same k s ('-' where k is too short for its bins).
        --json writes the full result: correlation maps, ranked channels, the control and the data-efficiency curve.
        --report writes a standalone HTML page (plotly.js inlined): best match per interneuron against the control, the
        ranked correlation per interneuron type and layer (Fig. 2G), the data-efficiency curves (Fig. 2H-I) and every
        interneuron's correlation maps for each layer (Fig. 2F).
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, [], ["data", "stimulus", "layers", "json", "report", "device"]);
        if (a.Positionals.Count != 1) throw new UsageException($"workbench {Name}: expected one run directory, got {a.Positionals.Count}.");
        string run = a.Positionals[0];
        string data = a.Option("data") ?? throw new UsageException($"workbench {Name}: --data INTERNEURONS.h5 is required.");
        if (!File.Exists(data)) throw new FileNotFoundException($"--data {data}: no such file.", data);
        string weights = Directory.Exists(run) ? Path.Combine(run, "best.weights") : run;
        if (!File.Exists(weights)) throw new FileNotFoundException($"workbench {Name}: no such checkpoint {weights}.", weights);
        new Training.RunDirectory(Directory.Exists(run) ? run : Path.GetDirectoryName(Path.GetFullPath(run))!).RefuseIfDiverged("analysed");
        var layers = a.Option("layers") is { } l ? l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;

        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device") });
        var (model, info) = Checkpoint.Load(weights, runtime.Device);
        using var _ = model;
        foreach (string layer in layers ?? InterneuronMatching.DefaultLayers)
            if (!model.LayerNames.Contains(layer))
                throw new UsageException($"--layers: {weights} has no layer '{layer}'; its layers are {string.Join(", ", model.LayerNames)}.");
        using var recording = InterneuronFile.Read(data);
        string key = a.Option("stimulus") ?? (recording.Stimuli.Any(s => s.Key == DefaultStimulus) ? DefaultStimulus : recording.Stimuli[0].Key);
        if (recording.Stimuli.All(s => s.Key != key))
            throw new UsageException($"--stimulus {key}: {data} has no such group; it has {string.Join(", ", recording.Stimuli.Select(s => s.Key))}.");
        var stimulus = recording[key];
        if (stimulus.Stimulus.shape[1] != model.Spec.Height || stimulus.Stimulus.shape[2] != model.Spec.Width)
            throw new InvalidDataException($"--data {data}: stimulus '{key}' has {stimulus.Stimulus.shape[1]}x{stimulus.Stimulus.shape[2]} frames, " +
                                           $"but {weights} is a model of {model.Spec.Height}x{model.Spec.Width} frames.");
        Console.Error.WriteLine($"interneurons: {stimulus.Cells.Count} cells of '{key}' ({stimulus.Stimulus.shape[0]} frames) against {string.Join(", ", layers ?? InterneuronMatching.DefaultLayers)}");
        var matches = InterneuronMatching.Match(model, stimulus, new InterneuronMatchOptions { Layers = layers });

        Console.WriteLine($"{info.Spec.Kind} ({run}) against {data} '{key}' ({matches.Windows} windows, control shifted {matches.ControlShift}):");
        int typeWidth = Math.Max(4, matches.Cells.Max(m => m.Cell.Type.Length));
        bool located = matches.Cells.Any(m => m.Distance is not null);
        Console.WriteLine($"  {"cell",-5} {"type".PadRight(typeWidth)} {"best unit",-24} {"r",7} {"control |r|",11}" + (located ? $" {"distance",8}" : ""));
        foreach (var m in matches.Cells)
            Console.WriteLine($"  {m.Cell.Index,-5} {m.Cell.Type.PadRight(typeWidth)} {m.Best.Unit,-24} {m.Best.R,7:F3} {m.ControlMaxAbsR,11:F3}" +
                              (located ? $" {(m.Distance is double d ? d.ToString("F1") : "-"),8}" : ""));
        if (matches.Cells.Any(m => m.DataEfficiency.Count > 0))
        {
            // Fig. 2H-I in numbers: per k, the held-out r of the unit chosen from the first k s and of an LN fitted on them.
            Console.WriteLine("  data efficiency, held-out r of the unit chosen from the first k s / of an LN fitted to the cell on them:");
            foreach (var m in matches.Cells)
                Console.WriteLine($"  {m.Cell.Index,-5} " + string.Join("  ", m.DataEfficiency.Select(p => $"{p.Seconds:G4} s: {p.HeldOutR:F2}/{(double.IsNaN(p.LnHeldOutR) ? "-" : p.LnHeldOutR.ToString("F2"))}")));
        }
        if (a.Option("json") is { } json)
        {
            JsonFiles.Write(json, new { Model = $"{info.Spec.Kind} ({run})", Data = Path.GetFullPath(data), matches.Stimulus, matches.Layers, matches.Windows,
                matches.ControlShift, matches.Normalisation, matches.Cells });
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
        }
        if (a.Option("report") is { } report)
        {
            AtomicFile.WriteAllText(report, ChartHtml.Page($"Interneurons of {data} '{key}' against {info.Spec.Kind} ({run})", ReportSections(matches)));
            Console.WriteLine($"Wrote {Path.GetFullPath(report)}");
        }
        return ExitCodes.Ok;
    }

    private static IEnumerable<(string, Plotly.NET.GenericChart)> ReportSections(InterneuronMatches matches)
    {
        yield return ("Best match per interneuron", InterneuronCharts.BestMatches([("model", matches)]));
        foreach (string layer in matches.Layers)
            yield return ($"Ranked correlation per type, {layer}", InterneuronCharts.RankedCorrelations(InterneuronMatching.RankedByType(matches.Cells, layer), $"Ranked correlation per interneuron type, {layer} (Fig. 2G)"));
        if (matches.Cells.Any(m => m.DataEfficiency.Count > 0))
            yield return ("Data efficiency", InterneuronCharts.DataEfficiency(matches));
        foreach (var m in matches.Cells)
            foreach (string layer in matches.Layers)
                yield return ($"{m.Cell.Type} #{m.Cell.Index}, {layer}", InterneuronCharts.CorrelationMaps(m, layer));
    }
}
