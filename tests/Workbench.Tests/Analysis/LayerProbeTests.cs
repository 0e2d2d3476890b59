using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Tests.Support;

namespace Workbench.Tests.Analysis;

public class LayerProbeTests
{
    /// <summary>Batches of 7 against one batch of all windows: float32 convolutions may sum in another order per batch size.</summary>
    private const double Tolerance = 1e-5;

    /// <summary>
    /// Oracle: the windows materialised one by one and run through the model in one forward pass. The streamed activations
    /// (batches of 7, which do not divide the count; two ranges) must match for layers before and after a nonlinearity.
    /// </summary>
    [Theory]
    [InlineData("bn1")]
    [InlineData("relu1")]
    [InlineData("bn2")]
    [InlineData("output")]
    public void StreamedActivations_EqualOneForwardPassOverMaterialisedWindows(string layer)
    {
        TestTorch.Cpu(seed: 31);
        using var model = ProbeFixtures.SmallBnCnn();
        using var recording = ProbeFixtures.WhiteNoise(130, 12, 12);
        using var windows = new HistoryWindows(recording);
        WindowRange[] ranges = [new(0, 30), new(55, 90)];

        using var streamed = LayerProbe.Activations(model, windows, ranges, layer, batchSize: 7);

        var indices = ranges.SelectMany(r => Enumerable.Range((int)r.Start, (int)r.Length).Select(i => (long)i));
        using var x = ProbeFixtures.Materialise(recording.Stimulus, indices, 40);
        torch.Tensor expected;
        using (torch.no_grad()) expected = model.Activations(x)[layer];
        Assert.Equal(expected.shape, streamed.shape);
        double scale = expected.abs().max().item<float>();
        double error = (streamed - expected).abs().max().item<float>();
        Assert.True(error <= Tolerance * scale, $"{layer}: max difference {error} (scale {scale})");
    }

    /// <summary>Oracle: plain indexing of the full layer. Units of two layers in one call, in the order asked.</summary>
    [Fact]
    public void Responses_PickTheAddressedUnits_ByLayerChannelAndPosition()
    {
        TestTorch.Cpu(seed: 32);
        using var model = ProbeFixtures.SmallBnCnn();
        using var stimulus = torch.randn(90, 12, 12);
        UnitAddress[] units = [new("relu2", 2, 5, 1), new("bn1", 0, 3, 4), new("bn1", 3, 7, 0), UnitAddress.OutputCell(1)];

        using var responses = LayerProbe.Responses(model, stimulus, units, batchSize: 16);
        using var bn1 = LayerProbe.Activations(model, stimulus, "bn1");
        using var relu2 = LayerProbe.Activations(model, stimulus, "relu2");
        using var output = LayerProbe.Activations(model, stimulus, "output");

        Assert.Equal(new long[] { 50, 4 }, responses.shape); // 90 frames leave 50 windows of 40 with a bin after them
        // Batches of 16 and of 128 windows run the first layer as transforms of different chunks: equal to float rounding.
        Assert.True(responses[.., 0].allclose(relu2[.., 2, 5, 1], rtol: 1e-5, atol: 1e-6));
        Assert.True(responses[.., 1].allclose(bn1[.., 0, 3, 4], rtol: 1e-5, atol: 1e-6));
        Assert.True(responses[.., 2].allclose(bn1[.., 3, 7, 0], rtol: 1e-5, atol: 1e-6));
        Assert.True(responses[.., 3].allclose(output[.., 1], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void UnitLists_CoverEveryChannelsCentre_AndEveryPositionOfAChannel()
    {
        TestTorch.Cpu(seed: 33);
        using var model = ProbeFixtures.SmallBnCnn();

        Assert.Equal(new long[] { 4, 8, 8 }, LayerProbe.LayerShape(model, "bn1"));
        Assert.Equal(new long[] { 3 }, LayerProbe.LayerShape(model, "output"));
        Assert.Equal([new("bn1", 0, 3, 3), new("bn1", 1, 3, 3), new("bn1", 2, 3, 3), new("bn1", 3, 3, 3)], LayerProbe.CentralUnits(model, "bn1"));
        var all = LayerProbe.ChannelUnits(model, "relu2", 1);
        Assert.Equal(36, all.Count);
        Assert.Equal(new UnitAddress("relu2", 1, 5, 5), all[^1]);
    }

    [Fact]
    public void UnknownLayersAndUnitsOutsideALayer_AreErrorsNamingThem()
    {
        TestTorch.Cpu(seed: 34);
        using var model = ProbeFixtures.SmallBnCnn();
        using var stimulus = torch.randn(45, 12, 12);

        var unknown = Assert.Throws<ArgumentException>(() => LayerProbe.Responses(model, stimulus, [new UnitAddress("conv3", 0)]));
        Assert.Contains("conv3", unknown.Message);
        Assert.Contains("relu1", unknown.Message);
        var outside = Assert.Throws<ArgumentException>(() => LayerProbe.Responses(model, stimulus, [new UnitAddress("bn2", 1, 6, 0)]));
        Assert.Contains("bn2[1, 6, 0]", outside.Message);
        Assert.Contains("6x6", outside.Message);
    }

    /// <summary>A model left in training mode is probed in evaluation mode (no noise, running statistics) and handed back in training mode.</summary>
    [Fact]
    public void AModelInTrainingMode_IsProbedInEvalMode_AndRestored()
    {
        TestTorch.Cpu(seed: 35);
        using var model = ProbeFixtures.SmallBnCnn();
        using var stimulus = torch.randn(60, 12, 12);
        using var evaluated = LayerProbe.Activations(model, stimulus, "relu2");

        model.train();
        using var probed = LayerProbe.Activations(model, stimulus, "relu2");

        Assert.True(model.training);
        Assert.True(evaluated.equal(probed).all().item<bool>());
    }
}
