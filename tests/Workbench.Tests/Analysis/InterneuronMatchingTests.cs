using TorchSharp;
using Workbench.Analysis;
using Workbench.Data;
using Workbench.Data.Interneurons;
using Workbench.Models;
using Workbench.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Workbench.Tests.Analysis;

public class InterneuronMatchingTests(ITestOutputHelper output)
{
    /// <summary>
    /// Sampling error of a Pearson r of ρ over K windows is about (1 − ρ²)/√K (0.0071 for ρ = 0.707 and K = 5000);
    /// consecutive windows share 39 of 40 frames, which correlates them slightly; four standard errors.
    /// </summary>
    private const double PlantedSigmas = 4;

    /// <summary>Streamed float64 sums against a float64 computation on the same float32 activations: only summation order differs.</summary>
    private const double StreamingTolerance = 1e-6;

    /// <summary>
    /// With white frames and units whose autocorrelation is small, a null r is about N(0, 1/K); 5/√K bounds the largest |r|
    /// of a few hundred units with a failure chance near 1e-4.
    /// </summary>
    private const double ControlBoundSigmas = 5;

    private const int History = 40;

    /// <summary>
    /// Oracle: a BN-CNN's layer 1 before its ReLU is linear in the stimulus (convolution, then batch norm with positive
    /// scale in eval mode). The planted interneuron is unit (c, i, j)'s convolution s = w_c·x + b_c, written out in float64
    /// from the weights, plus Gaussian noise of variance var_n = var_s = σ²‖w_c‖² (σ = 1): its best match must be that unit,
    /// with r = √(var_s / (var_s + var_n)) = 1/√2 within sampling error; the time-shuffled control below 5/√K; and the
    /// data-efficiency curve, chosen on 20 s, must pick the unit and score 1/√2 on the rest.
    /// </summary>
    [Fact]
    public void PlantedLinearUnit_IsTheBestMatchWithTheAnalyticCorrelation()
    {
        TestTorch.Cpu(seed: 121);
        const int frames = 5040, size = 12, channel = 2, row = 3, column = 5;
        using var model = new BnCnn(new ModelSpec { Kind = ModelKind.BnCnn, Cells = 2, Height = size, Width = size, Channels = [4, 3], Kernels = [5, 3] });
        model.eval();
        using var scope = torch.NewDisposeScope();
        var stimulus = torch.randn(frames, size, size);
        var state = model.state_dict();
        double[] w = state["conv1.weight"][channel].to(float64).contiguous().data<double>().ToArray(); // (40, 5, 5)
        double bias = state["conv1.bias"][channel].to(float64).item<double>();
        double[] x = stimulus.to(float64).contiguous().data<double>().ToArray();
        double varS = w.Sum(v => v * v), varN = varS;
        long windows = frames - History;
        var potential = torch.randn([frames], float64) * Math.Sqrt(varN);
        var s = new double[frames];
        for (int k = 0; k < windows; k++)
        {
            double sum = bias;
            for (int f = 0; f < History; f++)
                for (int p = 0; p < 5; p++)
                    for (int q = 0; q < 5; q++)
                        sum += w[(f * 5 + p) * 5 + q] * x[((k + f) * size + row + p) * size + column + q];
            s[k + History] = sum; // window k is paired with sample k + History
        }
        potential.add_(torch.tensor(s));
        using var recording = new InterneuronStimulus("whitenoise", stimulus.alias(), potential.unsqueeze(1).to(float32), [new InterneuronCell(0, "bipolar planted", row + 1, column + 3)]);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = InterneuronMatching.Match(model, recording, new InterneuronMatchOptions { Normalisation = new StimulusNormalisation(0, 1), TrainingSeconds = [5, 20] });
        output.WriteLine($"matched {windows} windows x {result.Cells[0].Maps.Sum(m => m.Values.Length)} units in {clock.ElapsedMilliseconds} ms");

        var match = Assert.Single(result.Cells);
        double expected = Math.Sqrt(varS / (varS + varN));
        double standardError = (1 - expected * expected) / Math.Sqrt(windows);
        output.WriteLine($"best {match.Best.Unit} r = {match.Best.R:F4} (analytic {expected:F4}, s.e. {standardError:F4}); runner-up {match.Ranked[1].Unit} r = {match.Ranked[1].R:F4}");
        output.WriteLine($"control: shift {result.ControlShift}, max |r| = {match.ControlMaxAbsR:F4} at {match.Control.Unit} (bound {ControlBoundSigmas / Math.Sqrt(windows):F4})");
        Assert.Equal(new UnitAddress("bn1", channel, row, column), match.Best.Unit);
        Assert.Equal(match.Best, match.Ranked[0]);
        Assert.InRange(match.Best.R, expected - PlantedSigmas * standardError, expected + PlantedSigmas * standardError);
        Assert.Equal(match.Best.R, match.Maps[0][channel, row, column]);
        Assert.Equal(4 + 3, match.Ranked.Count);
        // The unit is linear in the stimulus with kernel w: its receptive field's energy Σ_f w² centred as recorded cells'
        // are (the centroid over the checkers within 2 of the peak), offset by the unit's position.
        var energy = new double[5, 5];
        for (int f = 0; f < History; f++)
            for (int p = 0; p < 5; p++)
                for (int q = 0; q < 5; q++) energy[p, q] += w[(f * 5 + p) * 5 + q] * w[(f * 5 + p) * 5 + q];
        int peak = Enumerable.Range(0, 25).MaxBy(i => energy[i / 5, i % 5]);
        double total = 0, sumRow = 0, sumColumn = 0;
        for (int p = Math.Max(0, peak / 5 - 2); p <= Math.Min(4, peak / 5 + 2); p++)
            for (int q = Math.Max(0, peak % 5 - 2); q <= Math.Min(4, peak % 5 + 2); q++)
                (total, sumRow, sumColumn) = (total + energy[p, q], sumRow + energy[p, q] * p, sumColumn + energy[p, q] * q);
        double centreRow = row + sumRow / total, centreColumn = column + sumColumn / total;
        Assert.Equal(centreRow, match.BestRow, 1e-4);
        Assert.Equal(centreColumn, match.BestColumn, 1e-4);
        Assert.Equal(Math.Sqrt(Math.Pow(centreRow - (row + 1), 2) + Math.Pow(centreColumn - (column + 3), 2)), match.Distance!.Value, 1e-4);
        Assert.True(match.ControlMaxAbsR < ControlBoundSigmas / Math.Sqrt(windows), $"control max |r| {match.ControlMaxAbsR}");

        Assert.Equal(2, match.DataEfficiency.Count);
        var longest = match.DataEfficiency[1];
        foreach (var point in match.DataEfficiency)
            output.WriteLine($"k = {point.Seconds} s: chose {point.Chosen.Unit} (r {point.Chosen.R:F4}), held-out r {point.HeldOutR:F4} over {point.HeldOutWindows} windows, best held-out {point.BestHeldOutR:F4}");
        Assert.Equal(2000, longest.TrainingWindows);
        Assert.Equal(windows - 2000 - History, longest.HeldOutWindows);
        Assert.Equal(match.Best.Unit, longest.Chosen.Unit);
        double heldOutError = (1 - expected * expected) / Math.Sqrt(longest.HeldOutWindows);
        Assert.InRange(longest.HeldOutR, expected - PlantedSigmas * heldOutError, expected + PlantedSigmas * heldOutError);
        Assert.True(longest.HeldOutR <= longest.BestHeldOutR);
    }

    /// <summary>
    /// Oracle: the activations of layers 1 and 2 materialised for every window (<see cref="LayerProbe.Activations(RetinaModel, Tensor, string, int)"/>),
    /// the aligned potentials (sample k + History for window k) and their circular shift, and Pearson r written out in
    /// float64 over all windows, over the choosing stretch and over the held-out rest. Potentials carry a large offset and
    /// depend on a layer-1 unit, so both the shift against cancellation and the alignment are exercised.
    /// </summary>
    [Fact]
    public void StreamedCorrelations_EqualTheDirectFloat64Computation()
    {
        TestTorch.Cpu(seed: 122);
        const int frames = 700, size = 12, cells = 3;
        using var model = ProbeFixtures.SmallBnCnn();
        using var scope = torch.NewDisposeScope();
        var stimulus = torch.randn(frames, size, size) * 3 + 5;
        var normalisation = StimulusNormalisation.Of(stimulus);
        var normalised = stimulus.clone();
        normalisation.ApplyInPlace(normalised);
        long windows = frames - History;
        var layer1 = LayerProbe.Activations(model, normalised, "bn1", batchSize: 64).to(float64);
        var layer2 = LayerProbe.Activations(model, normalised, "bn2", batchSize: 64).to(float64);
        var units = torch.cat([layer1.flatten(1), layer2.flatten(1)], 1); // (K, U)
        var drive = torch.zeros(frames, cells, float64);
        var planted = layer1.flatten(1).narrow(1, 37, cells);
        drive.narrow(0, History, windows).copy_(planted / planted.std([0]));
        var potentials = (drive + torch.randn(frames, cells, float64) + 100).to(float32); // r ≈ 1/√2 with units 37, 38, 39
        using var recording = new InterneuronStimulus("whitenoise", stimulus.alias(), potentials.alias(),
            Enumerable.Range(0, cells).Select(i => new InterneuronCell(i, i < 2 ? "bipolar" : "amacrine")).ToList());

        const long shift = 211;
        var result = InterneuronMatching.Match(model, recording, new InterneuronMatchOptions { TrainingSeconds = [2.5], ControlShift = shift, BatchSize = 64 });

        var y = potentials.narrow(0, History, windows).to(float64);
        var control = y.roll(shift, 0);
        var all = Pearson(y, units);
        var shuffled = Pearson(control, units);
        var train = Pearson(y.narrow(0, 0, 250), units.narrow(0, 0, 250));
        var heldOut = Pearson(y.narrow(0, 290, windows - 290), units.narrow(0, 290, windows - 290));
        double worst = 0;
        for (int i = 0; i < cells; i++)
        {
            var match = result.Cells[i];
            var streamed = torch.tensor(match.Maps.SelectMany(m => m.Values).ToArray());
            worst = Math.Max(worst, (streamed - all[i]).abs().max().item<double>());
            worst = Math.Max(worst, Math.Abs(match.ControlMaxAbsR - shuffled[i].abs().max().item<double>()));
            var point = Assert.Single(match.DataEfficiency);
            worst = Math.Max(worst, Math.Abs(point.Chosen.R - train[i].max().item<double>()));
            worst = Math.Max(worst, Math.Abs(point.BestHeldOutR - heldOut[i].max().item<double>()));
            int chosen = (int)train[i].argmax().item<long>();
            worst = Math.Max(worst, Math.Abs(point.HeldOutR - heldOut[i, chosen].item<double>()));
            Assert.Equal(all[i].max().item<double>(), match.Best.R, StreamingTolerance);
        }
        output.WriteLine($"largest difference from the direct float64 computation: {worst:E2}; best r per cell {string.Join(", ", result.Cells.Select(c => c.Best.R.ToString("F3")))}");
        Assert.True(worst <= StreamingTolerance, $"streamed correlations differ from the direct computation by {worst}");
        Assert.All(result.Cells, c => Assert.Equal(new UnitAddress("bn1", 0, 4, 5 + c.Cell.Index), c.Best.Unit));

        var byType = InterneuronMatching.RankedByType(result.Cells, layer: "bn1");
        Assert.Equal(["amacrine", "bipolar"], byType.Select(t => t.Type));
        var bipolar = byType[1];
        Assert.Equal(2, bipolar.Cells);
        Assert.Equal(4, bipolar.MeanR.Count);
        double firstRank = result.Cells.Take(2).Average(c => c.Ranked.Where(u => u.Unit.Layer == "bn1").First().R);
        Assert.Equal(firstRank, bipolar.MeanR[0], 12);
        Assert.True(bipolar.MeanR.Zip(bipolar.MeanR.Skip(1)).All(p => p.First >= p.Second), "ranked correlations descend");
    }

    /// <summary>
    /// Oracle: the geometry of valid convolutions. In the small BN-CNN (5×5 then 3×3 kernels) unit (c, i, j) of layer 1
    /// looks at stimulus rows i … i + 4, centred on i + 2; of layer 2 at i … i + 6, centred on i + 3. A planted interneuron
    /// at a stated position is reported at its distance from the best unit's centre.
    /// </summary>
    [Fact]
    public void StimulusCentres_FollowTheConvolutionGeometry()
    {
        TestTorch.Cpu(seed: 125);
        using var model = ProbeFixtures.SmallBnCnn();
        Assert.Equal((5.0, 7.0), InterneuronMatching.StimulusCentre(model, new UnitAddress("bn1", 1, 3, 5)));
        Assert.Equal((2.0, 9.0), InterneuronMatching.StimulusCentre(model, new UnitAddress("relu1", 3, 0, 7)));
        Assert.Equal((5.0, 3.0), InterneuronMatching.StimulusCentre(model, new UnitAddress("bn2", 2, 2, 0)));
    }

    /// <summary>
    /// Oracle: a planted kernel. With channel 1's 5x5 kernel a single weight at kernel offset (0, 4) (every frame), layer-1
    /// unit (1, i, j) sees only stimulus pixel (i, j + 4): its receptive-field centre is exactly there. An unplanted channel's
    /// footprint is its whole kernel (middle (i + 2, j + 2)), and its centre lies somewhere inside it.
    /// </summary>
    [Fact]
    public void ReceptiveFieldCentres_FollowWhereTheKernelsWeightLies()
    {
        TestTorch.Cpu(seed: 125);
        using var model = ProbeFixtures.SmallBnCnn();
        using (torch.no_grad())
        {
            var w = model.get_parameter("conv1.weight")!;
            w[1].zero_();
            w[1][.., 0, 4] = torch.tensor(1f);
        }
        Assert.Equal((3.0, 9.0), InterneuronMatching.ReceptiveFieldCentre(model, new UnitAddress("bn1", 1, 3, 5)));
        Assert.Equal((5.0, 7.0), InterneuronMatching.StimulusCentre(model, new UnitAddress("bn1", 0, 3, 5)));   // a full kernel's middle
        var (row, column) = InterneuronMatching.ReceptiveFieldCentre(model, new UnitAddress("bn1", 0, 3, 5));
        Assert.InRange(row, 3, 7);   // an unplanted (random) kernel: somewhere inside its footprint
        Assert.InRange(column, 5, 9);
    }

    /// <summary>Errors name what is wrong: a model without the default layers, a stimulus of the wrong size, a choosing stretch longer than the recording.</summary>
    [Fact]
    public void MisfitInputs_AreRejectedWithMessagesThatNameTheProblem()
    {
        TestTorch.Cpu(seed: 123);
        using var model = ProbeFixtures.SmallBnCnn();
        using var scope = torch.NewDisposeScope();
        using var small = new InterneuronStimulus("boxes", torch.randn(100, 10, 10), torch.randn(100, 1), [new InterneuronCell(0, "bipolar")]);
        var size = Assert.Throws<ArgumentException>(() => InterneuronMatching.Match(model, small));
        Assert.Contains("12x12", size.Message);
        using var fits = new InterneuronStimulus("boxes", torch.randn(100, 12, 12), torch.randn(100, 1), [new InterneuronCell(0, "bipolar")]);
        var layer = Assert.Throws<ArgumentException>(() => InterneuronMatching.Match(model, fits, new InterneuronMatchOptions { Layers = ["conv9"] }));
        Assert.Contains("relu1", layer.Message);
        var length = Assert.Throws<ArgumentException>(() => InterneuronMatching.Match(model, fits, new InterneuronMatchOptions { TrainingSeconds = [1] }));
        Assert.Contains("1 s", length.Message);
    }

    /// <summary>Pearson r (N, U) between the columns of y (K, N) and x (K, U), in float64.</summary>
    private static Tensor Pearson(Tensor y, Tensor x)
    {
        var yc = y - y.mean([0]);
        var xc = x - x.mean([0]);
        return yc.t().matmul(xc) / (yc.square().sum([0]).unsqueeze(1) * xc.square().sum([0]).unsqueeze(0)).sqrt();
    }
}
