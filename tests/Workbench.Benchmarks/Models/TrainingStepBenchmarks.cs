using BenchmarkDotNet.Attributes;
using TorchSharp;
using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Benchmarks.Models;

/// <summary>
/// One Adam training step of the reference BN-CNN and of the linear-stacked model (batch 64, 40×50×50 input, 5 cells),
/// forward-only inference, and fp32 matrix multiplication as this machine's achievable ceiling.
/// FLOPs per sample (BN-CNN): forward ≈ 0.20 GFLOP (conv1 0.187, conv2 0.011); backward ≈ 0.21 GFLOP (weight gradients
/// of both convolutions plus conv2's input gradient; no gradient with respect to the stimulus). Each runs once per
/// convolution route (<see cref="RouteConfig"/>), and a bf16 matmul shows what capping oneDNN's ISA costs elsewhere.
/// </summary>
[Config(typeof(RouteConfig))]
public class TrainingStepBenchmarks
{
    /// <summary>Training FLOPs per sample of the BN-CNN, forward plus backward.</summary>
    public const double BnCnnTrainingFlops = 0.41e9;

    private const int Batch = 64;
    private Tensor _x = null!, _y = null!, _a = null!, _b = null!, _a16 = null!, _b16 = null!;
    private BnCnn _bncnn = null!, _stacked = null!;
    private TorchSharp.Modules.Adam _bncnnAdam = null!, _stackedAdam = null!;

    [Params(2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Threads);
        torch.manual_seed(1);
        _x = torch.randn(Batch, 40, 50, 50);
        _y = torch.rand(Batch, 5) * 20;
        _a = torch.randn(2048, 2048);
        _b = torch.randn(2048, 2048);
        _a16 = torch.randn(512, 512).to(torch.bfloat16);
        _b16 = torch.randn(512, 512).to(torch.bfloat16);
        // The self-check runs here, not inside a measured step; the job's environment forces the route.
        Console.WriteLine($"// numerics: {Workbench.Runtime.NumericsCheck.Current.Summary}");
        _bncnn = new BnCnn(ModelSpec.BnCnnFor(5));
        _stacked = new BnCnn(ModelSpec.StackedFor(5));
        _bncnnAdam = torch.optim.Adam(_bncnn.parameters(), 1e-3);
        _stackedAdam = torch.optim.Adam(_stacked.parameters(), 1e-3);
    }

    /// <summary>2048×2048 fp32 matmul: 17.2 GFLOP per call; the fp32 ceiling libtorch reaches here.</summary>
    [Benchmark]
    public void MatMulCeiling()
    {
        using var c = _a.matmul(_b);
    }

    /// <summary>512×512 bf16 matmul (0.27 GFLOP): oneDNN's bf16 GEMM, or a scalar fallback when its ISA is capped (small, so
    /// the fallback still finishes).</summary>
    [Benchmark]
    public void MatMulBf16()
    {
        using var c = _a16.matmul(_b16);
    }

    [Benchmark]
    public void BnCnnTrainingStep() => Step(_bncnn, _bncnnAdam);

    [Benchmark]
    public void StackedTrainingStep() => Step(_stacked, _stackedAdam);

    [Benchmark]
    public void BnCnnInference()
    {
        _bncnn.eval();
        using var noGrad = torch.no_grad();
        using var y = _bncnn.call(_x);
    }

    private void Step(BnCnn model, TorchSharp.Modules.Adam optimizer)
    {
        model.train();
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var p = model.call(_x);
        (p - _y * (p + 1e-8).log()).mean().backward();
        optimizer.step();
    }
}
