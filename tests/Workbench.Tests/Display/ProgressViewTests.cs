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
