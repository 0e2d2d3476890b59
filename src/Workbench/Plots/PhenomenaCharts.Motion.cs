using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Phenomena;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

// The motion phenomena's figures (Fig. 3C, D, H), kept apart from the other panels so that each phenomenon's chart
// changes in one place.
public static partial class PhenomenaCharts
{
    /// <summary>Motion reversal (Fig. 3C): the population response aligned on the reversal, mean ± SEM over flips, with the
    /// flip marked (x −0.7…1.1 s as the reference).</summary>
    public static GenericChart MotionReversal(MotionReversalResult r)
    {
        var t = r.Seconds.ToArray();
        var mean = r.Response.ToArray();
        var sem = r.Sem.Select(s => double.IsFinite(s) ? s : 0).ToArray();
        double lo = mean.Zip(sem, (m, s) => m - s).Min(), hi = mean.Zip(sem, (m, s) => m + s).Max();
        var traces = CSharpChart.Combine([
                CSharpChart.Line<double, double, string>(t, mean.Zip(sem, (m, s) => m + s).ToArray(), Name: "+1 SEM", ShowLegend: false, LineColor: Color.fromString("gray"), Opacity: 0.5),
                CSharpChart.Line<double, double, string>(t, mean.Zip(sem, (m, s) => m - s).ToArray(), Name: "−1 SEM", ShowLegend: false, LineColor: Color.fromString("gray"), Opacity: 0.5),
                CSharpChart.Line<double, double, string>(t, mean, Name: "population response", LineColor: Color.fromString("black")),
                CSharpChart.Line<double, double, string>([0, 0], [lo, hi], Name: "reversal", LineColor: Color.fromString("red"), LineDash: StyleParam.DrawingStyle.Dash),
            ]);
        return Panels.Combine([new Panel(traces, 0, 1, 0, 1, XTitle: "time from reversal (s)", YTitle: "Δ rate (mean over cells and flips)",
                XRange: (Math.Max(-0.7, t[0]), Math.Min(1.1, t[^1])))])
            .Titled(Heading(r)).WithSize(800, 420);
    }

    /// <summary>Motion anticipation (Fig. 3D): the flashed-bar profile against the rightward and against the leftward bar's
    /// response, each normalised to its maximum, against bar position (µm), ±250 µm around the flashed peak.</summary>
    public static GenericChart MotionAnticipation(MotionAnticipationResult r)
    {
        static double[] Normalised(IReadOnlyList<double> y) { double m = y.Max(); return y.Select(v => m > 0 ? v / m : v).ToArray(); }
        var flashX = r.FlashPositionsMicrons.ToArray();
        var flash = Normalised(r.FlashResponse);
        double centre = r.Numbers.TryGetValue("flashed peak (µm)", out var c) && double.IsFinite(c) ? c : 0;
        GenericChart Pair(IReadOnlyList<double> x, IReadOnlyList<double> y, string name, string colour, bool legend) => CSharpChart.Combine([
            CSharpChart.Line<double, double, string>(flashX, flash, Name: "flashed", LineColor: Color.fromString("black"), ShowLegend: legend),
            CSharpChart.Line<double, double, string>(x.ToArray(), Normalised(y), Name: name, LineColor: Color.fromString(colour)),
        ]);
        var range = (centre - 250, centre + 250);
        return Panels.Combine([
                new Panel(Pair(r.RightwardPositionsMicrons, r.RightwardResponse, "moving rightward", "rgb(200, 30, 30)", true), 0, 0.45, 0, 1,
                    Title: $"rightward: lead {r.Numbers["rightward lead (µm)"]:F0} µm", XTitle: "bar position (µm)", YTitle: "normalised response", XRange: range),
                new Panel(Pair(r.LeftwardPositionsMicrons, r.LeftwardResponse, "moving leftward", "rgb(30, 60, 200)", false), 0.55, 1, 0, 1,
                    Title: $"leftward: lead {r.Numbers["leftward lead (µm)"]:F0} µm", XTitle: "bar position (µm)", XRange: range),
            ]).Titled(Heading(r)).WithSize(1000, 420);
    }

    /// <summary>Object motion sensitivity (Fig. 3H): mean over cells of the response to differential (green) and global
    /// (blue) motion, and each cell's global ÷ differential ratio with 1 dashed.</summary>
    public static GenericChart ObjectMotion(ObjectMotionResult r)
    {
        var t = r.Seconds.ToArray();
        var courses = CSharpChart.Combine([
            CSharpChart.Line<double, double, string>(t, r.DifferentialResponse.ToArray(), Name: "differential", LineColor: Color.fromString("green")),
            CSharpChart.Line<double, double, string>(t, r.GlobalResponse.ToArray(), Name: "global", LineColor: Color.fromString("blue")),
        ]);
        var cells = r.Cells.Select(c => (double)c).ToArray();
        var ratios = CSharpChart.Combine([
            CSharpChart.Line<double, double, string>(cells, r.Ratios.ToArray(), ShowMarkers: true, Name: "global ÷ differential", LineColor: Color.fromString("black")),
            CSharpChart.Line<double, double, string>([cells.Min() - 0.5, cells.Max() + 0.5], [1, 1], Name: "ratio 1", LineColor: Color.fromString("gray"),
                LineDash: StyleParam.DrawingStyle.Dash),
        ]);
        return Panels.Combine([
                new Panel(courses, 0, 0.6, 0, 1, Title: "mean response", XTitle: "time (s)", YTitle: "rate (mean over cells and trials)"),
                new Panel(ratios, 0.72, 1, 0, 1, Title: "per cell", XTitle: "cell", YTitle: "global ÷ differential"),
            ]).Titled(Heading(r)).WithSize(1000, 420);
    }
}
