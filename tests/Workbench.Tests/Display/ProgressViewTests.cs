using Microsoft.DotNet.Interactive.Formatting;
using Workbench.Display;

namespace Workbench.Tests.Display;

public class ProgressViewTests
{
    [Fact]
    public void RedrawsAtMostOncePerInterval_ButAlwaysOnCompletion()
    {
        var shown = new List<string>();
        var view = new ProgressView(v => shown.Add(v.ToString()!), "Simulating");

        for (int i = 0; i < 100; i++) view.Report(new ProgressReport("train", i / 200.0));
        view.Report(new ProgressReport("done", 1));

        // 100 reports inside one interval: the first draws, the rest wait; completion always draws.
        Assert.Equal(2, shown.Count);
        Assert.StartsWith("Simulating: 0 % train", shown[0]);
        Assert.StartsWith("Simulating: 100 % done", shown[1]);
    }

    [Fact]
    public void RendersAnHtmlProgressElement_WithTheEncodedStage()
    {
        NotebookDisplay.RegisterFormatters();
        var view = new ProgressView(_ => { }, "Reading <file>");
        view.Report(new ProgressReport("train/stimulus", 0.25));

        string html = view.ToDisplayString("text/html");

        Assert.Contains("<progress value=\"0.250\" max=\"1\">", html);
        Assert.Contains("Reading &lt;file&gt;", html);
        Assert.Contains("25 % train/stimulus", html);
    }
}

public class TableViewTests
{
    [Fact]
    public void RendersAsAnEncodedHtmlTable_AndAsAlignedText()
    {
        var table = new TableView([("CNN", "r 0.71"), ("LN <cutout>", "r 0.40")]);

        var bundle = NotebookDisplay.ToMimeBundle(table);

        Assert.Equal("<table class=\"workbench-table\"><tr><th style=\"text-align:left\">CNN</th><td style=\"text-align:left\">r 0.71</td></tr>" +
                     "<tr><th style=\"text-align:left\">LN &lt;cutout&gt;</th><td style=\"text-align:left\">r 0.40</td></tr></table>", bundle["text/html"]);
        Assert.Equal($"CNN          r 0.71{Environment.NewLine}LN <cutout>  r 0.40", bundle["text/plain"]);
    }
}
