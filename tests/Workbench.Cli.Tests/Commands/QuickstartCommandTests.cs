using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

public class QuickstartCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Quickstart_FitsTheThreeModels_AndItsReportDrawsTheComparisonInABrowser()
    {
        var r = WorkbenchProcess.Run(RepositoryPaths.Root, "quickstart", "--quick", "--out", _dir.Path);

        Assert.True(r.ExitCode == 0, r.StandardError);
        string name = Path.GetFileNameWithoutExtension(QuickstartCommand.Notebook);
        string report = Path.Combine(_dir.Path, name + ".html");
        Assert.Contains($"Quickstart report: {report}", r.StandardOutput);
        Assert.Contains("with quick=true, preset=tiny", r.StandardError);
        string dom = Oracles.RenderedDom(report);
        Assert.Matches("class=\"workbench-chart[^\"]*js-plotly-plot", dom);
        Assert.Contains("class=\"main-svg\"", dom);
        foreach (string model in new[] { "CNN", "GLM", "LN" })
            Assert.Matches($"<th[^>]*>{model}</th><td[^>]*>mean r 0\\.\\d{{3}}", dom);
        Assert.Contains("Held-out natural-scene correlation per cell (Fig. 1B)", dom);
    }
}
