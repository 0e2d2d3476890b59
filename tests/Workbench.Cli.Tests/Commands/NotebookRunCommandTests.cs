using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;
using static Workbench.Cli.Tests.Support.TestNotebook;

namespace Workbench.Cli.Tests.Commands;

/// <summary>The command as users run it: a separate process, exit codes, files on disk, progress on stderr.</summary>
public class NotebookRunCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Out => _dir.File("out");

    [Fact]
    public void Success_ExitsZero_WritesBothOutputs_AndReportsEachCellOnStderr()
    {
        string nb = Write(_dir.Path, "good", Code("var quick = false; var k = 2;", "parameters"), Code("Console.WriteLine(quick ? k * 100 : k);"));

        var r = WorkbenchProcess.Run(_dir.Path, "notebook", "run", nb, "--out", Out, "--quick", "--param", "k=3");

        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        Assert.Matches(@"\[1/3\] cell 1 .* ok", r.StandardError);
        Assert.Matches(@"\[2/3\] parameters .* ok", r.StandardError);
        Assert.Matches(@"\[3/3\] cell 2 .* ok", r.StandardError);
        Assert.Null(Oracles.NbformatError(Path.Combine(Out, "good.ipynb")));
        Assert.Contains("300\n", File.ReadAllText(Path.Combine(Out, "good.html")));
    }

    [Fact]
    public void FailingCell_ExitsOne_AndStillWritesPartialOutputs()
    {
        string nb = Write(_dir.Path, "failing", Code("Console.WriteLine(\"kept\");"), Code("throw new Exception(\"boom\");"), Code("1"));

        var r = WorkbenchProcess.Run(_dir.Path, "notebook", "run", nb, "--out", Out);

        Assert.Equal(ExitCodes.Failed, r.ExitCode);
        Assert.Contains("Cell 2 failed", r.StandardError);
        Assert.Contains("Exception: boom", r.StandardError);
        string executed = File.ReadAllText(Path.Combine(Out, "failing.ipynb"));
        Assert.Contains("kept", executed);
        Assert.Contains("\"ename\": \"Exception\"", executed);
        Assert.Contains("boom", File.ReadAllText(Path.Combine(Out, "failing.html")));
    }

    [Theory]
    [InlineData("missing", "missing.ipynb: no such file")]
    [InlineData("malformed", "not valid JSON")]
    [InlineData("fsharp", "'fsharp' kernel")]
    [InlineData("unknown-package", "'Contoso.Nope'")]
    [InlineData("unknown-param", "--param nope")]
    public void BadInput_ExitsTwo_NamingTheProblem_AndWritesNothing(string kind, string expected)
    {
        string nb = _dir.File(kind + ".ipynb");
        switch (kind)
        {
            case "malformed": File.WriteAllText(nb, "{\"cells\": [}"); break;
            case "fsharp": File.WriteAllText(nb, Json(Code("#!fsharp\nlet x = 1")).ToJsonString()); break;
            case "unknown-package": Write(_dir.Path, kind, Code("#r \"nuget: Contoso.Nope\"")); break;
            case "unknown-param": Write(_dir.Path, kind, Code("var quick = false;", "parameters")); break;
        }

        var r = WorkbenchProcess.Run(_dir.Path, "notebook", "run", nb, "--out", Out, "--param", kind == "unknown-param" ? "nope=1" : "ignored=1");

        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains(expected, r.StandardError);
        Assert.False(Directory.Exists(Out));
    }

    [Theory]
    [InlineData("notebook run a.ipynb --frobnicate", "unknown option --frobnicate")]
    [InlineData("notebook run", "expected one notebook path")]
    [InlineData("notebook run a.ipynb --out", "--out needs a value")]
    [InlineData("fly", "Unknown command 'fly'")]
    public void UsageErrors_ExitTwo(string args, string expected)
    {
        var r = WorkbenchProcess.Run(_dir.Path, args.Split(' '));

        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains(expected, r.StandardError);
    }

    [Fact]
    public void OutputFolderHoldingTheSource_IsRefused()
    {
        string nb = Write(_dir.Path, "self", Code("1"));

        var r = WorkbenchProcess.Run(_dir.Path, "notebook", "run", nb, "--out", _dir.Path);

        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("would overwrite the source", r.StandardError);
    }

    [Fact]
    public void Help_ListsCommands_AndDescribesNotebookRun()
    {
        var list = WorkbenchProcess.Run(_dir.Path, "--help");
        var help = WorkbenchProcess.Run(_dir.Path, "help", "notebook", "run");

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("quickstart", list.StandardOutput);
        Assert.Contains("notebook run", list.StandardOutput);
        Assert.Contains("--param name=value", help.StandardOutput);
    }
}
