using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Notebooks;

/// <summary>Every notebook in notebooks/ runs headless in quick mode, one test per notebook, so a new one is covered at once.</summary>
public class RepositoryNotebooksTests
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(RepositoryPaths.Of("notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_RunsInQuickMode_IntoAValidExecutedNotebookAndReport(string notebook)
    {
        using var dir = new TempDirectory();

        var r = WorkbenchProcess.Run(RepositoryPaths.Root, "notebook", "run", RepositoryPaths.Of("notebooks", notebook), "--quick", "--out", dir.Path);

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StandardError}");
        string name = Path.GetFileNameWithoutExtension(notebook);
        Assert.Null(Oracles.NbformatError(Path.Combine(dir.Path, name + ".ipynb")));
        Assert.True(new FileInfo(Path.Combine(dir.Path, name + ".html")).Length > 0);
    }

    [Fact]
    public void CommittedNotebooks_CarryNoOutputs_AndDeclareQuick()
    {
        foreach (string path in Directory.GetFiles(RepositoryPaths.Of("notebooks"), "*.ipynb"))
        {
            var doc = Workbench.Cli.Notebooks.NotebookDocument.Load(path);
            Assert.All(doc.Cells, c => Assert.True(c.Json["outputs"] is null || c.Json["outputs"]!.AsArray().Count == 0, $"{path}: cell {c.Number} has outputs"));
            var parameters = Workbench.Cli.Notebooks.NotebookParameters.FindCell(doc);
            Assert.True(parameters is not null, $"{path}: no parameters cell");
            Assert.Contains("quick", Workbench.Cli.Notebooks.NotebookParameters.DeclaredNames(parameters!));
        }
    }
}
