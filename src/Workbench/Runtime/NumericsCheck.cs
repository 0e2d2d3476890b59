using System.Diagnostics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Runtime;

/// <summary>What one way of convolving computed for the self-check: the output, both gradients and the transposed convolution.</summary>
/// <param name="Output">conv2d(input, weight, bias).</param>
/// <param name="InputGradient">∂⟨output, g⟩/∂input.</param>
/// <param name="WeightGradient">∂⟨output, g⟩/∂weight.</param>
/// <param name="Transposed">conv_transpose2d(g, weight) (how input gradients are computed explicitly).</param>
public sealed record ConvolutionProbeResult(Tensor Output, Tensor InputGradient, Tensor WeightGradient, Tensor Transposed);

/// <summary>Computes a convolution, its gradients for the upstream gradient <paramref name="outputGradient"/>, and the
/// transposed convolution of that gradient, in float32, the way some method does.</summary>
public delegate ConvolutionProbeResult ConvolutionProbe(Tensor input, Tensor weight, Tensor bias, Tensor outputGradient);

/// <summary>A convolution the self-check runs: its label and sizes.</summary>
/// <param name="Label">What it stands for.</param>
/// <param name="Batch">Batch size.</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="Kernel">Square kernel size.</param>
/// <param name="Size">Square input size.</param>
public sealed record ConvolutionShape(string Label, int Batch, int InChannels, int OutChannels, int Kernel, int Size)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Label} ({Batch}x{InChannels}x{Size}x{Size}, {InChannels}→{OutChannels}, {Kernel}x{Kernel})";
}

/// <summary>
/// The numerical self-check: proves, once per process and in milliseconds, that float32 convolutions (forward, input
/// gradient, weight gradient) compute what their float64 references compute, and if not, switches the workbench's
/// convolutions to a route that does — before any model runs.
/// </summary>
/// <remarks>
/// <para>Why: on AMD EPYC Zen 5 machines libtorch 2.10's oneDNN (3.7.1) float32 direct-convolution kernels return wrong
/// numbers whenever a channel count is not a multiple of their block (16 with AVX-512): forward passes 11–15 % off,
/// input gradients 15–100 % off or NaN, while the same code is right on Intel. A check that a convolution merely runs
/// proves nothing, so this compares numbers.</para>
/// <para>Order of remedies, fastest first: <see cref="ConvolutionRoute.ChannelPadded"/> (as fast as the native kernels),
/// then <see cref="ConvolutionRoute.OneDnnOff"/> (about 50x slower). Limiting oneDNN's ISA (ONEDNN_MAX_CPU_ISA=AVX) also
/// works but must be set before the process's first oneDNN primitive — before this check can run — and makes bf16
/// matrix products unusably slow, so the workbench never does it itself; a user who sets it gets a check that passes.</para>
/// <para>The float64 references run on libtorch's own im2col + GEMM kernels (oneDNN has no float64 convolution), an
/// implementation independent of the one under test.</para>
/// </remarks>
public static class NumericsCheck
{
    /// <summary>Largest accepted ‖float32 − float64‖ / ‖float64‖. Correct kernels give about 1e-7 to 2e-6 here; the wrong
    /// ones 0.07 and more.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Environment variable forcing a route: <c>native</c>, <c>channel-padded</c>, <c>onednn-off</c> (or <c>auto</c>).
    /// For diagnosis and benchmarks; forcing a route the check rejects gives wrong numbers, and the report says so.</summary>
    public const string RouteVariable = "WORKBENCH_CONVOLUTION_ROUTE";

    /// <summary>The convolutions checked: the BN-CNN's two layers and the odd and aligned channel counts that tell the
    /// failure modes apart, kept small so the whole check (float64 references included) takes milliseconds.</summary>
    public static IReadOnlyList<ConvolutionShape> Shapes { get; } =
    [
        new("BN-CNN layer 1", 2, 40, 8, 15, 22),
        new("BN-CNN layer 2", 2, 8, 8, 11, 18),
        new("readout", 2, 8, 5, 3, 10),
        new("few channels", 1, 3, 2, 4, 9),
        new("odd channels", 2, 17, 17, 3, 12),
        new("aligned channels", 2, 16, 32, 5, 14),
    ];

    private static readonly Lazy<NumericsReport> Process = new(() => Run(Environment.GetEnvironmentVariable(RouteVariable)));

    /// <summary>This process's check, run on first use (by <see cref="TorchRuntime.Initialize"/> or the first routed convolution).</summary>
    public static NumericsReport Current => Process.Value;

    /// <summary>libtorch's own operations, forward and autograd backward.</summary>
    public static ConvolutionProbe LibTorch { get; } = (x, w, b, g) =>
    {
        var y = nn.functional.conv2d(x, w, b);
        y.backward([g]);
        return new ConvolutionProbeResult(y, x.grad!, w.grad!, nn.functional.conv_transpose2d(g, w));
    };

    /// <summary>libtorch's own operations with oneDNN switched off for the forward and the backward pass.</summary>
    public static ConvolutionProbe LibTorchWithoutOneDnn { get; } = (x, w, b, g) =>
    {
        using var off = OneDnn.Disabled();
        return LibTorch(x, w, b, g);
    };

    /// <summary>libtorch's own operations on <paramref name="device"/> (e.g. a CUDA device), results brought back to the CPU.</summary>
    public static ConvolutionProbe OnDevice(Device device) => (x, w, b, g) =>
    {
        Tensor Leaf(Tensor t) => t.detach().to(device).requires_grad_(true);
        var r = LibTorch(Leaf(x), Leaf(w), Leaf(b), g.to(device));
        return new ConvolutionProbeResult(r.Output.cpu(), r.InputGradient.cpu(), r.WeightGradient.cpu(), r.Transposed.cpu());
    };

    /// <summary>The workbench's <see cref="Convolutions"/> on a given route.</summary>
    public static ConvolutionProbe Routed(ConvolutionRoute route) => (x, w, b, g) =>
    {
        var y = Convolutions.Conv2d(x, w, b, route);
        y.backward([g]);
        return new ConvolutionProbeResult(y, x.grad!, w.grad!, Convolutions.ConvTranspose2d(g, w, route));
    };

    /// <summary>Compares <paramref name="probe"/> with float64 references on every shape of <see cref="Shapes"/>.</summary>
    /// <remarks>The inputs come from the check's own seeded generator, so it neither depends on nor disturbs the process's
    /// torch seed; the float64 references are computed once per process.</remarks>
    public static NumericsEvaluation Evaluate(string method, ConvolutionProbe probe)
    {
        var clock = Stopwatch.StartNew();
        var cases = new List<NumericsCase>();
        using var enableGrad = torch.enable_grad();
        foreach (var (shape, inputs, reference) in References.Value)
        {
            using var scope = torch.NewDisposeScope();
            ConvolutionProbeResult result;
            try
            {
                result = probe(Leaf(inputs.Input), Leaf(inputs.Weight), Leaf(inputs.Bias), inputs.OutputGradient);
            }
            catch (Exception e) when (e is ExternalException or InvalidOperationException or PlatformNotSupportedException)
            {
                cases.Add(new NumericsCase(shape.ToString(), $"all (threw: {e.Message.Split('\n')[0]})", double.NaN, RelativeTolerance));
                continue;
            }
            Add("forward", result.Output, reference.Output);
            Add("input gradient", result.InputGradient, reference.InputGradient);
            Add("weight gradient", result.WeightGradient, reference.WeightGradient);
            Add("transposed", result.Transposed, reference.Transposed);

            void Add(string operation, Tensor actual, Tensor expected) =>
                cases.Add(new NumericsCase(shape.ToString(), operation, RelativeError(actual, expected), RelativeTolerance));
        }
        return new NumericsEvaluation(method, cases, clock.Elapsed);
    }

    private sealed record ProbeInputs(Tensor Input, Tensor Weight, Tensor Bias, Tensor OutputGradient);

    /// <summary>Per shape, the float32 inputs and libtorch's float64 answers (kept for the process: a few hundred KB).</summary>
    private static readonly Lazy<IReadOnlyList<(ConvolutionShape Shape, ProbeInputs Inputs, ConvolutionProbeResult Reference)>> References = new(() =>
    {
        using var enableGrad = torch.enable_grad();
        using var generator = new Generator(20_161_205);
        var list = new List<(ConvolutionShape, ProbeInputs, ConvolutionProbeResult)>();
        // These outlive whatever dispose scope the first convolution happened to run in (a model's forward pass).
        static Tensor Keep(Tensor t) => t.detach().DetachFromDisposeScope();
        foreach (var shape in Shapes)
        {
            using var scope = torch.NewDisposeScope();
            int outSize = shape.Size - shape.Kernel + 1;
            var inputs = new ProbeInputs(
                Keep(torch.randn([shape.Batch, shape.InChannels, shape.Size, shape.Size], generator: generator)),
                Keep(torch.randn([shape.OutChannels, shape.InChannels, shape.Kernel, shape.Kernel], generator: generator)
                    .div_(Math.Sqrt(shape.InChannels * shape.Kernel * shape.Kernel))),
                Keep(torch.randn([shape.OutChannels], generator: generator)),
                Keep(torch.randn([shape.Batch, shape.OutChannels, outSize, outSize], generator: generator)));
            var r = LibTorch(Leaf(inputs.Input, float64), Leaf(inputs.Weight, float64), Leaf(inputs.Bias, float64), inputs.OutputGradient.to(float64));
            list.Add((shape, inputs, new ConvolutionProbeResult(Keep(r.Output), Keep(r.InputGradient), Keep(r.WeightGradient), Keep(r.Transposed))));
        }
        return list;
    });

    /// <summary>
    /// Decides how to convolve from probes of libtorch and of the candidate routes (in order of preference), or honours a
    /// forced route. The real check passes <see cref="LibTorch"/>, <see cref="Routed"/> and <see cref="LibTorchWithoutOneDnn"/>;
    /// tests pass planted ones.
    /// </summary>
    /// <param name="libTorch">libtorch's own convolutions.</param>
    /// <param name="routes">The workbench's routes to try when libtorch is wrong, fastest first.</param>
    /// <param name="unrouted">How to run convolutions the workbench cannot route (TorchScript) when libtorch is wrong; null if there is no way.</param>
    /// <param name="forced">A route to use regardless (checked and reported, never refused).</param>
    public static NumericsReport Diagnose(ConvolutionProbe libTorch, IReadOnlyList<(ConvolutionRoute Route, ConvolutionProbe Probe)> routes,
        ConvolutionProbe? unrouted, ConvolutionRoute? forced = null)
    {
        var clock = Stopwatch.StartNew();
        string processor = ProcessorDescription();
        string? isa = Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? Environment.GetEnvironmentVariable("DNNL_MAX_CPU_ISA");
        var evaluations = new List<NumericsEvaluation> { Evaluate("libtorch", libTorch) };
        bool libTorchCorrect = evaluations[0].Passed;

        if (forced is { } f)
        {
            var probe = f == ConvolutionRoute.Native ? libTorch : routes.FirstOrDefault(r => r.Route == f).Probe;
            if (probe is not null && f != ConvolutionRoute.Native) evaluations.Add(Evaluate(NumericsReport.RouteMethod(f), probe));
            bool ok = evaluations[^1].Passed;
            return new NumericsReport(NumericsStatus.Forced, f, libTorchCorrect, null, evaluations, processor, isa, clock.Elapsed,
                $"Route {f} forced by {RouteVariable}; the check found it {(ok ? "correct" : "WRONG: results will be wrong")} " +
                $"({evaluations[^1].Describe()}).");
        }

        if (libTorchCorrect)
            return new NumericsReport(NumericsStatus.Verified, ConvolutionRoute.Native, true, null, evaluations, processor, isa, clock.Elapsed,
                $"libtorch's float32 convolutions match float64 on {processor}: {evaluations[0].Describe()}.");

        ConvolutionRoute? chosen = null;
        foreach (var (route, probe) in routes)
        {
            var evaluation = Evaluate(NumericsReport.RouteMethod(route), probe);
            evaluations.Add(evaluation);
            if (evaluation.Passed)
            {
                chosen = route;
                break;
            }
        }
        ConvolutionRoute? unroutedFix = null;
        if (unrouted is not null)
        {
            var evaluation = Evaluate("libtorch with oneDNN off", unrouted);
            evaluations.Add(evaluation);
            if (evaluation.Passed) unroutedFix = ConvolutionRoute.OneDnnOff;
        }
        string found = $"libtorch's float32 convolutions are wrong on {processor}: {evaluations[0].Describe()}.";
        if (chosen is null)
            return new NumericsReport(NumericsStatus.Broken, null, false, unroutedFix, evaluations, processor, isa, clock.Elapsed,
                $"{found} No route of the workbench's convolutions is correct either.");
        return new NumericsReport(NumericsStatus.Repaired, chosen, false, unroutedFix, evaluations, processor, isa, clock.Elapsed,
            $"{found} The workbench's convolutions take route {chosen} ({evaluations.First(e => e.Method == NumericsReport.RouteMethod(chosen.Value)).Describe()}). " +
            (unroutedFix is null
                ? "Convolutions inside TorchScript models cannot be made correct here: ExternalModel refuses to run."
                : "Convolutions inside TorchScript models run with oneDNN switched off (correct, slower). ") +
            "Convolutions you call directly (nn.functional.conv2d) are NOT corrected: use Workbench.Runtime.Convolutions.Conv2d.");
    }

    /// <summary>The real check, with an optional forced route (<see cref="RouteVariable"/>'s value).</summary>
    /// <exception cref="ArgumentException">The forced route is not one of native, channel-padded, onednn-off, auto.</exception>
    public static NumericsReport Run(string? forcedRoute = null)
    {
        ConvolutionRoute? forced = forcedRoute?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => null,
            "native" => ConvolutionRoute.Native,
            "channel-padded" or "channelpadded" or "padded" => ConvolutionRoute.ChannelPadded,
            "onednn-off" or "onednnoff" => ConvolutionRoute.OneDnnOff,
            _ => throw new ArgumentException($"{RouteVariable}='{forcedRoute}' is not one of auto, native, channel-padded, onednn-off."),
        };
        // What runs must be what is checked: no NNPACK (see OneDnn.DisableNnpack).
        OneDnn.DisableNnpack();
        var routes = new List<(ConvolutionRoute, ConvolutionProbe)> { (ConvolutionRoute.ChannelPadded, Routed(ConvolutionRoute.ChannelPadded)) };
        if (OneDnn.Switchable) routes.Add((ConvolutionRoute.OneDnnOff, Routed(ConvolutionRoute.OneDnnOff)));
        return Diagnose(LibTorch, routes, OneDnn.Switchable ? LibTorchWithoutOneDnn : null, forced);
    }

    /// <summary>"AMD EPYC (AuthenticAMD, family 26, model 2)" from /proc/cpuinfo, else the OS's architecture.</summary>
    public static string ProcessorDescription()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var fields = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Trim().Length > 0)
                    .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                    .GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
                string Field(string name) => fields.TryGetValue(name, out var v) ? v : "?";
                return $"{Field("model name")} ({Field("vendor_id")}, family {Field("cpu family")}, model {Field("model")}, {Environment.ProcessorCount} logical cores)";
            }
        }
        catch (IOException)
        {
        }
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical cores";
    }

    private static Tensor Leaf(Tensor t, ScalarType type = ScalarType.Float32) => t.to(type).detach().clone().requires_grad_(true);

    private static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = torch.NewDisposeScope();
        var a = actual.detach().to(float64);
        if (!a.isfinite().all().item<bool>()) return double.NaN;
        double norm = expected.norm().item<double>();
        return (a - expected).norm().item<double>() / Math.Max(norm, double.Epsilon);
    }
}
