using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Tests.Support;

namespace Workbench.Tests.Metrics;

/// <summary>A NaN score is never reported: non-finite predictions are refused, naming where they are.</summary>
public class ModelEvaluationTests
{
    private const int History = 10;

    private static Recording Test()
    {
        var names = Enumerable.Range(0, 3).Select(i => new CellInfo(i, CellInfo.NameOf(i))).ToList();
        return new Recording(torch.randn(80, 6, 6), torch.rand(80, 3), 0.01, names, RecordingProvenance.Of("planted test"),
            repeats: torch.rand(4, 80, 3));
    }

    [Fact]
    public void NonFinitePredictions_AreRefused_NamingTheCellsAndTheFirstBin()
    {
        TestTorch.Cpu(seed: 90);
        using var test = Test();
        using var predictions = torch.rand(70, 3);
        predictions[25, 1] = torch.tensor(float.NaN);   // row 25 predicts bin 35
        predictions[40, 1] = torch.tensor(float.PositiveInfinity);
        predictions[60, 2] = torch.tensor(float.NaN);

        var e = Assert.Throws<InvalidOperationException>(() => ModelEvaluation.Of("diverged CNN", predictions, test, History));

        Assert.Contains("diverged CNN: 3 of 210 predictions", e.Message);
        Assert.Contains($"{CellInfo.NameOf(1)} (2), {CellInfo.NameOf(2)} (1)", e.Message);
        Assert.Contains("first at bin 35", e.Message);
    }

    [Fact]
    public void FinitePredictions_GiveFiniteScores_EvenForAConstantPrediction()
    {
        TestTorch.Cpu(seed: 91);
        using var test = Test();
        using var predictions = torch.rand(70, 3);
        predictions[.., 0] = torch.tensor(2f); // constant: r is 0 by the correlation's convention, not NaN

        var evaluation = ModelEvaluation.Of("model", predictions, test, History);

        Assert.True(double.IsFinite(evaluation.MeanCorrelation));
        Assert.Equal(0, evaluation.Cells[0].Correlation, 1e-12);
    }
}
