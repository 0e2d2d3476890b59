using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Workbench.Cli.Notebooks;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;
using static Workbench.Cli.Tests.Support.TestNotebook;

namespace Workbench.Cli.Tests.Notebooks;

public class NotebookWritersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string ChartCell = "#r \"nuget: Plotly.NET.CSharp\"\n#r \"nuget: Plotly.NET\"\nusing Plotly.NET.CSharp;\n" +
                                     "Chart.Point<double, double, string>(new[] { 1.0, 2.0 }, new[] { 3.0, 1.0 })";

    private NotebookRun MixedRun(bool fail) => Run(_dir.Path,
        NotebookParameters.ParseOverrides(["n=4"], quick: false),
        Markdown("# Report title\n\nSome **bold** text and a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
        Code("var n = 2;", "parameters"),
        Code("Console.WriteLine(\"x < y & z\");\ndisplay(n * 10);"),
        Code(ChartCell),
        Code(fail ? "throw new ArgumentException(\"bad <thing>\");" : "n"),
        Code(ChartCell));

    [Fact]
    public void ExecutedNotebook_IsValidNbformat45_ByJupytersOwnValidator()
    {
        foreach (bool fail in new[] { false, true })
        {
            string path = _dir.File($"executed-{fail}.ipynb");
            ExecutedNotebookWriter.Write(MixedRun(fail), path);

            Assert.Null(Oracles.NbformatError(path));
        }
    }

    [Fact]
    public void ExecutedNotebook_KeepsMetadata_AddsIdsCountsOutputsAndRunRecord()
    {
        var run = MixedRun(fail: false);
        var json = ExecutedNotebookWriter.ToJson(run);
        var cells = json["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();

        Assert.Equal("csharp", json["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]!.ToString());
        Assert.Equal(".net-csharp", json["metadata"]!["kernelspec"]!["name"]!.ToString());
        Assert.Equal("csharp", cells[1]["metadata"]!["polyglot_notebook"]!["kernelName"]!.ToString());
        Assert.Equal(cells.Count, cells.Select(c => c["id"]!.ToString()).Distinct().Count());
        Assert.Equal(NotebookParameters.InjectedTag, cells[2]["id"]!.ToString());
        Assert.Equal([1, 2, 3, 4, 5, 6], cells.Skip(1).Select(c => c["execution_count"]!.GetValue<int>()));
        Assert.False(cells[0].ContainsKey("outputs"));
        Assert.Equal("x < y & z\n", string.Concat(cells[3]["outputs"]![0]!["text"]!.AsArray().Select(l => l!.ToString())));
        Assert.Equal("succeeded", json["metadata"]!["workbench"]!["status"]!.ToString());
        Assert.Equal("4", json["metadata"]!["workbench"]!["parameters"]!["n"]!.ToString());
        Assert.Equal("execute_result", cells[5]["outputs"]![0]!["output_type"]!.ToString());
        Assert.Equal("4", string.Concat(cells[5]["outputs"]![0]!["data"]!["text/plain"]!.AsArray().Select(l => l!.ToString())));
    }

    [Fact]
    public void ExecutedNotebook_CarriesPlotlyJsExactlyOnce_InTheFirstChart()
    {
        var text = ExecutedNotebookWriter.ToJson(MixedRun(fail: false)).ToJsonString();

        Assert.Single(Regex.Matches(text, "plotly.js v2"));
        Assert.Equal(2, Regex.Matches(text, "var draw = function").Count);
        Assert.True(text.IndexOf("plotly.js v2", StringComparison.Ordinal) < text.IndexOf("var draw = function", StringComparison.Ordinal));
    }

    [Fact]
    public void FailedRun_KeepsPartialOutputs_ShowsTheError_AndLeavesLaterCellsUnrun()
    {
        var json = ExecutedNotebookWriter.ToJson(MixedRun(fail: true));
        var cells = json["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();

        Assert.Equal("failed", json["metadata"]!["workbench"]!["status"]!.ToString());
        Assert.Equal(5, json["metadata"]!["workbench"]!["failed_cell"]!.GetValue<int>());
        Assert.Equal(2, cells[3]["outputs"]!.AsArray().Count);
        var error = cells[5]["outputs"]![0]!.AsObject();
        Assert.Equal("error", error["output_type"]!.ToString());
        Assert.Equal("ArgumentException", error["ename"]!.ToString());
        Assert.Null(cells[6]["execution_count"]);
        Assert.Empty(cells[6]["outputs"]!.AsArray());
    }

    [Fact]
    public void HtmlReport_RendersMarkdownEscapesCodeAndShowsOutputs()
    {
        string html = HtmlReportWriter.ToHtml(MixedRun(fail: true));

        Assert.Contains("<title>Report title</title>", html);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.Matches(@"<table>\s*<thead>\s*<tr>\s*<th>a</th>", html);
        Assert.Contains("Console.WriteLine(&quot;x &lt; y &amp; z&quot;)", html);
        Assert.Contains("<pre class=\"output stdout\">x &lt; y &amp; z\n</pre>", html);
        Assert.Contains("ArgumentException: bad &lt;thing&gt;", html);
        Assert.Contains("failed at cell 5", html);
        Assert.Contains("not run: an earlier cell failed", html);
        Assert.Contains("<code>n=4</code>", html);
        Assert.Single(Regex.Matches(html, "plotly.js v2"));
    }

    [Fact]
    public void HtmlReport_WithoutCharts_CarriesNoPlotlyJs()
    {
        string html = HtmlReportWriter.ToHtml(Run(_dir.Path, Code("1 + 1")));

        Assert.DoesNotContain("plotly.js v", html);
        Assert.True(html.Length < 20_000, $"{html.Length} characters");
    }

    [Fact]
    public void HtmlReport_DrawsItsCharts_InARealBrowser_Offline()
    {
        string path = _dir.File("report.html");
        HtmlReportWriter.Write(MixedRun(fail: false), path);

        string dom = Oracles.RenderedDom(path);

        // plotly.js replaces each chart's empty div with an SVG tree whose root carries class "main-svg".
        Assert.Equal(2, Regex.Matches(dom, "class=\"workbench-chart[^\"]*js-plotly-plot").Count);
        Assert.True(Regex.Matches(dom, "class=\"main-svg\"").Count >= 2);
    }
}
