using System.Runtime.InteropServices;
using TorchSharp;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models;

public class ExternalModelTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", name);

    private static readonly ModelSpec Spec = new() { History = 10, Height = 12, Width = 12, Cells = 3 };

    /// <summary>Oracle: PyTorch's own output for the same input, written by Fixtures/make_torchscript_fixture.py.</summary>
    [Fact]
    public void TorchScriptFromPyTorch_GivesPyTorchsOutputs()
    {
        TestTorch.Cpu();
        float[] io = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Fixture("tiny_cnn_io.bin"))).ToArray();
        using var x = torch.tensor(io[..(2 * 10 * 12 * 12)]).view(2, 10, 12, 12);
        using var expected = torch.tensor(io[(2 * 10 * 12 * 12)..]).view(2, 3);

        using var model = ExternalModel.LoadTorchScript(Fixture("tiny_cnn.pt"), Spec);
        using var y = model.call(x);

        Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-6), $"max difference {(y - expected).abs().max().item<float>()}");
        Assert.Equal(ModelKind.External, model.Spec.Kind);
    }

    [Fact]
    public void ItPlugsIntoTheSameEvaluation_AsBuiltInModels()
    {
        TestTorch.Cpu(seed: 3);
        using var model = ExternalModel.LoadTorchScript(Fixture("tiny_cnn.pt"), Spec);
        var names = Enumerable.Range(0, 3).Select(i => new Workbench.Data.CellInfo(i, Workbench.Data.CellInfo.NameOf(i))).ToList();
        using var recording = new Workbench.Data.Recording(torch.randn(60, 12, 12), torch.rand(60, 3), 0.01, names,
            Workbench.Data.RecordingProvenance.Of("noise"), repeats: torch.rand(4, 60, 3));

        using var predictions = Predictions.For(model, recording);
        var evaluation = ModelEvaluation.Of("torchscript", predictions, recording, 10);

        Assert.Equal([50L, 3], predictions.shape);
        Assert.Equal(3, evaluation.Cells.Count);
    }

    [Fact]
    public void AModuleBreakingTheContract_IsNamed()
    {
        using var model = ExternalModel.LoadTorchScript(Fixture("tiny_cnn.pt"), Spec with { Cells = 5 });

        var e = Assert.Throws<InvalidOperationException>(() => model.call(torch.zeros(1, 10, 12, 12)));

        Assert.Contains("returned [1, 3]; the contract is (B, N) = (1, 5)", e.Message);
    }
}
