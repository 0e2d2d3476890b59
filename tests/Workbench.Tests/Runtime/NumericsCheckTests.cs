using Workbench.Runtime;
using Workbench.Tests.Support;
using static TorchSharp.torch;

namespace Workbench.Tests.Runtime;

/// <summary>
/// The numerical self-check decides from numbers, not from whether an operation runs: planted wrong results are caught,
/// a correct libtorch is left alone, and the verdict on the real libtorch agrees with a direct-sum oracle.
/// </summary>
public class NumericsCheckTests
{
    /// <summary>A 1 % error: far above float32 rounding (~1e-7), far below what the Zen 5 kernels get wrong (~0.1).</summary>
    private const float PlantedError = 0.01f;

    /// <summary>The real check's verdict against direct sums (float64 loops written here, independent of libtorch).</summary>
    private const double DirectSumTolerance = 1e-4;

    /// <summary>Correct answers from float64 (libtorch's im2col kernels, which oneDNN never serves), rounded to float32.</summary>
    private static ConvolutionProbeResult Correct(Tensor x, Tensor w, Tensor b, Tensor g)
    {
        var r = NumericsCheck.LibTorch(Float64Leaf(x), Float64Leaf(w), Float64Leaf(b), g.to(float64));
        return new ConvolutionProbeResult(r.Output.to(float32), r.InputGradient.to(float32), r.WeightGradient.to(float32), r.Transposed.to(float32));
    }

    private static Tensor Float64Leaf(Tensor t) => t.detach().to(float64).requires_grad_(true);

    /// <summary>Wrong like the Zen 5 kernels: only where a channel count is not a multiple of 16.</summary>
    private static ConvolutionProbe WrongWhereChannelsAreOdd(Func<ConvolutionProbeResult, ConvolutionProbeResult> spoil) => (x, w, b, g) =>
    {
        var r = Correct(x, w, b, g);
        return x.shape[1] % 16 != 0 || w.shape[0] % 16 != 0 ? spoil(r) : r;
    };

    private static readonly ConvolutionProbe NeverCalled = (_, _, _, _) => throw new Xunit.Sdk.XunitException("this probe must not run");

    [Fact]
    public void PlantedWrongForward_IsDetected_OnExactlyTheSpoiledCases_AndTheFirstCorrectRouteIsChosen()
    {
        TestTorch.Cpu();
        var wrong = WrongWhereChannelsAreOdd(r => r with { Output = r.Output * (1 + PlantedError) });

        var report = NumericsCheck.Diagnose(wrong,
            [(ConvolutionRoute.ChannelPadded, wrong), (ConvolutionRoute.OneDnnOff, Correct)], unrouted: Correct);

        Assert.Equal(NumericsStatus.Repaired, report.Status);
        Assert.Equal(ConvolutionRoute.OneDnnOff, report.Route);
        Assert.False(report.LibTorchCorrect);
        Assert.Equal(ConvolutionRoute.OneDnnOff, report.UnroutedRoute);
        var libTorch = report.Evaluations[0];
        foreach (var c in libTorch.Cases)
        {
            bool spoiled = c.Operation == "forward" && !c.Shape.StartsWith("aligned", StringComparison.Ordinal);
            Assert.True(spoiled != c.Passed, $"{c.Shape} {c.Operation}: error {c.RelativeError}");
            if (spoiled) Assert.Equal(PlantedError, c.RelativeError, 1e-4);
        }
        Assert.Equal(["libtorch", "workbench route ChannelPadded", "workbench route OneDnnOff", "libtorch with oneDNN off"],
            report.Evaluations.Select(e => e.Method));
        Assert.Contains("wrong", report.Message);
    }

    [Fact]
    public void PlantedWrongGradients_AndNaN_AreDetected()
    {
        TestTorch.Cpu();
        var wrongInputGradient = WrongWhereChannelsAreOdd(r => r with { InputGradient = r.InputGradient * (1 - PlantedError) });
        var wrongWeightGradient = WrongWhereChannelsAreOdd(r => r with { WeightGradient = r.WeightGradient + PlantedError * r.WeightGradient.abs().max() });
        var nan = WrongWhereChannelsAreOdd(r => r with { Transposed = r.Transposed.index_fill(0, tensor(new long[] { 0 }), double.NaN) });

        foreach (var (probe, operation) in new[] { (wrongInputGradient, "input gradient"), (wrongWeightGradient, "weight gradient"), (nan, "transposed") })
        {
            var evaluation = NumericsCheck.Evaluate("planted", probe);
            Assert.False(evaluation.Passed, operation);
            Assert.All(evaluation.Cases.Where(c => !c.Passed), c => Assert.Equal(operation, c.Operation));
        }
        Assert.True(double.IsNaN(NumericsCheck.Evaluate("planted", nan).Worst.RelativeError));
    }

    [Fact]
    public void CorrectLibTorch_ChangesNothing()
    {
        TestTorch.Cpu();

        var report = NumericsCheck.Diagnose(Correct, [(ConvolutionRoute.ChannelPadded, NeverCalled)], unrouted: NeverCalled);

        Assert.Equal(NumericsStatus.Verified, report.Status);
        Assert.Equal(ConvolutionRoute.Native, report.Route);
        Assert.Equal(ConvolutionRoute.Native, report.UnroutedRoute);
        Assert.Single(report.Evaluations);
        Assert.All(report.Evaluations[0].Cases, c => Assert.True(c.RelativeError < 1e-6, $"{c.Shape} {c.Operation}: {c.RelativeError}"));
    }

    [Fact]
    public void NothingCorrect_IsBroken_AndEveryRoutedUseRefuses()
    {
        TestTorch.Cpu();
        var wrong = WrongWhereChannelsAreOdd(r => r with { Output = r.Output * 2 });

        var report = NumericsCheck.Diagnose(wrong, [(ConvolutionRoute.ChannelPadded, wrong)], unrouted: wrong);

        Assert.Equal(NumericsStatus.Broken, report.Status);
        Assert.Null(report.Route);
        Assert.Null(report.UnroutedRoute);
        var e = Assert.Throws<InvalidOperationException>(() => report.RequireRoute());
        Assert.Contains("Refusing to run", e.Message);
        Assert.Contains("wrong", e.Message);
        Assert.StartsWith("BROKEN", report.Summary);
    }

    [Fact]
    public void ForcedRoute_IsUsed_AndItsVerdictReported()
    {
        TestTorch.Cpu();
        var wrong = WrongWhereChannelsAreOdd(r => r with { Output = r.Output * 2 });

        var forcedWrong = NumericsCheck.Diagnose(wrong, [(ConvolutionRoute.ChannelPadded, Correct)], unrouted: null, forced: ConvolutionRoute.Native);
        var forcedRight = NumericsCheck.Diagnose(wrong, [(ConvolutionRoute.ChannelPadded, Correct)], unrouted: null, forced: ConvolutionRoute.ChannelPadded);

        Assert.Equal((NumericsStatus.Forced, ConvolutionRoute.Native), (forcedWrong.Status, forcedWrong.Route));
        Assert.Contains("WRONG", forcedWrong.Summary);
        Assert.Equal((NumericsStatus.Forced, ConvolutionRoute.ChannelPadded), (forcedRight.Status, forcedRight.Route));
        Assert.Contains("checked: correct", forcedRight.Summary);
        Assert.Throws<ArgumentException>(() => NumericsCheck.Run("fastest"));
    }

    [Fact]
    public void ThisMachine_HasACorrectRoute_AndTheVerdictOnLibTorchAgreesWithDirectSums()
    {
        TestTorch.Cpu();
        var report = NumericsCheck.Current;

        Assert.NotEqual(NumericsStatus.Broken, report.Status);
        Assert.True(report.Evaluations.Any(e => e.Passed && (e.Method == "libtorch" ? report.Route == ConvolutionRoute.Native
            : e.Method == $"workbench route {report.Route}")), report.Message);

        // Independent oracle: BN-CNN layer 1's channel counts through libtorch's own conv2d, against float64 loops.
        using var scope = NewDisposeScope();
        var generator = new Generator(77);
        var x = randn([1, 40, 17, 17], generator: generator);
        var w = randn([8, 40, 15, 15], generator: generator) / 30;
        using var noGrad = no_grad();
        var y = nn.functional.conv2d(x, w);
        double error = DirectSums.RelativeError(y, DirectSums.Conv2d(x, w));
        var layer1Forward = report.Evaluations[0].Cases.Single(c => c.Shape.StartsWith("BN-CNN layer 1", StringComparison.Ordinal) && c.Operation == "forward");
        Assert.Equal(error <= DirectSumTolerance, layer1Forward.Passed);
        if (error > DirectSumTolerance) Assert.False(report.LibTorchCorrect);
    }

    [Fact]
    public void OneDnnSwitch_TurnsOffAndRestores_AndNests()
    {
        TestTorch.Cpu();
        Assert.True(OneDnn.Switchable, OneDnn.SwitchDescription);
        Assert.True(OneDnn.Enabled);
        using (OneDnn.Disabled())
        {
            Assert.False(OneDnn.Enabled);
            using (OneDnn.Disabled()) Assert.False(OneDnn.Enabled);
            Assert.False(OneDnn.Enabled);
        }
        Assert.True(OneDnn.Enabled);
    }

    [Fact]
    public void RuntimeReport_ShowsTheVerdict_AndTheProcessor()
    {
        var report = TestTorch.Cpu();

        var rows = report.Rows().ToDictionary(r => r.Name, r => r.Value);

        Assert.Equal(report.Numerics.Summary, rows["numerics"]);
        Assert.Contains("logical cores", rows["CPU"]);
    }
}
