using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

public class QuickstartCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Quickstart_RunsTheTour_AndItsReportShowsTheChartInABrowser()
    {
        var r = WorkbenchProcess.Run(RepositoryPaths.Root, "quickstart", "--quick", "--out", _dir.Path);

        Assert.True(r.ExitCode == 0, r.StandardError);
        string report = Path.Combine(_dir.Path, "00-tour.html");
        Assert.Contains($"Quickstart report: {report}", r.StandardOutput);
        string dom = Oracles.RenderedDom(report);
        Assert.Matches("class=\"workbench-chart[^\"]*js-plotly-plot", dom);
        Assert.Contains("class=\"main-svg\"", dom);
    }
}
