using System.Globalization;

namespace Workbench.Runtime;

/// <summary>What the numerical self-check concluded.</summary>
public enum NumericsStatus
{
    /// <summary>libtorch's float32 convolutions match the float64 reference: nothing was changed.</summary>
    Verified,

    /// <summary>libtorch's float32 convolutions are wrong here; the workbench routes its convolutions a correct way.</summary>
    Repaired,

    /// <summary>A route was forced with <c>WORKBENCH_CONVOLUTION_ROUTE</c>; see <see cref="NumericsReport.Message"/> for whether it is correct.</summary>
    Forced,

    /// <summary>No way of convolving was correct: models refuse to run (never continue on wrong numbers).</summary>
    Broken,
}

/// <summary>One comparison of a float32 result with its float64 reference.</summary>
/// <param name="Shape">The convolution, e.g. "BN-CNN layer 1 (2x40x22x22, 40→8, 15x15)".</param>
/// <param name="Operation">forward, input gradient, weight gradient or transposed.</param>
/// <param name="RelativeError">‖float32 − float64‖ / ‖float64‖ (NaN if the result was not finite).</param>
/// <param name="Tolerance">The largest relative error accepted.</param>
public sealed record NumericsCase(string Shape, string Operation, double RelativeError, double Tolerance)
{
    /// <summary>Whether the result is finite and within the tolerance.</summary>
    public bool Passed => double.IsFinite(RelativeError) && RelativeError <= Tolerance;
}

/// <summary>Every case of one way of convolving.</summary>
/// <param name="Method">What was evaluated, e.g. "libtorch" or "workbench route ChannelPadded".</param>
/// <param name="Cases">The comparisons.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record NumericsEvaluation(string Method, IReadOnlyList<NumericsCase> Cases, TimeSpan Elapsed)
{
    /// <summary>Whether every case passed.</summary>
    public bool Passed => Cases.All(c => c.Passed);

    /// <summary>The case with the largest error (NaN counts as largest).</summary>
    public NumericsCase Worst => Cases.MaxBy(c => double.IsFinite(c.RelativeError) ? c.RelativeError : double.PositiveInfinity)!;

    /// <summary>"max error 3.1e-07 (BN-CNN layer 1 …, forward)".</summary>
    public string Describe() => $"max relative error {Format(Worst.RelativeError)} ({Worst.Shape}, {Worst.Operation})";

    /// <summary>A relative error for people: "3.1e-07", or "not finite".</summary>
    public static string Format(double e) => double.IsFinite(e) ? e.ToString("0.0e+00", CultureInfo.InvariantCulture) : "not finite";
}

/// <summary>
/// The outcome of <see cref="NumericsCheck"/>: whether float32 convolutions compute correctly on this machine, what the
/// workbench does about it, and the evidence.
/// </summary>
/// <param name="Status">The verdict.</param>
/// <param name="Route">How the workbench's own convolutions (<see cref="Convolutions"/>) run; null when <see cref="NumericsStatus.Broken"/>.</param>
/// <param name="LibTorchCorrect">Whether libtorch's own float32 convolutions (forward and autograd backward) are correct here.</param>
/// <param name="UnroutedFix">How convolutions the workbench cannot route (inside TorchScript models) are made correct when
/// libtorch's are not: <see cref="ConvolutionRoute.OneDnnOff"/>, or null when nothing is needed or nothing works.</param>
/// <param name="Evaluations">Each method evaluated, in order.</param>
/// <param name="Processor">The CPU, from /proc/cpuinfo where available.</param>
/// <param name="IsaLimit">ONEDNN_MAX_CPU_ISA (or DNNL_MAX_CPU_ISA) if set in the environment.</param>
/// <param name="Elapsed">How long the whole check took.</param>
/// <param name="Message">One paragraph for people: what was found and done.</param>
public sealed record NumericsReport(
    NumericsStatus Status,
    ConvolutionRoute? Route,
    bool LibTorchCorrect,
    ConvolutionRoute? UnroutedFix,
    IReadOnlyList<NumericsEvaluation> Evaluations,
    string Processor,
    string? IsaLimit,
    TimeSpan Elapsed,
    string Message)
{
    /// <summary>The route for the workbench's convolutions.</summary>
    /// <exception cref="InvalidOperationException">The check found no correct route (<see cref="NumericsStatus.Broken"/>).</exception>
    public ConvolutionRoute RequireRoute() => Route ?? throw new InvalidOperationException(
        "Refusing to run: float32 convolutions compute wrong numbers on this machine and no workaround the workbench knows " +
        $"is correct either. {Message} Try setting ONEDNN_MAX_CPU_ISA=AVX in the environment before starting the process, " +
        "or run on another machine; `workbench env` shows the evidence.");

    /// <summary>
    /// How convolutions the workbench cannot route (inside TorchScript models) must run: <see cref="ConvolutionRoute.Native"/>
    /// where libtorch is correct (or the user forced it), <see cref="ConvolutionRoute.OneDnnOff"/> where that is the
    /// correct way, null where nothing is (callers then refuse).
    /// </summary>
    public ConvolutionRoute? UnroutedRoute => Status switch
    {
        NumericsStatus.Forced when Route == ConvolutionRoute.OneDnnOff => ConvolutionRoute.OneDnnOff,
        NumericsStatus.Forced when Route == ConvolutionRoute.Native => ConvolutionRoute.Native,
        _ when LibTorchCorrect => ConvolutionRoute.Native,
        _ => UnroutedFix,
    };

    /// <summary>One line: the verdict and what it means.</summary>
    public string Summary => Status switch
    {
        NumericsStatus.Verified => $"verified: float32 convolutions match float64 ({Evaluations[0].Describe()}; {Elapsed.TotalMilliseconds:F0} ms)",
        NumericsStatus.Repaired => $"repaired: libtorch's float32 convolutions are wrong on this CPU ({Evaluations[0].Describe()}); " +
                                   $"workbench convolutions use route {Route} ({Evaluations.First(e => e.Method == RouteMethod(Route!.Value)).Describe()})" +
                                   (UnroutedFix is null ? "" : $"; TorchScript models run with oneDNN off"),
        NumericsStatus.Forced => $"forced: route {Route} from {NumericsCheck.RouteVariable} " +
                                 (Evaluations.Count > 0 && Evaluations[^1].Passed ? "(checked: correct)" : "(WRONG NUMBERS: failed the check)"),
        _ => $"BROKEN: float32 convolutions are wrong here and no workaround is correct; models refuse to run",
    };

    /// <summary>The report as name/value rows for tables: verdict, CPU, ISA limit, then one row per method evaluated.</summary>
    public IReadOnlyList<(string Name, string Value)> Rows()
    {
        var rows = new List<(string, string)> { ("numerics", Summary), ("CPU", Processor) };
        if (IsaLimit is not null) rows.Add(("oneDNN ISA", $"limited to {IsaLimit} by the environment"));
        foreach (var e in Evaluations)
            rows.Add(($"  {e.Method}", $"{(e.Passed ? "correct" : "WRONG")}: {e.Describe()}, {e.Cases.Count} cases, {e.Elapsed.TotalMilliseconds:F0} ms"));
        return rows;
    }

    internal static string RouteMethod(ConvolutionRoute route) => $"workbench route {route}";
}
