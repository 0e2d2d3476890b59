using System.Diagnostics;
using TorchSharp;
using Workbench.Models;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Benchmarks.SideBySide;

/// <summary>
/// The workbench's half: <see cref="BnCnn"/> for 5 cells on 40×50×50, Adam (lr 1e-3) on the Poisson loss
/// (<see cref="Losses"/>), one batch reused by every run, as the peer does.
/// </summary>
public sealed class WorkbenchSide : IDisposable
{
    private readonly BnCnn _model;
    private readonly TorchSharp.Modules.Adam _optimizer;
    private readonly Tensor _x, _y;

    /// <summary>Builds the model, optimiser and a batch of <paramref name="batch"/> random stimuli and Poisson targets.</summary>
    public WorkbenchSide(int batch)
    {
        Spec = ModelSpec.BnCnnFor(5);
        Batch = batch;
        torch.manual_seed(1);
        _model = new BnCnn(Spec);
        _optimizer = torch.optim.Adam(_model.parameters(), 1e-3);
        using var generator = new Generator(2);
        _x = torch.randn([batch, Spec.History, Spec.Height, Spec.Width], generator: generator);
        _y = torch.poisson(torch.full([batch, Spec.Cells], 2.0f), generator);
    }

    /// <summary>The model's architecture.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Samples per step.</summary>
    public int Batch { get; }

    /// <summary>Trainable parameters (138,367 for the reference).</summary>
    public long Parameters => _model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Times <paramref name="steps"/> training steps after <paramref name="warmup"/> untimed ones.</summary>
    public Timing Train(int steps, int warmup)
    {
        _model.train();
        for (int i = 0; i < warmup; i++) Step();
        return Timed(steps, () =>
        {
            for (int i = 0; i < steps; i++) Step();
        });
    }

    /// <summary>Times <paramref name="steps"/> forward passes (eval mode, no gradient) after <paramref name="warmup"/> untimed ones.</summary>
    public Timing Infer(int steps, int warmup)
    {
        _model.eval();
        using var noGrad = torch.no_grad();
        for (int i = 0; i < warmup; i++) Forward();
        return Timed(steps, () =>
        {
            for (int i = 0; i < steps; i++) Forward();
        });
    }

    /// <summary>The best fp32 rate (GFLOP/s) of a <paramref name="size"/>² matrix product in this process's libtorch:
    /// the machine's GEMM ceiling as the workbench sees it.</summary>
    public static double Gemm(int size, int repeats)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(size, size);
        var b = torch.randn(size, size);
        a.matmul(b).Dispose();
        double best = double.PositiveInfinity;
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            a.matmul(b).Dispose();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return 2.0 * size * size * (double)size / best / 1e9;
    }

    /// <summary>
    /// Loads the peer's state dict (<paramref name="path"/>) into the workbench and compares it with the peer: its eval-mode
    /// outputs on <see cref="AnalyticInput"/> with the peer's float64 <c>outputs</c> (batch × cells, row-major), and, in
    /// float64 training mode (the saved model has no noise), the gradients of the Poisson loss against the peer's
    /// <c>targets</c> with the peer's fingerprints of its own (<c>gradients</c>: numel, norm and weighted sum per parameter,
    /// in parameter order).
    /// </summary>
    /// <returns>‖workbench − peer‖ / ‖peer‖ of the outputs in float64 and in float32, and the worst gradient fingerprint
    /// difference relative to that parameter's gradient norm (biases right before a batch norm, zero, left out).</returns>
    /// <exception cref="InvalidDataException">The peer's answer does not fit the loaded model.</exception>
    public static (double Float64, double Float32, double Gradient) Compare(string path, PeerAnswer export, int batch)
    {
        using var scope = torch.NewDisposeScope();
        var expected = torch.tensor(export.Numbers("outputs"), float64);
        double OutputError(ScalarType type)
        {
            using var loaded = PyTorchCheckpoint.Load(path);
            var model = loaded.Model;
            model.to(type).eval();
            using var noGrad = torch.no_grad();
            var spec = model.Spec;
            var output = model.call(AnalyticInput.Create(batch, spec.History, spec.Height, spec.Width).to(type)).to(float64).flatten();
            if (output.numel() != expected.numel())
                throw new InvalidDataException($"The workbench gives {output.numel()} outputs for the peer's {expected.numel()}.");
            return (output - expected).norm().item<double>() / expected.norm().item<double>();
        }
        return (OutputError(float64), OutputError(float32), GradientError(path, export, batch));
    }

    private static double GradientError(string path, PeerAnswer export, int batch)
    {
        using var scope = torch.NewDisposeScope();
        using var loaded = PyTorchCheckpoint.Load(path);
        var model = loaded.Model;
        if (model.Spec.Noise != 0) throw new InvalidDataException($"The peer's export has noise {model.Spec.Noise}; the gradient check needs none.");
        model.to(float64).train();
        var spec = model.Spec;
        var targets = torch.tensor(export.Numbers("targets"), float64).view(batch, spec.Cells);
        var output = model.call(AnalyticInput.Create(batch, spec.History, spec.Height, spec.Width));
        Losses.Compute(LossKind.Poisson, output, targets).backward();
        var ours = model.parameters().Where(p => p.requires_grad).Select(p => p.grad!).ToList();
        var theirs = export.Root.GetProperty("gradients").EnumerateArray()
            .Select(e => e.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
        if (ours.Count != theirs.Count || ours.Zip(theirs).Any(pair => pair.First.numel() != (long)pair.Second[0]))
            throw new InvalidDataException($"The workbench's parameters [{string.Join(", ", ours.Select(g => g.numel()))}] do not line up with " +
                                           $"the peer's [{string.Join(", ", theirs.Select(t => t[0]))}].");
        double largest = theirs.Max(t => t[1]);
        double worst = 0;
        foreach (var (gradient, peer) in ours.Zip(theirs))
        {
            if (peer[1] <= 1e-6 * largest) continue; // a bias right before a batch norm: its gradient is zero up to rounding
            var flat = gradient.flatten();
            var weights = torch.sin(0.37 * torch.arange(flat.numel(), float64) + 0.1);
            double norm = flat.norm().item<double>(), dot = (flat * weights).sum().item<double>();
            worst = Math.Max(worst, Math.Max(Math.Abs(norm - peer[1]), Math.Abs(dot - peer[2])) / peer[1]);
        }
        return worst;
    }

    /// <summary>Disposes the model, optimiser and batch.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
    }

    private void Step()
    {
        using var scope = torch.NewDisposeScope();
        _optimizer.zero_grad();
        Losses.Compute(LossKind.Poisson, _model.call(_x), _y).backward();
        _optimizer.step();
    }

    private void Forward()
    {
        using var scope = torch.NewDisposeScope();
        _model.call(_x);
    }

    private Timing Timed(int steps, Action work)
    {
        var cpu = CpuTime();
        var watch = Stopwatch.StartNew();
        work();
        double seconds = watch.Elapsed.TotalSeconds;
        return new Timing(seconds, CpuTime() - cpu, steps, Batch);
    }

    private static double CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }
}
