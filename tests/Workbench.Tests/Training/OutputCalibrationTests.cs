using TorchSharp;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using Workbench.Training;

namespace Workbench.Tests.Training;

/// <summary>Models can start at each cell's mean rate: softplus(softplus⁻¹(y)) = y, checked against the closed form.</summary>
public class OutputCalibrationTests
{
    /// <summary>Float32 round trip of log(expm1(y)) through softplus.</summary>
    private const double RoundTripTolerance = 1e-4;

    /// <summary>One step of Adam at lr 1e-9 leaves the calibration in place; the Poisson-optimal constant is the mean.</summary>
    private const double MeanRateTolerance = 0.05;

    [Fact]
    public void LnAndGlm_WithZeroFilters_PredictExactlyTheMeanRates()
    {
        TestTorch.Cpu();
        var means = torch.tensor(new float[] { 0.5f, 4f, 23f, 80f });
        var spec = new ModelSpec { Kind = ModelKind.Ln, History = 5, Height = 6, Width = 6, Cells = 4 };
        using var ln = new LnModel(spec);
        using var glm = new Glm(spec with { Kind = ModelKind.Glm, SpikeHistory = 5, Cutout = 4, CellPositions = Enumerable.Repeat(new CellPosition(3, 3), 4).ToList() });
        foreach (var p in ln.parameters().Concat(glm.parameters())) using (torch.no_grad()) p.zero_();

        Assert.True(ln.CalibrateOutput(means));
        Assert.True(glm.CalibrateOutput(means));

        using var input = torch.randn(3, 5, 6, 6);
        var expected = means.unsqueeze(0).expand(3, -1);
        Assert.True(ln.Predict(input).allclose(expected, rtol: RoundTripTolerance, atol: RoundTripTolerance));
        Assert.True(glm.Predict(input, torch.ones(3, 5, 4)).allclose(expected, rtol: RoundTripTolerance, atol: RoundTripTolerance));
    }

    [Fact]
    public void BnCnn_SetsItsOutputBatchNormShift_ToTheInverseSoftplus()
    {
        TestTorch.Cpu();
        using var model = new BnCnn(new ModelSpec { Kind = ModelKind.BnCnn, History = 10, Height = 30, Width = 30, Cells = 2 });

        Assert.True(model.CalibrateOutput(torch.tensor(new float[] { 2f, 30f })));

        var shift = model.get_parameter("bn_out.bias")!.data<float>().ToArray();
        Assert.Equal(Math.Log(Math.Exp(2) - 1), shift[0], 5);
        Assert.Equal(30.0, shift[1], 4); // log(expm1(30)) = 30 to 1e-13
    }

    [Fact]
    public void Training_StartsCalibrated_WhenAsked_AndAtTheReferencesZeroOffsetOtherwise()
    {
        TestTorch.Cpu(seed: 3);
        var (recording, _) = PlantedData.LnCells(frames: 4000, size: 8, history: 10, cells: 3);
        using var _r = recording;
        double[] MeanPrediction(bool calibrate)
        {
            var spec = new ModelSpec { Kind = ModelKind.Ln, History = 10, Height = 8, Width = 8, Cells = 3 };
            using var model = new LnModel(spec);
            Trainer.Train(model, recording, new TrainingOptions
            {
                Epochs = 1, MaxBatchesPerEpoch = 1, LearningRate = 1e-9, History = 10, RestoreBest = false,
                CalibrateOutput = calibrate || new TrainingOptions().CalibrateOutput,
            });
            using var predictions = Predictions.For(model, recording);
            return predictions.mean([0]).to(torch.float64).data<double>().ToArray();
        }
        double[] truth = recording.Rates.narrow(0, 10, recording.Frames - 10).mean([0]).to(torch.float64).data<double>().ToArray();

        double[] calibrated = MeanPrediction(true), reference = MeanPrediction(false);

        for (int c = 0; c < 3; c++)
        {
            Assert.True(Math.Abs(calibrated[c] / truth[c] - 1) < MeanRateTolerance, $"cell {c}: calibrated {calibrated[c]:F3} Hz, reference {reference[c]:F3} Hz, data {truth[c]:F3} Hz");
            Assert.True(reference[c] < 0.2 * truth[c], $"uncalibrated cell {c} starts at {reference[c]:F2} Hz, the data's mean is {truth[c]:F2} Hz");
        }
    }
}
