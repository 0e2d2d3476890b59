using Xunit.Abstractions;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/ runs in quick mode twice, one test per notebook so a new one is covered at once: headless
/// with the workbench's runner (what CI and <c>workbench notebook run</c> do) and in the real .NET Interactive kernel
/// through nbclient (what VS Code and Jupyter do). Both must run every cell without an error, draw the same charts as
/// text/html, and show the same headline numbers; the kernel's live views must update the outputs they were shown in.
/// </summary>
public class RepositoryNotebooksTests(ITestOutputHelper output)
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
    public void Notebook_RunsInQuickMode_HeadlessAndInTheKernel_Alike(string notebook)
    {
        using var dir = new TempDirectory();
        string name = Path.GetFileNameWithoutExtension(notebook), source = RepositoryPaths.Of("notebooks", notebook);

        // Headless first: it also fills the simulation cache the kernel's run then reuses (same library build).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = WorkbenchProcess.Run(RepositoryPaths.Root, "notebook", "run", source, "--quick", "--out", Path.Combine(dir.Path, "headless"));
        double headlessSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StandardError}");
        string headless = Path.Combine(dir.Path, "headless", name + ".ipynb");
        Assert.Null(Oracles.NbformatError(headless));
        Assert.True(new FileInfo(Path.Combine(dir.Path, "headless", name + ".html")).Length > 0);

        var kernel = JupyterKernel.Execute(source, Path.Combine(dir.Path, "kernel"), quick: true);
        output.WriteLine($"{notebook}: headless {headlessSeconds:F1} s, kernel {kernel.Seconds:F1} s");
        Assert.True(kernel.ExitCode == 0, $"{notebook} in the .NET Interactive kernel: exit {kernel.ExitCode}\n{kernel.StandardError}");

        var inKernel = NotebookOutputs.ByCell(kernel.NotebookPath);
        var byRunner = NotebookOutputs.ByCell(headless);
        Assert.Equal(byRunner.Keys.Order(), inKernel.Keys.Order());   // both inject one parameters cell at the same place
        Assert.All(inKernel, cell => Assert.DoesNotContain(cell.Value, o => (string?)o["output_type"] == "error"));

        foreach (int cell in byRunner.Keys)
        {
            // Charts: the same number in each cell, as text/html in the kernel too (the workbench's formatter).
            Assert.True(byRunner[cell].Sum(NotebookOutputs.Charts) == inKernel[cell].Sum(NotebookOutputs.Charts),
                $"{notebook} cell {cell}: {byRunner[cell].Sum(NotebookOutputs.Charts)} charts headless, {inKernel[cell].Sum(NotebookOutputs.Charts)} in the kernel");
            Assert.Equal(NotebookOutputs.HeadlineNumbers(byRunner[cell]), NotebookOutputs.HeadlineNumbers(inKernel[cell]));
        }
        int charts = inKernel.Values.Sum(c => c.Sum(NotebookOutputs.Charts));
        if (charts > 0)   // the first chart of the session carries plotly.js, so the kernel's charts draw offline
            Assert.Single(inKernel.Values.SelectMany(c => c), o => (NotebookOutputs.Text(o, "text/html") ?? "").Contains("inlined for offline use"));

        // Live views: every update names an output the kernel announced before (else Jupyter and VS Code drop it).
        var announced = new HashSet<string>();
        int updates = 0;
        foreach (var m in kernel.Outputs)
        {
            string? id = (string?)m["display_id"];
            if ((string?)m["type"] == "display_data" && id is not null) announced.Add(id);
            if ((string?)m["type"] != "update_display_data") continue;
            updates++;
            Assert.True(id is not null && announced.Contains(id), $"{notebook} cell {m["cell"]}: update_display_data for display_id {id}, never displayed");
        }
        if (File.ReadAllText(source).Contains(".Attach(display(", StringComparison.Ordinal))
            Assert.True(updates > 0, $"{notebook} shows live views, but the kernel sent no update_display_data");
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
