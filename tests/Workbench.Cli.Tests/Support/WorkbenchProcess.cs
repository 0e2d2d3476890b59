using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Support;

/// <summary>Runs the workbench command line as a separate process, as users and CI do.</summary>
internal static class WorkbenchProcess
{
    /// <summary>Runs <c>workbench args…</c> in <paramref name="workingDirectory"/> (default: the clone's root).</summary>
    public static ProcessResult Run(string? workingDirectory, params string[] args) => RunWith(null, workingDirectory, args);

    /// <summary>Runs <c>workbench args…</c> with extra environment variables (e.g. a planted fault).</summary>
    public static ProcessResult RunWith(IReadOnlyDictionary<string, string?>? environment, string? workingDirectory, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Workbench.Cli.dll");
        return ExternalTool.Start("dotnet", ["exec", "--runtimeconfig", Path.ChangeExtension(dll, ".runtimeconfig.json"),
            "--depsfile", Path.ChangeExtension(dll, ".deps.json"), dll, .. args],
            workingDirectory ?? RepositoryPaths.Root, TimeSpan.FromMinutes(15), environment);
    }
}
