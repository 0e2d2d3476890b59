using TorchSharp;
using Workbench.Data;
using Workbench.Metrics;
using Workbench.Models;
using Workbench.TestSupport;
using Workbench.Tests.Support;
using Workbench.Tests.Training;

namespace Workbench.Tests.Models;

public class RevCorLnTests
{
    private static readonly (double Row, double Column)[] Centres = [(5.0, 6.0), (11.0, 4.0), (8.0, 12.0)];

    [Fact]
    public void Fit_RecoversTheFilterAndPredictsHeldOutResponses_AndSurvivesACheckpoint()
    {
        TestTorch.Cpu(seed: 51);
        var (recording, truth) = PlantedData.LocalisedLnCells(frames: 60_000, size: 16, history: 10, Centres);
        using var __ = recording;
        using var windows = new HistoryWindows(recording, 10);
        var spec = new ModelSpec
        {
            Kind = ModelKind.RevCorLn, Height = 16, Width = 16, History = 10, Cells = 3, Cutout = 9,
            CellPositions = Centres.Select(c => new CellPosition(c.Row, c.Column)).ToList(),
        };
        var train = new WindowRange(0, 50_000);
        var test = new WindowRange(50_000, windows.Count);

        using var model = RevCorLn.Fit(windows, [train], spec);
        var cutouts = new Workbench.Models.Layers.Cutouts(spec.CellPositions!, 9, 16, 16);
        using var trueCut = cutouts.ExtractOwn(truth);
        var filterR = Correlation.PerCell(model.Filters.flatten(1).t(), trueCut.flatten(1).t());
        var batch = Enumerable.Range((int)test.Start, (int)test.Length).Select(i => (long)i).ToArray();
        var (x, y) = windows.Batch(batch);
        using var predicted = model.call(x);
        var predictionR = Correlation.PerCell(predicted, y);

        Assert.All(filterR, r => Assert.True(r > 0.9, $"filter r {r}"));
        Assert.All(predictionR, r => Assert.True(r > 0.3, $"prediction r {r}"));
        using var dir = new TempDirectory();
        Checkpoint.Save(model, dir.File("ln.weights"), new CheckpointInfo(model.Spec, null, recording.Cells, null, 0, null));
        var (loaded, _) = Checkpoint.Load(dir.File("ln.weights"));
        using var ___ = loaded;
        Assert.IsType<RevCorLn>(loaded);
        Assert.True(loaded.call(x).allclose(predicted, rtol: 0, atol: 0));
    }
}
