using Workbench.Cli.CommandLine;
using Workbench.Data.Manifests;

namespace Workbench.Cli.Commands;

/// <summary><c>workbench data fetch</c>: downloads a manifest's files, resumably, and verifies them.</summary>
public sealed class DataFetchCommand : ICommand
{
    /// <inheritdoc/>
    public string Name => "data fetch";

    /// <inheritdoc/>
    public string Summary => "Download a manifest's files over HTTP (progress, resume, verification).";

    /// <inheritdoc/>
    public string Help => """
        Usage: workbench data fetch MANIFEST --dir DIR [--file PATH]

        Downloads every file that has a URL into DIR (or only PATH): into <file>.part, resuming an interrupted download
        with an HTTP Range request, then checks size and SHA-256 and renames it into place. Files already present and
        verified are skipped; files without a URL are listed with the manifest's instructions. Ctrl+C leaves a
        resumable .part. Exit code 1 if any download or verification failed.
        """;

    /// <inheritdoc/>
    public int Run(IReadOnlyList<string> args)
    {
        var a = new Arguments(args, Name, [], ["dir", "file"]);
        if (a.Positionals.Count != 1) throw new UsageException($"workbench {Name}: expected one manifest, got {a.Positionals.Count}.");
        string dir = a.Option("dir") ?? throw new UsageException($"workbench {Name}: --dir DIR is required.");
        var manifest = Manifests.Load(a.Positionals[0]);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            using var bar = new ConsoleProgress();
            var progress = new Progress<DownloadProgress>(p =>
            {
                bar.Detail = $"{p.Bytes / 1e6:F1}{(p.Total is { } t ? $" / {t / 1e6:F1}" : "")} MB at {p.BytesPerSecond / 1e6:F1} MB/s";
                bar.Report(new ProgressReport($"downloading {p.File}", p.Total is { } total && total > 0 ? (double)p.Bytes / total : 0));
            });
            var results = new ManifestFetcher(client).FetchAsync(manifest, dir, a.Option("file"), progress, cancel.Token).GetAwaiter().GetResult();
            bar.Dispose();
            foreach (var r in results) Console.WriteLine($"  {r.Status,-15} {r.Path}: {r.Message}");
            return results.Any(r => r.Status == FetchStatus.Failed) ? ExitCodes.Failed : ExitCodes.Ok;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Cancelled; partial downloads were kept as .part files. Run the same command to resume.");
            return ExitCodes.Failed;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
