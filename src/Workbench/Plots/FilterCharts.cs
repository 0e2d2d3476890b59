using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Charts of spatiotemporal filters (receptive fields, STAs, learned kernels).</summary>
public static class FilterCharts
{
    /// <summary>
    /// A filter <c>(T, H, W)</c> (index T−1 most recent) as its spatial profile at the lag of largest magnitude (heatmap) and
    /// the time course of its strongest pixel (line), with the frame period for the time axis.
    /// </summary>
    public static GenericChart SpaceTime(torch.Tensor filter, double framePeriod, string title)
    {
        if (filter.dim() != 3) throw new ArgumentException($"A filter must be (T, H, W), got [{string.Join(", ", filter.shape)}].");
        using var scope = torch.NewDisposeScope();
        var f = filter.detach().cpu().to(torch.float64);
        long t = f.shape[0], w = f.shape[2];
        long flat = f.abs().argmax().item<long>();
        long lag = flat / (f.shape[1] * w), pixel = flat % (f.shape[1] * w);
        var spatial = f[lag];
        var rows = Enumerable.Range(0, (int)spatial.shape[0]).Select(r => spatial[r].data<double>().ToArray()).ToArray();
        var course = f.flatten(1)[.., pixel].data<double>().ToArray();
        var times = Enumerable.Range(0, (int)t).Select(i => -(t - 1 - i) * framePeriod * 1000).ToArray();
        var map = CSharpChart.Heatmap<double, int, int, string>(rows, ShowScale: false, Name: "space");
        var time = CSharpChart.Line<double, double, string>(times, course, Name: "time course");
        return CSharpChart.Grid([map, time], 1, 2,
                SubPlotTitles: new[] { $"space, {(t - 1 - lag) * framePeriod * 1000:F0} ms before the response", "strongest pixel (ms before the response)" })
            .Titled(title).WithSize(900, 380);
    }
}
