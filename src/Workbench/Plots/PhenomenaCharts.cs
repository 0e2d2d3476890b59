using Plotly.NET;
using Plotly.NET.CSharp;
using Workbench.Phenomena;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>Figures of the phenomena battery (<see cref="PhenomenaBattery"/>), after the paper's Fig. 3 panels.</summary>
public static partial class PhenomenaCharts
{
    /// <summary>The figure of any battery result, by its type.</summary>
    /// <exception cref="ArgumentException">A result type without a figure here (add one when adding a phenomenon).</exception>
    public static GenericChart Figure(PhenomenonResult result) => result switch
    {
        StepResponseResult r => StepResponse(r),
        ReversingGratingResult r => ReversingGrating(r),
        LatencyEncodingResult r => LatencyEncoding(r),
        OmittedStimulusResult r => OmittedStimulus(r),
        FrequencyDoublingResult r => FrequencyDoubling(r),
        MotionReversalResult r => MotionReversal(r), MotionAnticipationResult r => MotionAnticipation(r), ObjectMotionResult r => ObjectMotion(r),
        FastContrastAdaptationResult r => ContrastAdaptationCharts.FastContrastAdaptation(r),
        PolarityReversalResult r => PolarityReversalCharts.PolarityReversal(r),
        null => throw new ArgumentNullException(nameof(result)),
        _ => throw new ArgumentException($"No figure for {result.GetType().Name} ('{result.Name}'): add one to PhenomenaCharts.Figure.", nameof(result)),
    };

    private static string Heading(PhenomenonResult r) => $"{r.Name}: {r.Verdict}";

    /// <summary>The step response: the stimulus above, every cell's rate below (torch-deep-retina's <c>response1D</c>).</summary>
    public static GenericChart StepResponse(StepResponseResult r) => Traces(r, r.Seconds, r.Stimulus, r.Rates, r.Cells);

    /// <summary>Reversing-grating responses: checker (0, 0)'s contrast above, every cell's rate below (<c>response1D</c>).</summary>
    public static GenericChart ReversingGrating(ReversingGratingResult r) => Traces(r, r.Seconds, r.Stimulus, r.Rates, r.Cells);

    private static GenericChart Traces(PhenomenonResult r, IReadOnlyList<double> times, IReadOnlyList<double> level, IReadOnlyList<double[]> rates, IReadOnlyList<int> cells)
    {
        var seconds = times.ToArray();
        var stimulus = CSharpChart.Line<double, double, string>(seconds, level.ToArray(), Name: "stimulus", LineColor: Color.fromString("black"));
        var lines = CSharpChart.Combine(rates.Select((x, i) => CSharpChart.Line<double, double, string>(seconds, x, Name: $"cell {cells[i]}")));
        var span = (seconds[0], seconds[^1]);
        return Panels.Combine([
                new Panel(stimulus, 0, 1, 0.78, 1, YTitle: "contrast", XRange: span),
                new Panel(lines, 0, 1, 0, 0.7, XTitle: "time (s)", YTitle: "rate", XRange: span),
            ]).Titled(Heading(r)).WithSize(900, 480);
    }

    /// <summary>Latency encoding (Fig. 3B): responses to flashes of each intensity, and peak latency against |intensity|.</summary>
    public static GenericChart LatencyEncoding(LatencyEncodingResult r)
    {
        var times = r.TimesMs.ToArray();
        var curves = CSharpChart.Combine(r.Responses.Select((x, i) => CSharpChart.Line<double, double, string>(times, x, Name: $"{r.Intensities[i]:G3}",
            LineColor: Color.fromString($"rgba(200, 30, 30, {0.15 + 0.85 * i / Math.Max(1, r.Intensities.Count - 1):F2})"))));
        var responding = Enumerable.Range(0, r.Intensities.Count).Where(i => double.IsFinite(r.LatenciesMs[i])).ToList();
        var latency = CSharpChart.Line<double, double, string>(responding.Select(i => Math.Abs(r.Intensities[i])).ToArray(),
            responding.Select(i => r.LatenciesMs[i]).ToArray(), ShowMarkers: true, Name: "peak latency", LineColor: Color.fromString("black"));
        return Panels.Combine([
                new Panel(curves, 0, 0.55, 0, 1, Title: "mean response − no-flash response", XTitle: "time from flash onset (ms)", YTitle: "Δ rate"),
                new Panel(latency, 0.68, 1, 0, 1, Title: "latency", XTitle: "|intensity| (contrast)", YTitle: "peak latency (ms)"),
            ]).Titled(Heading(r)).WithSize(1000, 420);
    }

    /// <summary>The omitted stimulus response (Fig. 3E): mean response around the omitted flash with the stimulus drawn
    /// above it, and the omission peak's delay against the flash period.</summary>
    public static GenericChart OmittedStimulus(OmittedStimulusResult r)
    {
        var seconds = r.Seconds.ToArray();
        double top = r.Response.DefaultIfEmpty(0).Max(), height = Math.Max(1e-12, top - r.Response.DefaultIfEmpty(0).Min());
        var response = CSharpChart.Combine([
            CSharpChart.Line<double, double, string>(seconds, r.Response.ToArray(), Name: "mean response"),
            // The stimulus as a block trace above the response (flashes dip), as the reference draws it.
            CSharpChart.Line<double, double, string>(seconds, r.Stimulus.Select(s => top + 0.1 * height + 0.1 * height * s / Math.Max(1e-12, r.Stimulus.Max(Math.Abs))).ToArray(),
                Name: "flashes", LineColor: Color.fromString("black")),
        ]);
        var delays = CSharpChart.Line<double, double, string>(r.PeriodsMs.ToArray(), r.DelaysMs.ToArray(), ShowMarkers: true, Name: "OSR delay");
        return Panels.Combine([
                new Panel(response, 0, 0.6, 0, 1, Title: "response around the omitted flash", XTitle: "time from omitted flash (s)", YTitle: "Δ rate",
                    XRange: (-0.4, Math.Min(0.3, seconds[^1]))),
                new Panel(delays, 0.72, 1, 0, 1, Title: "delay vs period", XTitle: "flash period (ms)", YTitle: "peak after omitted flash (ms)"),
            ]).Titled(Heading(r)).WithSize(1000, 420);
    }

    /// <summary>Frequency doubling (Fig. 3F): mean ± SEM over cells of F2/F1 against bar width (µm), dashed line at 1.</summary>
    public static GenericChart FrequencyDoubling(FrequencyDoublingResult r)
    {
        var x = r.BarWidthsMicrons.ToArray();
        var mean = r.MeanRatio.ToArray();
        var sem = r.SemRatio.Select(s => double.IsFinite(s) ? s : 0).ToArray();
        return CSharpChart.Combine([
                CSharpChart.Line<double, double, string>(x, mean, ShowMarkers: true, Name: "F2/F1 (mean over cells)"),
                CSharpChart.Line<double, double, string>(x, mean.Zip(sem, (m, s) => m + s).ToArray(), Name: "+1 SEM", ShowLegend: false, Opacity: 0.3),
                CSharpChart.Line<double, double, string>(x, mean.Zip(sem, (m, s) => m - s).ToArray(), Name: "−1 SEM", ShowLegend: false, Opacity: 0.3),
                CSharpChart.Line<double, double, string>([0, x.Max()], [1, 1], Name: "F2/F1 = 1", LineColor: Color.fromString("gray"),
                    LineDash: StyleParam.DrawingStyle.Dash),
            ]).Axes("bar width (µm)", "F2/F1").Titled(Heading(r)).WithSize(700, 420);
    }
}
