using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Phenomena;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>The figure of fast contrast adaptation (<see cref="FastContrastAdaptation"/>), after the paper's Fig. 3A.</summary>
public static class ContrastAdaptationCharts
{
    /// <summary>
    /// Four panels: the first measured cell's LN temporal kernels and binned nonlinearities at every contrast (lowest green,
    /// highest blue, as the reference draws low and high), then the mean over cells of the gain and of the kernel's
    /// frequency centre of mass against contrast.
    /// </summary>
    public static GenericChart FastContrastAdaptation(FastContrastAdaptationResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        int n = r.Contrasts.Count;
        string Colour(int i)
        {
            double f = n == 1 ? 1 : i / (double)(n - 1);   // green (low) → blue (high)
            return $"rgb({(int)(30 * (1 - f) + 30 * f)}, {(int)(160 * (1 - f) + 80 * f)}, {(int)(60 * (1 - f) + 220 * f)})";
        }
        var seconds = r.KernelSeconds.ToArray();
        var kernels = CSharpChart.Combine(Enumerable.Range(0, n).Select(i => CSharpChart.Line<double, double, string>(seconds, r.Kernels[i][0],
            Name: $"c = {r.Contrasts[i]:G3}", LineColor: Color.fromString(Colour(i)))));
        var nonlinearities = CSharpChart.Combine(Enumerable.Range(0, n).Select(i => CSharpChart.Line<double, double, string>(
            r.NonlinearityInputs[i][0], r.NonlinearityOutputs[i][0], ShowMarkers: true, Name: $"c = {r.Contrasts[i]:G3}", ShowLegend: false,
            LineColor: Color.fromString(Colour(i)))));
        var contrasts = r.Contrasts.ToArray();
        var gain = CSharpChart.Line<double, double, string>(contrasts, r.MeanGain.ToArray(), ShowMarkers: true, Name: "gain (mean over cells)",
            LineColor: Color.fromString("black"));
        var centre = CSharpChart.Line<double, double, string>(contrasts, r.MeanCentreOfMassHz.ToArray(), ShowMarkers: true,
            Name: "centre of mass (mean over cells)", LineColor: Color.fromString("gray"));
        return Panels.Combine([
                new Panel(kernels, 0, 0.44, 0.58, 1, Title: $"temporal kernel, cell {r.Cells[0]}", XTitle: "time (s)", YTitle: "filter"),
                new Panel(nonlinearities, 0.56, 1, 0.58, 1, Title: $"nonlinearity, cell {r.Cells[0]}", XTitle: "filtered stimulus (contrast)", YTitle: "rate"),
                new Panel(gain, 0, 0.44, 0, 0.4, Title: "gain", XTitle: "contrast", YTitle: "slope (rate / contrast)"),
                new Panel(centre, 0.56, 1, 0, 0.4, Title: "kernel frequency", XTitle: "contrast", YTitle: "centre of mass (Hz)"),
            ]).Titled($"{r.Name}: {r.Verdict}").WithSize(1000, 700);
    }
}
