using TorchSharp;
using Workbench.Analysis;
using Workbench.Cli.CommandLine;
using Workbench.Display;
using Workbench.Plots;
using Workbench.IO;
using Workbench.Models;
using Workbench.Runtime;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench rf</c>: receptive fields of the central unit of every channel of one layer of a trained run, by reverse
/// correlation over Gaussian white noise, each decomposed into a spatial and a temporal component.
/// </summary>
public sealed class RfCommand : ICommand
{
    /// <summary>White-noise frames when --frames is not given: enough for clear STAs of the tiny preset in seconds.</summary>
    public const int DefaultFrames = 10_000;

    /// <inheritdoc/>
    public string Name => "rf";

    /// <inheritdoc/>
    public string Summary => "Receptive fields of every channel's central unit of a layer of a trained run (white-noise STA, space-time decomposition).";

    /// <inheritdoc/>
    public string Help => $"""
        Usage: workbench rf RUN [--layer L] [--frames N] [--seed S] [--json OUT] [--report OUT.html] [--device D]

        Loads RUN/best.weights and its sidecar, draws N frames (default {DefaultFrames}) of Gaussian white noise of the
        model's frame size (torch.randn, float32, from a generator seeded with S, default 0), and reverse-correlates the
        central unit of every channel of layer L (default: the model's first layer) with it. Each receptive field
        (40, H, W) is decomposed into spatial and temporal components (rank-1 SVD); printed per channel: the variance
        explained by that rank-1 part, the spatial peak (row, column of the largest |spatial| entry) and the temporal peak
        lag (frames before the response of the largest |temporal| entry). --json writes these plus the spatial and temporal
        components and the singular value.
        --report writes a standalone HTML page with each receptive field as a space-time chart (FilterCharts.SpaceTime,
        10 ms frames; plotly.js inlined).
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, [], ["layer", "frames", "seed", "json", "report", "device"]);
        if (a.Positionals.Count != 1) throw new UsageException($"workbench {Name}: expected one run directory, got {a.Positionals.Count}.");
        string run = a.Positionals[0];
        int frames = a.Int("frames") ?? DefaultFrames;
        int seed = a.Int("seed") ?? 0;
        string weights = Directory.Exists(run) ? Path.Combine(run, "best.weights") : run;
        if (!File.Exists(weights)) throw new FileNotFoundException($"workbench {Name}: no such checkpoint {weights}.", weights);
        new Training.RunDirectory(Directory.Exists(run) ? run : Path.GetDirectoryName(Path.GetFullPath(run))!).RefuseIfDiverged("analysed");
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device") });
        var (model, info) = Checkpoint.Load(weights, runtime.Device);
        using var _ = model;
        if (model.LayerNames.Count == 0) throw new UsageException($"workbench {Name}: {weights} holds a model that names no layers.");
        string layer = a.Option("layer") ?? model.LayerNames[0];
        if (layer != UnitAddress.Output && !model.LayerNames.Contains(layer))
            throw new UsageException($"--layer {layer}: {weights} has no such layer; its layers are {string.Join(", ", model.LayerNames)}.");
        if (frames <= model.Spec.History)
            throw new UsageException($"--frames {frames}: reverse correlation needs more frames than the model's {model.Spec.History}-frame history.");

        var units = LayerProbe.CentralUnits(model, layer);
        Console.Error.WriteLine($"rf: {units.Count} units of '{layer}' over {frames} frames of {model.Spec.Height}x{model.Spec.Width} white noise");
        using var stimulus = WhiteNoise(frames, model.Spec.Height, model.Spec.Width, seed);
        using var receptiveFields = LayerReceptiveFields.Of(model, units, stimulus);
        var fields = units.Zip(receptiveFields.Components, Field).ToList();

        Console.WriteLine($"{info.Spec.Kind} ({run}), layer {layer}, {frames} white-noise frames, seed {seed}:");
        Console.WriteLine($"  {"unit",-24} {"var.expl",8} {"peak row",8} {"peak col",8} {"lag",4}");
        foreach (var f in fields)
            Console.WriteLine($"  {f.ToString(),-24} {f.VarianceExplained,8:F3} {f.PeakRow,8} {f.PeakColumn,8} {f.PeakLag,4}");
        if (a.Option("json") is { } json)
        {
            JsonFiles.Write(json, new { Model = $"{info.Spec.Kind} ({run})", Layer = layer, Frames = frames, Seed = seed, Units = fields });
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
        }
        if (a.Option("report") is { } report)
        {
            string title = $"Receptive fields of {info.Spec.Kind} ({run}), layer {layer}, {frames} white-noise frames, seed {seed}";
            AtomicFile.WriteAllText(report, Report(title, units, fields, receptiveFields));
            Console.WriteLine($"Wrote {Path.GetFullPath(report)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>One HTML page: the title, every unit's decomposed receptive field in one chart, then per unit its numbers and its filter as the workbench's space-time chart.</summary>
    private static string Report(string title, IReadOnlyList<UnitAddress> units, IReadOnlyList<RfUnitField> fields, LayerReceptiveFields receptiveFields) =>
        ChartHtml.Page(title, units.Select((unit, i) => (
            $"{fields[i]}: variance explained {fields[i].VarianceExplained:F3}, spatial peak ({fields[i].PeakRow}, {fields[i].PeakColumn}), temporal peak {fields[i].PeakLag} frames before the response",
            FilterCharts.SpaceTime(receptiveFields.Stas[i], FramePeriod, unit.ToString())))
            .Prepend(("Every unit: spatial and temporal components (rank-1 decomposition)", FilterCharts.Components(receptiveFields, FramePeriod))));

    /// <summary>The frame period the charts' time axes assume: the workbench's 10 ms bins (the sidecar does not record one).</summary>
    private const double FramePeriod = 0.01;

    /// <summary>The white-noise stimulus <c>(frames, height, width)</c> the command correlates with: torch.randn, float32, CPU, seeded.</summary>
    public static Tensor WhiteNoise(int frames, long height, long width, int seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        return torch.randn([frames, height, width], float32, CPU, generator: generator);
    }

    private static RfUnitField Field(UnitAddress unit, SpaceTimeComponents c)
    {
        float[] spatial = c.Spatial.data<float>().ToArray();
        float[] temporal = c.Temporal.data<float>().ToArray();
        int width = (int)c.Spatial.shape[1];
        int peak = ArgMaxAbs(spatial), lag = temporal.Length - 1 - ArgMaxAbs(temporal);
        var rows = Enumerable.Range(0, (int)c.Spatial.shape[0]).Select(r => spatial[(r * width)..((r + 1) * width)]).ToArray();
        return new RfUnitField(unit.Layer, unit.Channel, unit.Row, unit.Column, c.VarianceExplained, c.SingularValue,
            peak / width, peak % width, lag, rows, temporal);
    }

    private static int ArgMaxAbs(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (Math.Abs(values[i]) > Math.Abs(values[best])) best = i;
        return best;
    }
}
