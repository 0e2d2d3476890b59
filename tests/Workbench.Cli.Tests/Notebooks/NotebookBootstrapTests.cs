using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Cli.Notebooks;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;
using static Workbench.Cli.Tests.Support.TestNotebook;

namespace Workbench.Cli.Tests.Notebooks;

/// <summary>
/// The one line notebooks load the workbench with, <c>#load "workbench.csx"</c>: written by every build, answered by the
/// runner with the assemblies it holds, and loaded by the real .NET Interactive C# kernel (dotnet-repl) from a Release
/// build in another working folder.
/// </summary>
public class NotebookBootstrapTests : IDisposable
{
    /// <summary>0 + 1 + ... + 9: what torch.arange(10).sum() must give in either host.</summary>
    private const long ArangeSum = 45;

    private static readonly Regex ReferenceLine = new("^#r \"(?<path>[^\"]+)\"$", RegexOptions.Multiline);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheBuildWritesTheBootstrap_BesideTheNotebooks_WithAbsolutePathsToItsOwnOutput()
    {
        string script = File.ReadAllText(RepositoryPaths.Of("notebooks", WorkbenchBootstrap.FileName));

        var paths = ReferenceLine.Matches(script).Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(WorkbenchBootstrap.Assemblies, paths.Select(Path.GetFileName));
        Assert.All(paths, p => Assert.True(Path.IsPathFullyQualified(p) && File.Exists(p), $"{p}: not an existing absolute path"));
        string folder = Assert.Single(paths.Select(Path.GetDirectoryName).Distinct())!;
        Assert.StartsWith(RepositoryPaths.Of("src", "Workbench", "bin") + Path.DirectorySeparatorChar, folder + Path.DirectorySeparatorChar);
    }

    [Fact]
    public void RepositoryNotebooks_LoadTheWorkbenchWithTheBootstrapLine_AndNameNoBuildFolder()
    {
        foreach (string path in Directory.GetFiles(RepositoryPaths.Of("notebooks"), "*.ipynb"))
        {
            string source = string.Join("\n", NotebookDocument.Load(path).Cells.Where(c => c.Kind == CellKind.Code).Select(c => c.Source));
            Assert.Contains($"#load \"{WorkbenchBootstrap.FileName}\"", source);
            Assert.DoesNotContain("/bin/", source);
        }
    }

    [Fact]
    public void Bootstrap_NamingAnotherBuild_IsAnsweredByTheLoadedAssemblies_NeverASecondCopy()
    {
        File.WriteAllText(_dir.File(WorkbenchBootstrap.FileName),
            "// another build's bootstrap\n" + string.Concat(WorkbenchBootstrap.Assemblies.Select(a => $"#r \"/elsewhere/bin/Release/net10.0/{a}\"\n")));

        var run = Run(_dir.Path, Code("#load \"workbench.csx\"\n" + HostReport));

        Assert.True(run.Succeeded, Text(run.Cells[0]));
        Assert.Equal($"stdout:{ExpectedReport(typeof(Workbench.Runtime.TorchRuntime).Assembly.Location)}", Text(run.Cells[0]));
    }

    [Fact]
    public void Bootstrap_Missing_UsesTheRunnersWorkbench_WithANoteNamingTheFile()
    {
        var run = Run(_dir.Path, Code("#load \"workbench.csx\"\nusing Workbench.Runtime;\ntypeof(TorchRuntime).Assembly.GetName().Name"));

        Assert.True(run.Succeeded, Text(run.Cells[0]));
        Assert.Contains($"{_dir.File(WorkbenchBootstrap.FileName)} does not exist", Text(run.Cells[0]));
        Assert.EndsWith("|result:Workbench", Text(run.Cells[0]));
    }

    [Fact]
    public void LoadedScript_ItsCodeRuns_ItsReferencesAreAnswered_AndCompilerLinesStillMatch()
    {
        Directory.CreateDirectory(_dir.File("lib"));
        File.WriteAllText(_dir.File(Path.Combine("lib", "helpers.csx")),
            "#r \"../../build/Workbench.dll\"\nint Triple(int v) => 3 * v;\nvar fromScript = typeof(Workbench.Runtime.TorchRuntime).Name;\n");

        var run = Run(_dir.Path, Code("#load \"lib/helpers.csx\"\nTriple(14)"), Code("#load \"lib/helpers.csx\"\nnot C#"));

        Assert.Equal("result:42", Text(run.Cells[0]));
        var error = Assert.IsType<ErrorOutput>(Assert.Single(run.Cells[1].Outputs));
        Assert.StartsWith("line 2,", error.Traceback[0]);
    }

    [Fact]
    public void LoadOfAMissingScript_IsBadInput_NamingThePath()
    {
        var e = Assert.Throws<NotebookInputException>(() => Run(_dir.Path, Code("var a = 1;"), Code("#load \"setup/missing.csx\"")));

        Assert.Contains("cell 2, line 1", e.Message);
        Assert.Contains(_dir.File(Path.Combine("setup", "missing.csx")), e.Message);
    }

    /// <summary>
    /// The proof for users: a Release build writes the bootstrap, and the same notebook loads the workbench in the
    /// .NET Interactive C# kernel (dotnet-repl, whose relative paths resolve against its working folder, as Jupyter's
    /// kernel does with the notebook's folder) and in the runner started from an unrelated folder; torch computes in both
    /// and each process holds exactly one Workbench assembly.
    /// </summary>
    [Fact]
    public void ReleaseBuild_TheSameLineLoadsTheWorkbench_InTheRealKernel_AndInTheRunnerFromAnotherFolder()
    {
        string notebooks = _dir.File("notebooks");
        Directory.CreateDirectory(notebooks);
        string bootstrap = Path.Combine(notebooks, WorkbenchBootstrap.FileName);
        var build = ExternalTool.Start("dotnet", ["build", RepositoryPaths.Of("src", "Workbench", "Workbench.csproj"), "-c", "Release",
            "--nologo", "-v", "quiet", "-clp:ErrorsOnly", $"-p:NotebookBootstrapFile={bootstrap}"], RepositoryPaths.Root, TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, $"Release build failed:\n{build.StandardOutput}\n{build.StandardError}");
        string release = RepositoryPaths.Of("src", "Workbench", "bin", "Release", "net10.0", "Workbench.dll");
        Assert.Contains($"#r \"{release}\"", File.ReadAllText(bootstrap));

        string notebook = Write(notebooks, "load-check", Code("#load \"workbench.csx\"\n" + HostReport));

        // The real kernel: dotnet-repl (pinned in .config/dotnet-tools.json) hosts Microsoft.DotNet.Interactive's CSharpKernel.
        string executed = _dir.File("repl.ipynb");
        var repl = ExternalTool.Start("dotnet", [DotnetRepl(), "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", executed],
            notebooks, TimeSpan.FromMinutes(5));
        Assert.True(repl.ExitCode == 0, $"dotnet-repl exit {repl.ExitCode}\n{repl.StandardOutput}\n{repl.StandardError}\n{(File.Exists(executed) ? File.ReadAllText(executed) : "")}");
        Assert.Equal(ExpectedReport(release), StdoutOf(executed));

        // The runner, started in an unrelated folder: it resolves the line against the notebook's folder.
        string elsewhere = _dir.File("elsewhere");
        Directory.CreateDirectory(elsewhere);
        var runner = WorkbenchProcess.Run(elsewhere, "notebook", "run", notebook, "--out", _dir.File("out"));
        Assert.True(runner.ExitCode == 0, $"runner exit {runner.ExitCode}\n{runner.StandardError}");
        Assert.Equal(ExpectedReport(Path.Combine(AppContext.BaseDirectory, "Workbench.dll")), StdoutOf(_dir.File(Path.Combine("out", "load-check.ipynb"))));
    }

    /// <summary>C# that prints where Workbench came from, how many copies the process holds, and a torch result.</summary>
    private const string HostReport =
        "using TorchSharp;\n" +
        "Workbench.Runtime.TorchRuntime.Initialize(new Workbench.Runtime.RuntimeOptions { Device = \"cpu\", Seed = 1 });\n" +
        "Console.WriteLine($\"workbench={typeof(Workbench.Runtime.TorchRuntime).Assembly.Location}\");\n" +
        "Console.WriteLine($\"copies={AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == \"Workbench\")}\");\n" +
        "Console.WriteLine($\"sum={torch.arange(10).sum().item<long>()}\");\n";

    private static string ExpectedReport(string workbench) => $"workbench={workbench}\ncopies=1\nsum={ArangeSum}\n";

    private static string StdoutOf(string executedNotebook)
    {
        var cells = JsonNode.Parse(File.ReadAllText(executedNotebook))!["cells"]!.AsArray();
        var outputs = cells.SelectMany(c => c!["outputs"]?.AsArray() ?? []).ToList();
        Assert.DoesNotContain(outputs, o => o!["output_type"]!.GetValue<string>() == "error");
        return string.Concat(outputs.Where(o => o!["output_type"]!.GetValue<string>() == "stream" && o["name"]!.GetValue<string>() == "stdout")
            .SelectMany(o => o!["text"] is JsonArray lines ? lines.Select(l => l!.GetValue<string>()) : [o["text"]!.GetValue<string>()]));
    }

    /// <summary>dotnet-repl's entry assembly, as <c>dotnet tool restore</c> (./environment/setup.sh) put it in the NuGet cache.</summary>
    private static string DotnetRepl()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of(".config", "dotnet-tools.json")))!;
        string version = manifest["tools"]!["dotnet-repl"]!["version"]!.GetValue<string>();
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string tools = Path.Combine(cache, "dotnet-repl", version, "tools");
        string? dll = Directory.Exists(tools) ? Directory.GetFiles(tools, "dotnet-repl.dll", SearchOption.AllDirectories).FirstOrDefault() : null;
        return dll ?? throw new InvalidOperationException(
            $"dotnet-repl {version} is not restored ({tools} is missing): run ./environment/setup.sh, which runs 'dotnet tool restore'.");
    }
}
