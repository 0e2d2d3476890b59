using System.Text.Json;
using System.Text.Json.Nodes;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Support;

/// <summary>What <c>execute_in_kernel.py</c> left: the executed notebook and the messages the kernel sent.</summary>
internal sealed record KernelRun(int ExitCode, string StandardError, string NotebookPath, JsonObject Messages)
{
    /// <summary>Seconds the kernel took, from start to the last cell.</summary>
    public double Seconds => Messages["seconds"]!.GetValue<double>();

    /// <summary>The recorded output messages, in order.</summary>
    public IReadOnlyList<JsonObject> Outputs => Messages["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
}

/// <summary>
/// The real .NET Interactive kernel (the dotnet-interactive tool pinned in .config/dotnet-tools.json), registered as a
/// Jupyter kernel in a folder of its own for this test run and driven by Debian's nbclient, as Jupyter and VS Code run it.
/// </summary>
internal static class JupyterKernel
{
    private static readonly Lazy<string> DataHome = new(Register);

    /// <summary>The Python that has nbclient: Debian's (python3-nbclient), not whatever python3 a version manager puts first.</summary>
    public static string Python { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>The driver script.</summary>
    public static string Driver { get; } = RepositoryPaths.Of("tests", "Workbench.Cli.Tests", "Kernel", "execute_in_kernel.py");

    /// <summary>Runs <paramref name="notebook"/> in the kernel (quick mode when asked) into <paramref name="outDir"/>.</summary>
    public static KernelRun Execute(string notebook, string outDir, bool quick)
    {
        var args = new List<string> { Driver, notebook, outDir };
        if (quick) args.Add("--quick");
        var r = ExternalTool.Start(Python, args, RepositoryPaths.Root, TimeSpan.FromMinutes(20), Environment());
        string name = Path.GetFileNameWithoutExtension(notebook);
        string messages = Path.Combine(outDir, name + ".messages.json");
        if (!File.Exists(messages))
            throw new InvalidOperationException($"{Driver} wrote no {messages} (exit {r.ExitCode}). Its stderr:\n{r.StandardError}\n" +
                "It needs Debian's python3-nbclient and python3-jupyter-client: run ./environment/setup.sh.");
        return new KernelRun(r.ExitCode, r.StandardError, Path.Combine(outDir, name + ".ipynb"), JsonNode.Parse(File.ReadAllText(messages))!.AsObject());
    }

    private static Dictionary<string, string?> Environment() => new()
    {
        // Both .NET (where the tool writes kernelspecs) and jupyter_core (where clients look) honour XDG_DATA_HOME.
        ["XDG_DATA_HOME"] = DataHome.Value,
        ["JUPYTER_PATH"] = Path.Combine(DataHome.Value, "jupyter"),
        ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    /// <summary>
    /// Registers the kernelspecs with <c>dotnet interactive jupyter install</c> in a new data folder, and checks that
    /// the C# one is really there: the tool reports success without writing anything when the kernels folder is missing.
    /// </summary>
    private static string Register()
    {
        string home = Path.Combine(Path.GetTempPath(), "workbench-tests", "jupyter-" + Guid.NewGuid().ToString("N")[..12]);
        string kernels = Path.Combine(home, "jupyter", "kernels");
        Directory.CreateDirectory(kernels);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(home, recursive: true); } catch (IOException) { } };
        var env = new Dictionary<string, string?>
        {
            ["XDG_DATA_HOME"] = home,
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var r = ExternalTool.Start("dotnet", ["tool", "run", "dotnet-interactive", "jupyter", "install"], RepositoryPaths.Root,
            TimeSpan.FromMinutes(3), env);
        string spec = Path.Combine(kernels, ".net-csharp", "kernel.json");
        if (!File.Exists(spec))
            throw new InvalidOperationException($"'dotnet tool run dotnet-interactive jupyter install' (exit {r.ExitCode}) wrote no {spec}. " +
                $"Run ./environment/setup.sh (it restores the pinned tool, .config/dotnet-tools.json). Output:\n{r.StandardOutput}\n{r.StandardError}");
        var argv = JsonNode.Parse(File.ReadAllText(spec))!["argv"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        if (argv.Count < 2 || argv[0] != "dotnet" || argv[1] != "interactive")
            throw new InvalidOperationException($"{spec}: unexpected argv {JsonSerializer.Serialize(argv)}");
        return home;
    }
}
