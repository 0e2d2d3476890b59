using Workbench.Cli.CommandLine;
using Workbench.Runtime;
using Workbench.Simulation;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench simulate</c>: writes a synthetic-retina data set in the deep-retina layout.</summary>
public sealed class SimulateCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "simulate";

    /// <inheritdoc/>
    public string Summary => "Simulate the ground-truth synthetic retina into naturalscene.h5, whitenoise.h5, interneurons.h5.";

    /// <inheritdoc/>
    public string Help => $"""
        Usage: workbench simulate --preset tiny|small|paper [--seed S] --out DIR [--threads N]

        Runs the synthetic retina (bipolar pathways with contrast gain control, wide-field amacrine cells, ganglion
        cells pooling rectified subunits, Poisson spikes) on natural scenes and white noise, and writes DIR/naturalscene.h5
        and DIR/whitenoise.h5 (deep-retina layout: train with one trial, test with repeats), DIR/interneurons.h5 and
        DIR/ground-truth.json (every parameter). The same seed gives the same files. Files of these names already in DIR
        (an earlier simulation, or damaged copies) are replaced as a set once the new ones are complete; if the run
        fails or is stopped they stay as they were. Other files in DIR are left alone.

        Presets:
        {string.Join("\n", SimulationPresets.All.Select(p => $"  {p.Name,-6} {p.Description}"))}

          --seed S      seed (default 1)
          --threads N   CPU threads for torch (default: all cores)
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, [], ["preset", "seed", "out", "threads"]);
        if (a.Positionals.Count > 0) throw new UsageException($"workbench {Name}: unexpected argument '{a.Positionals[0]}'.");
        var preset = SimulationPresets.Named(a.Option("preset") ?? throw new UsageException($"workbench {Name}: --preset is required (tiny, small or paper)."));
        string output = a.Option("out") ?? throw new UsageException($"workbench {Name}: --out DIR is required.");
        int seed = a.Int("seed") ?? 1;
        TorchRuntime.Initialize(new RuntimeOptions { Device = "cpu", Threads = a.Int("threads") });
        Console.Error.WriteLine($"Simulating preset {preset.Name} (seed {seed}): {preset.Description}");
        var earlier = RetinaSimulation.FileNames.Where(n => File.Exists(Path.Combine(output, n))).ToList();
        if (earlier.Count > 0)
            Console.Error.WriteLine($"{Path.GetFullPath(output)} holds {string.Join(", ", earlier)} from before: they are replaced, all together, only once the new files are complete.");
        SimulationOutcome outcome;
        using (var bar = new ConsoleProgress())
            outcome = RetinaSimulation.Run(preset, seed, output, bar);
        Console.WriteLine($"Wrote {outcome.Directory} in {outcome.Duration.TotalSeconds:F1} s:");
        foreach (string file in outcome.Files) Console.WriteLine($"  {Path.GetFileName(file),-20} {new FileInfo(file).Length / 1e6,8:F1} MB");
        Console.WriteLine($"Mean rates, natural scenes (Hz): {string.Join(", ", outcome.NaturalSceneRates.Select(r => r.ToString("F1")))}");
        Console.WriteLine($"Mean rates, white noise (Hz):    {string.Join(", ", outcome.WhiteNoiseRates.Select(r => r.ToString("F1")))}");
        return ExitCodes.Ok;
    }
}
