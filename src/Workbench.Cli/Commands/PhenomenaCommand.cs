using TorchSharp;
using Workbench.Cli.CommandLine;
using Workbench.Display;
using Workbench.IO;
using Workbench.Models;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Runtime;
using Workbench.Simulation;

namespace Workbench.Cli.Commands;

/// <summary>
/// <c>workbench phenomena</c>: the retinal phenomena battery (the paper's Fig. 3) on a trained run, or on a simulated
/// retina itself, as a verdict table; optionally every result as JSON and every figure in an offline HTML page.
/// </summary>
public sealed class PhenomenaCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "phenomena";

    /// <inheritdoc/>
    public string Summary => "Run the retinal phenomena battery (Fig. 3) on a trained run or on a simulated retina: a verdict per phenomenon.";

    /// <inheritdoc/>
    public string Help => $"""
        Usage: workbench phenomena RUN [--input recording|zscored] [--natural FILE] [--only P1,P2] [--quick] [--json OUT] [--report OUT.html] [--device D]
               workbench phenomena --retina DIR [--natural FILE] [--only P1,P2] [--quick] [--json OUT] [--report OUT.html] [--device D]

        Runs every phenomenon of the battery ({string.Join(", ", PhenomenaBattery.Default.Select(p => p.Name))}) with the
        reference's stimuli and prints per phenomenon its verdict (Present, Absent, Inconclusive), its headline numbers and
        the criterion that decided it.
        RUN is a run directory (or its best.weights) of any model family. Stimuli are built in contrast units and shown to
        the model through --input: 'recording' (default when the run was trained on a simulated recording, i.e. its data
        file sits next to a {RetinaSimulation.GroundTruthFileName}): contrast → stored intensity → the run's stimulus
        normalisation, as the simulated file encoded it; 'zscored' (default otherwise; the reference's convention): the
        contrast values are fed as z-scored model input unchanged.
        --retina DIR runs the battery on the synthetic retina itself (DIR/{RetinaSimulation.GroundTruthFileName}, e.g. a
        directory written by 'workbench simulate'), in contrast units: the answers trained models are compared with.
        Phenomena measured over natural scenes (polarity reversal) use the test movie of --natural FILE (a naturalscene.h5
        in the deep-retina layout); by default the run's own training file when it is one, or DIR/{RetinaSimulation.NaturalSceneFileName}
        for --retina. The movie is shown to each model in its own units (for --input recording and the retina, through
        contrast). Without one they are Inconclusive and say so.
        --only runs just the named phenomena (comma-separated, as listed above).
        --quick uses fewer conditions (what CI runs). --json writes every result record (numbers, verdict, criterion and each
        figure's data); --report writes a standalone HTML page with the verdict table and each phenomenon's figure.
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["quick"], ["retina", "input", "natural", "only", "json", "report", "device"]);
        string? retinaDir = a.Option("retina");
        if ((retinaDir is null) == (a.Positionals.Count == 0) || a.Positionals.Count > 1)
            throw new UsageException($"workbench {Name}: give either one run directory or --retina DIR.");
        var runtime = TorchRuntime.Initialize(new RuntimeOptions { Device = a.Option("device") });

        RetinaModel model;
        StimulusInput input;
        string subject;
        string? natural = a.Option("natural");
        if (natural is not null && !File.Exists(natural)) throw new FileNotFoundException($"--natural {natural}: no such file.", natural);
        bool throughContrast;   // the natural movie goes through contrast and the input adapter (else: the file's z-scored units as they are)
        if (retinaDir is not null)
        {
            if (a.Option("input") is not null) throw new UsageException("--input applies to trained runs; the retina takes contrast units.");
            string truth = Path.Combine(retinaDir, RetinaSimulation.GroundTruthFileName);
            if (!File.Exists(truth)) throw new FileNotFoundException($"--retina {retinaDir}: no {RetinaSimulation.GroundTruthFileName} there (write one with 'workbench simulate').", truth);
            model = GroundTruthModel.Load(truth);
            input = StimulusInput.Contrast;
            throughContrast = true;
            string own = Path.Combine(retinaDir, RetinaSimulation.NaturalSceneFileName);
            natural ??= File.Exists(own) ? own : null;
            subject = $"the synthetic retina of {retinaDir}";
        }
        else
        {
            string run = a.Positionals[0];
            string weights = Directory.Exists(run) ? Path.Combine(run, "best.weights") : run;
            if (!File.Exists(weights)) throw new FileNotFoundException($"workbench {Name}: no such checkpoint {weights}.", weights);
            new Training.RunDirectory(Directory.Exists(run) ? run : Path.GetDirectoryName(Path.GetFullPath(run))!).RefuseIfDiverged("analysed");
            var (loaded, info) = Checkpoint.Load(weights, runtime.Device);
            model = loaded;
            string? source = info.Data?.Source;
            bool simulated = source is not null && File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source)) ?? "", RetinaSimulation.GroundTruthFileName));
            string mode = a.Option("input") ?? (simulated ? "recording" : "zscored");
            input = mode switch
            {
                "recording" => StimulusInput.ForRecording(info.Normalisation
                    ?? throw new UsageException($"--input recording: {weights} records no stimulus normalisation; use --input zscored.")),
                "zscored" => StimulusInput.Contrast,
                _ => throw new UsageException($"--input {mode}: expected 'recording' or 'zscored'."),
            };
            subject = $"{info.Spec.Kind} ({run})";
            throughContrast = mode == "recording";
            natural ??= source is not null && File.Exists(source) && Path.GetFileName(source) == RetinaSimulation.NaturalSceneFileName ? source : null;
        }

        var battery = PhenomenaBattery.Default;
        if (a.Option("only") is { } only)
        {
            var names = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (string n in names)
                if (battery.All(p => p.Name != n))
                {
                    model.Dispose();
                    throw new UsageException($"--only {n}: no such phenomenon; the battery has {string.Join(", ", battery.Select(p => p.Name))}.");
                }
            battery = battery.Where(p => names.Contains(p.Name)).ToList();
        }
        using var _ = model;
        using var scenes = natural is null ? null : NaturalMovie(natural, input, throughContrast);
        var options = new PhenomenaOptions { Quick = a.Flag("quick"), NaturalScenes = scenes };
        Console.Error.WriteLine($"phenomena: {subject}, input {input.Name}{(options.Quick ? ", quick" : "")}, natural scenes: {natural ?? "none"}");
        var results = new List<PhenomenonResult>();
        foreach (var phenomenon in battery)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = PhenomenaBattery.Run(model, input, options, [phenomenon])[0];
            Console.Error.WriteLine($"  {phenomenon.Name}: {result.Verdict} ({clock.Elapsed.TotalSeconds:F1} s)");
            results.Add(result);
        }

        Console.WriteLine($"Phenomena of {subject} (input: {input.Name}):");
        int width = Math.Max(10, results.Max(r => r.Name.Length));
        foreach (var r in results)
        {
            Console.WriteLine($"  {r.Name.PadRight(width)} {r.Verdict,-12} {string.Join(", ", r.Numbers.Select(kv => $"{kv.Key} {kv.Value:G4}"))}");
            Console.WriteLine($"  {"".PadRight(width)} {"",-12} criterion: {r.Criterion}");
        }
        if (a.Option("json") is { } json)
        {
            JsonFiles.Write(json, new { Subject = subject, Input = input.Name, options.Quick, Results = results });
            Console.WriteLine($"Wrote {Path.GetFullPath(json)}");
        }
        if (a.Option("report") is { } report)
        {
            var sections = new List<(string, Plotly.NET.GenericChart)>();
            foreach (var r in results) sections.Add(($"{r.Name}: {r.Verdict}. Criterion: {r.Criterion}", PhenomenaCharts.Figure(r)));
            AtomicFile.WriteAllText(report, ChartHtml.Page($"Retinal phenomena of {subject}", sections));
            Console.WriteLine($"Wrote {Path.GetFullPath(report)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The test movie of a deep-retina file in a model's input units: through contrast and the model's input adapter (for
    /// the retina and models of simulated recordings), or in the file's own z-scored units as read (for z-scored models).
    /// </summary>
    private static torch.Tensor NaturalMovie(string file, StimulusInput input, bool throughContrast)
    {
        var experiment = Data.DeepRetina.DeepRetinaFile.ReadExperiment(file);
        using var train = experiment.Train;
        using var test = experiment.Test;
        if (!throughContrast) return test.Stimulus.clone();
        using var contrast = StimulusEncoding.FromModelInput(test.Stimulus, test.Normalisation
            ?? throw new InvalidDataException($"--natural {file}: its test stimulus carries no normalisation."));
        return input.ToModel(contrast);
    }
}
