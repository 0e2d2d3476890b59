using TorchSharp;
using Workbench.Data;
using Workbench.IO;
using Workbench.Models;
using Workbench.Phenomena;
using Workbench.Plots;
using Workbench.Tests.Support;
using Xunit.Abstractions;

namespace Workbench.Tests.Phenomena;

/// <summary>
/// The whole battery (quick) on every model family the workbench builds, with a natural movie for polarity reversal: each
/// phenomenon returns a record with a verdict and a figure, and the list round-trips through JSON. Oracle where the answer is
/// known for a family: an LN model (a softplus of one linear filter) and the reverse-correlation LN model (a monotone binned
/// nonlinearity of one filter) never reverse polarity — every instantaneous RF is the filter times a positive slope, so
/// every dot product with the average is positive (prop 0, Absent) — and show no omitted stimulus response.
/// </summary>
public class EveryFamilyTests(ITestOutputHelper output)
{
    private const int Cells = 2, Size = 24;

    public static TheoryData<ModelKind> Kinds => [ModelKind.BnCnn, ModelKind.Stacked, ModelKind.Ln, ModelKind.Glm, ModelKind.RevCorLn];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheBattery_RunsOnEveryFamily_WithAFigureAndJsonForEachPhenomenon(ModelKind kind)
    {
        TestTorch.Cpu(seed: 31);
        using var model = RetinaModels.Create(new ModelSpec
        {
            Kind = kind, Cells = Cells, Height = Size, Width = Size, Cutout = 9, Kernels = [9, 7],
            CellPositions = [new CellPosition(10, 12), new CellPosition(13, 11)],
            ReadoutBias = kind != ModelKind.Stacked,
        });
        model.eval();
        using var generator = new torch.Generator(5);
        using var movie = torch.randn([140, Size, Size], generator: generator);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var results = PhenomenaBattery.Run(model, StimulusInput.Contrast, new PhenomenaOptions { Quick = true, NaturalScenes = movie });

        output.WriteLine($"{kind}: {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var r in results) output.WriteLine("  " + r);
        Assert.Equal(PhenomenaBattery.Default.Select(p => p.Name), results.Select(r => r.Name));
        Assert.All(results, r => Assert.NotNull(PhenomenaCharts.Figure(r)));
        using var dir = new Workbench.TestSupport.TempDirectory();
        string json = dir.File("battery.json");
        JsonFiles.Write(json, results);
        var back = JsonFiles.Read<List<PhenomenonResult>>(json);
        Assert.Equal(results.Select(r => (r.Name, r.Verdict)), back.Select(r => (r.Name, r.Verdict)));

        if (kind is ModelKind.Ln or ModelKind.RevCorLn)
        {
            // Nor can they show an omitted stimulus response (a response to an absence, not to the train's end).
            Assert.NotEqual(Verdict.Present, results.Single(r => r.Name == "omitted stimulus response").Verdict);
            var polarity = (PolarityReversalResult)results.Single(r => r.Name == "polarity reversal");
            Assert.All(polarity.Proportions, p => Assert.True(p == 0 || double.IsNaN(p), $"{kind}: prop {p}"));
            Assert.NotEqual(Verdict.Present, polarity.Verdict);
        }
    }
}
