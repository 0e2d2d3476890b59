using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using Workbench.Display;
using Workbench.Runtime;
using Workbench.Tests.Support;

namespace Workbench.Tests.Display;

public class NotebookDisplayTests
{
    private static GenericChart Chart() =>
        Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 1.0, 2.0, 3.0 }, new[] { 2.0, 4.0, 8.0 }, Name: "doubling");

    [Fact]
    public void Charts_BecomeAFragmentThatWaitsForPlotly_AndATextSummary()
    {
        var bundle = NotebookDisplay.ToMimeBundle(Chart());

        Assert.Contains(ChartHtml.Marker, bundle["text/html"]);
        Assert.Contains("\"x\":[1.0,2.0,3.0]", bundle["text/html"]);
        Assert.Contains("window.workbenchPlotlyQueue", bundle["text/html"]);
        Assert.DoesNotContain("plotly.js v", bundle["text/html"]);
        Assert.Equal("Plotly chart (1 trace: scatter)", bundle["text/plain"]);
    }

    [Fact]
    public void KernelFormatter_CarriesPlotlyJsOnlyWithTheFirstChart()
    {
        NotebookDisplay.RegisterFormatters();
        string first = Chart().ToDisplayString("text/html"), second = Chart().ToDisplayString("text/html");

        // Another test may have formatted the process's first chart already; then neither carries it.
        Assert.False(first.Contains("plotly.js v") && second.Contains("plotly.js v"));
        Assert.DoesNotContain("plotly.js v", second);
        Assert.Contains(ChartHtml.Marker, second);
    }

    [Fact]
    public void PlotlyJs_IsTheBundledVersion_ShieldedFromRequireJs()
    {
        string script = PlotlyJs.ScriptElement();

        Assert.Equal("2.28.0", PlotlyJs.Version);
        Assert.StartsWith("<script", script);
        Assert.Contains("(function (define, module, exports) {", script);
        Assert.Contains(".call(window, undefined, undefined, undefined)", script);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(script, "</script>"));
        Assert.True(script.Length > 3_000_000);
    }

    [Fact]
    public void SmallTensors_ShowTheirValues_LargeOnesASummaryWithTheirRange()
    {
        TestTorch.Cpu();
        using var small = TorchSharp.torch.tensor(new float[] { 1.5f, -2f });
        using var large = TorchSharp.torch.arange(0, 5000, dtype: TorchSharp.torch.ScalarType.Float32);

        string s = NotebookDisplay.TensorText(small), l = NotebookDisplay.TensorText(large);

        Assert.StartsWith("tensor [2] Float32 on cpu", s);
        Assert.Contains("1.5", s);
        Assert.Contains("-2", s);
        Assert.Equal("tensor [5000] Float32 on cpu: min 0, max 4999, mean 2499.5", l);
    }

    [Fact]
    public void Strings_ArePlainText_AndNullSaysSo()
    {
        Assert.Equal(new Dictionary<string, string> { ["text/plain"] = "hi <b>" }, NotebookDisplay.ToMimeBundle("hi <b>"));
        Assert.Equal("<null>", NotebookDisplay.ToMimeBundle(null)["text/plain"]);
    }

    [Fact]
    public void MimeTypes_RestrictTheBundle()
    {
        var bundle = NotebookDisplay.ToMimeBundle(Chart(), ["text/plain"]);

        Assert.Equal(["text/plain"], bundle.Keys);
    }

    [Fact]
    public void RuntimeReport_RendersAsATable()
    {
        var report = TestTorch.Cpu();

        string html = NotebookDisplay.ToMimeBundle(report)["text/html"];

        Assert.StartsWith("<table class=\"workbench-table\">", html);
        Assert.Contains("<th style=\"text-align:left\">TorchSharp</th><td style=\"text-align:left\">0.107.0</td>", html);
    }
}
