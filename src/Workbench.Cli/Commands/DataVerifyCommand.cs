using System.Text.Json;
using Workbench.Cli.CommandLine;
using Workbench.Data.Manifests;
using Workbench.IO;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench data verify</c>: checks a dataset folder against its manifest.</summary>
public sealed class DataVerifyCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "data verify";

    /// <inheritdoc/>
    public string Summary => "Check a dataset folder against its manifest: presence, size and SHA-256 of every file.";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench data verify MANIFEST --dir DIR [--json]

        For every file of the manifest: ok (size and checksum match what is recorded), present (nothing recorded to check),
        MISSING, SIZE (expected vs found) or CHECKSUM (expected vs found). Exit code 1 if any file is missing or differs.
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, ["json"], ["dir"]);
        if (a.Positionals.Count != 1) throw new UsageException($"workbench {Name}: expected one manifest, got {a.Positionals.Count}.");
        string dir = a.Option("dir") ?? throw new UsageException($"workbench {Name}: --dir DIR is required.");
        var manifest = Manifests.Load(a.Positionals[0]);
        IReadOnlyList<FileVerification> results;
        using (var bar = new ConsoleProgress())
            results = ManifestVerifier.Verify(manifest, dir, bar);
        if (a.Flag("json")) Console.WriteLine(JsonSerializer.Serialize(results, JsonFiles.Options));
        else
        {
            Console.WriteLine($"{manifest.Name}: {Path.GetFullPath(dir)}");
            foreach (var r in results) Console.WriteLine($"  {r.Describe()}");
            int bad = results.Count(r => !r.Passed);
            Console.WriteLine(bad == 0 ? $"All {results.Count} files verified." : $"{bad} of {results.Count} files missing or different.");
        }
        return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
