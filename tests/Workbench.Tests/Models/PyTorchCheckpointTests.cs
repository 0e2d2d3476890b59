using System.Collections;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using Workbench.Data;
using Workbench.Models;
using Workbench.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Tests.Models;

/// <summary>
/// Oracle: PyTorch 1.13 itself. Fixtures/make_pytorch_checkpoint_fixtures.py builds torch-deep-retina's BNCNN and
/// LinearStackedBNCNN (same layer layout and parameter names), saves them as torch-deep-retina saves them, and writes
/// PyTorch's outputs for fixed inputs in eval and train mode.
/// </summary>
public class PyTorchCheckpointTests
{
    /// <summary>Our float32 forward against PyTorch's float32 forward: the same operations, summed in another order
    /// (the largest difference seen is 6e-8 on outputs of order 1).</summary>
    private const double Rtol = 1e-5, Atol = 1e-6;

    /// <summary>A collapsed stack's kernel is computed from impulse responses in float32: room for more rounding
    /// (6e-8 seen here too).</summary>
    private const double CollapseRtol = 1e-4, CollapseAtol = 1e-5;

    private const int Batch = 6, History = 8, Cells = 3;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", name);

    private sealed record Reference(torch.Tensor X, torch.Tensor Eval, torch.Tensor Train, torch.Tensor RunningMean, torch.Tensor RunningVar);

    /// <summary>The input, PyTorch's eval and train-mode outputs, and the output batch norm's running statistics after the train pass.</summary>
    private static Reference ReadReference(string name, int height, int width)
    {
        float[] io = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Fixture(name + "_io.bin"))).ToArray();
        int n = Batch * History * height * width, o = Batch * Cells;
        Assert.Equal(n + 2 * o + 2 * Cells, io.Length);
        return new Reference(torch.tensor(io[..n]).view(Batch, History, height, width), torch.tensor(io[n..(n + o)]).view(Batch, Cells),
            torch.tensor(io[(n + o)..(n + 2 * o)]).view(Batch, Cells), torch.tensor(io[(n + 2 * o)..(n + 2 * o + Cells)]),
            torch.tensor(io[(n + 2 * o + Cells)..]));
    }

    private static JsonElement Expected(string name) =>
        JsonDocument.Parse(File.ReadAllText(Fixture("pytorch_checkpoints.json"))).RootElement.GetProperty("fixtures").GetProperty(name);

    private static void AssertClose(torch.Tensor expected, torch.Tensor actual, double rtol, double atol, string what) =>
        Assert.True(actual.allclose(expected, rtol, atol), $"{what}: max difference {(actual - expected).abs().max().item<float>()} (rtol {rtol}, atol {atol})");

    [Theory]
    [InlineData("tdr_bncnn")]
    [InlineData("tdr_stacked")]
    [InlineData("tdr_convgc")]
    [InlineData("bncnn_state_dict")]
    [InlineData("tdr_bncnn_legacy")]
    public void ACheckpointFromPyTorch_PredictsLikePyTorch_InEvalAndTrainMode(string file)
    {
        TestTorch.Cpu();
        string name = file.Replace("_legacy", "", StringComparison.Ordinal); // the legacy-format copy has tdr_bncnn's outputs
        var expected = Expected(name);
        using var checkpoint = PyTorchCheckpoint.Load(Fixture(file + ".pt"));
        Assert.Equal(expected.GetProperty("kind").GetString(), checkpoint.Spec.Kind.ToString());
        Assert.Equal((History, expected.GetProperty("height").GetInt32(), expected.GetProperty("width").GetInt32(), Cells),
            (checkpoint.Spec.History, checkpoint.Spec.Height, checkpoint.Spec.Width, checkpoint.Spec.Cells));
        var reference = ReadReference(name, checkpoint.Spec.Height, checkpoint.Spec.Width);

        // Eval mode (the loader's default): batch norm uses the checkpoint's running statistics.
        Assert.False(checkpoint.Model.training);
        using (torch.no_grad())
            AssertClose(reference.Eval, checkpoint.Model.call(reference.X), Rtol, Atol, "eval-mode output");

        // Train mode: batch statistics, and the running statistics move as PyTorch's do. Noise (and the reference's dropout
        // inside stacks) is off on both sides.
        using var quiet = new BnCnn(checkpoint.Spec with { Noise = 0 });
        quiet.load_state_dict(checkpoint.Model.state_dict());
        quiet.train();
        using (torch.no_grad())
            AssertClose(reference.Train, quiet.call(reference.X), Rtol, Atol, "train-mode output");
        var state = quiet.state_dict();
        AssertClose(reference.RunningMean, state["bn_out.running_mean"], Rtol, Atol, "output batch norm running mean after one train pass");
        AssertClose(reference.RunningVar, state["bn_out.running_var"], Rtol, Atol, "output batch norm running variance after one train pass");

        // The two modes really differ here, so the eval comparison proves the running statistics were loaded.
        Assert.True((reference.Eval - reference.Train).abs().max().item<float>() > 0.01);
    }

    [Theory]
    [InlineData("tdr_stacked")]
    [InlineData("tdr_convgc")]
    public void AStackedCheckpoint_CollapsesToTheSamePredictions(string name)
    {
        TestTorch.Cpu();
        using var checkpoint = PyTorchCheckpoint.Load(Fixture(name + ".pt"));
        var reference = ReadReference(name, checkpoint.Spec.Height, checkpoint.Spec.Width);

        using var collapsed = checkpoint.Model.Collapse();

        Assert.Equal(ModelKind.BnCnn, collapsed.Spec.Kind);
        using (torch.no_grad())
            AssertClose(reference.Eval, collapsed.call(reference.X), CollapseRtol, CollapseAtol, "collapsed model's output");
    }

    [Theory]
    [InlineData("tdr_bncnn")]
    [InlineData("tdr_stacked")]
    [InlineData("tdr_convgc")]
    [InlineData("tdr_bncnn_legacy")]
    public void TheCheckpointsMetadata_IsReported(string file)
    {
        TestTorch.Cpu();
        var expected = Expected(file.Replace("_legacy", "", StringComparison.Ordinal));
        using var checkpoint = PyTorchCheckpoint.Load(Fixture(file + ".pt"));

        Assert.Equal(expected.GetProperty("model_type").GetString(), checkpoint.ModelType);
        Assert.NotNull(checkpoint.Normalisation);
        Assert.Equal(expected.GetProperty("mean").GetDouble(), checkpoint.Normalisation!.Mean, 6);
        Assert.Equal(expected.GetProperty("std").GetDouble(), checkpoint.Normalisation.Std, 6);
        Assert.Equal(expected.GetProperty("epoch").GetInt32(), checkpoint.Epoch);
        Assert.Equal(expected.GetProperty("val_acc").GetDouble(), checkpoint.ValidationCorrelation!.Value, 12);
        Assert.Equal(expected.GetProperty("test_pearson").GetDouble(), checkpoint.TestCorrelation!.Value, 12);
        Assert.Equal(expected.GetProperty("dataset").GetString(), checkpoint.Hyperparameters["dataset"]);
        Assert.Equal((long)History, Assert.IsType<List<object?>>(checkpoint.Hyperparameters["img_shape"])[0]);
        int[] indices = expected.TryGetProperty("cell_indices", out var cells) ? cells.EnumerateArray().Select(c => c.GetInt32()).ToArray() : [0, 1, 2];
        Assert.Equal(indices, checkpoint.Cells.Select(c => c.Index));
        Assert.Equal(indices.Select(Workbench.Data.CellInfo.NameOf), checkpoint.Cells.Select(c => c.Name));
    }

    [Theory]
    [InlineData("tdr_bncnn", "zero_dict: channels 2 of sequential.6 were pruned in training; their weights are zero in the file.")]
    [InlineData("tdr_bncnn_legacy", "zero_dict: channels 2 of sequential.6 were pruned in training; their weights are zero in the file.")]
    [InlineData("tdr_stacked", "zero_dict: channels 1 of sequential.0 were pruned in training; their weights are zero in the file.")]
    public void PrunedChannels_AreReported(string name, string note)
    {
        TestTorch.Cpu();
        using var checkpoint = PyTorchCheckpoint.Load(Fixture(name + ".pt"));

        Assert.Contains(note, checkpoint.Notes);
    }

    [Fact]
    public void AConvolutionalReadout_ReadsWhereTorchDeepRetinasGrabUnitsReads_AndKeepsTheTrueCentres()
    {
        TestTorch.Cpu();
        var coords = Expected("tdr_convgc").GetProperty("grab_coords").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();
        using var checkpoint = PyTorchCheckpoint.Load(Fixture("tdr_convgc.pt"));

        // 18x16 stimulus, kernels 7, 5, 3: a 6x4 readout map; GrabUnits' (-2, -4) are Python indices (4, 0). Our offset is 6.
        Assert.All(coords, c => Assert.Equal([-2, -4], c));
        Assert.All(checkpoint.Spec.CellPositions!, p => Assert.Equal(new CellPosition(4 + 6, 0 + 6), p));
        Assert.Equal([(9.0, 7.0), (12.0, 5.0), (14.0, 11.0)], checkpoint.Cells.Select(c => (c.Row!.Value, c.Column!.Value)));
        Assert.Contains(checkpoint.Notes, n => n.Contains("GrabUnits", StringComparison.Ordinal));
    }

    [Fact]
    public void ALoadedCheckpoint_SavesAsAWorkbenchCheckpoint_AndLoadsBackTheSame()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        using var checkpoint = PyTorchCheckpoint.Load(Fixture("tdr_stacked.pt"));
        var reference = ReadReference("tdr_stacked", 18, 16);

        Checkpoint.Save(checkpoint.Model, dir.File("imported.weights"), checkpoint.ToCheckpointInfo());
        var (model, info) = Checkpoint.Load(dir.File("imported.weights"));
        using var _ = model;

        Assert.Equal(checkpoint.Normalisation, info.Normalisation);
        Assert.Equal([0, 2, 4], info.Cells.Select(c => c.Index));
        Assert.Equal("LinearStackedBNCNN", info.Extra!["hyps.model_type"]);
        using (torch.no_grad())
            AssertClose(reference.Eval, model.call(reference.X), Rtol, Atol, "output after the round trip");
    }

    [Fact]
    public void TheLegacyFormat_GivesTheSameWeights_AsTheZipFormat()
    {
        TestTorch.Cpu();
        using var zip = PyTorchCheckpoint.Load(Fixture("tdr_bncnn.pt"));
        using var legacy = PyTorchCheckpoint.Load(Fixture("tdr_bncnn_legacy.pt"));

        var a = zip.Model.state_dict();
        foreach (var (key, value) in legacy.Model.state_dict())
            Assert.True(value.equal(a[key]).all().item<bool>(), key);
        Assert.Equal(zip.Hyperparameters.Keys.Order(), legacy.Hyperparameters.Keys.Order());
    }

    [Fact]
    public void ATruncatedLegacyFile_IsNamed()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixture("tdr_bncnn_legacy.pt"));
        string path = dir.File("truncated.pt");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);

        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    /// <summary>Damage anywhere (flipped bytes, truncation) gives either a loaded model or an error naming the file: never
    /// another exception, a crash or a hang. Bytes inside tensor data may load (as different weights); that is the zip's
    /// and PyTorch's own behaviour too, as neither checksums the data.</summary>
    [Theory]
    [InlineData("tdr_bncnn.pt")]
    [InlineData("tdr_bncnn_legacy.pt")]
    public void ADamagedFile_IsNamed_OrLoads_NeverAnotherException(string name)
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        byte[] original = File.ReadAllBytes(Fixture(name));
        var rng = new Random(5);
        int refused = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            if (trial % 3 == 2) bytes = bytes[..rng.Next(1, bytes.Length)];
            else for (int k = 0; k < 4; k++) bytes[rng.Next(bytes.Length)] ^= (byte)rng.Next(1, 256);
            string path = dir.File($"damaged{trial}.pt");
            File.WriteAllBytes(path, bytes);
            try
            {
                PyTorchCheckpoint.Load(path).Dispose();
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith(path, e.Message);
                refused++;
            }
        }
        Assert.True(refused >= 20, $"only {refused} of 60 damaged files were refused");
    }

    // ---- errors: each names the file, the key and the shapes ----

    /// <summary>The bare state dict fixture with one change, written back in PyTorch's format (TorchSharp.PyBridge's writer).</summary>
    private static string Altered(TempDirectory dir, Action<Dictionary<string, torch.Tensor>> change)
    {
        Hashtable table = PyTorchUnpickler.UnpickleStateDict(Fixture("bncnn_state_dict.pt"));
        var state = table.Keys.Cast<string>().ToDictionary(k => k, k => (torch.Tensor)table[k]!);
        change(state);
        string path = dir.File("altered.pt");
        PyTorchPickler.PickleStateDict(path, state);
        return path;
    }

    [Fact]
    public void AStateDictSavedFromDataParallel_LoadsToo()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string path = Altered(dir, s =>
        {
            foreach (var key in s.Keys.ToList()) { s["module." + key] = s[key]; s.Remove(key); }
        });
        var reference = ReadReference("bncnn_state_dict", 16, 16);

        using var checkpoint = PyTorchCheckpoint.Load(path);

        using (torch.no_grad())
            AssertClose(reference.Eval, checkpoint.Model.call(reference.X), Rtol, Atol, "eval-mode output");
    }

    [Fact]
    public void AConvolutionWithoutBias_GetsAZeroBias_AndSaysSo()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string path = Altered(dir, s => s.Remove("sequential.0.bias"));

        using var checkpoint = PyTorchCheckpoint.Load(path);

        Assert.Equal(0f, checkpoint.Model.state_dict()["conv1.bias"].abs().max().item<float>());
        Assert.Contains(checkpoint.Notes, n => n.Contains("sequential.0.weight has no bias", StringComparison.Ordinal));
    }

    [Fact]
    public void AMisshapedWeight_IsNamed_WithBothShapes_AndTheFile()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string path = Altered(dir, s => s["sequential.13.weight"] = torch.zeros(3, 107));

        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(path, ModelSpec.BnCnnFor(3, 16, 16) with { History = 8, Channels = [4, 3], Kernels = [7, 5] }));

        Assert.Contains(path, e.Message);
        Assert.Contains("sequential.13.weight has shape [3, 107], expected [3, 108] for readout.weight", e.Message);
    }

    [Fact]
    public void AnUnknownKey_IsNamed()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string path = Altered(dir, s => s["readout.extra"] = torch.zeros(2));

        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(path));

        Assert.Contains($"{path}: unexpected key 'readout.extra' [2]", e.Message);
    }

    [Fact]
    public void AMissingKey_IsNamed()
    {
        TestTorch.Cpu();
        using var dir = new TempDirectory();
        string path = Altered(dir, s => s.Remove("sequential.8.running_var"));

        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(path));

        Assert.Contains($"{path}: batch norm sequential.8 lacks sequential.8.running_var", e.Message);
    }

    [Fact]
    public void ASpecThatContradictsTheWeights_IsRefused_NamingTheDifference()
    {
        TestTorch.Cpu();
        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(Fixture("bncnn_state_dict.pt"),
            new ModelSpec { History = 8, Height = 16, Width = 16, Cells = 3, Channels = [4, 4], Kernels = [7, 5] }));

        Assert.Contains("Channels: file 4/3, spec 4/4", e.Message);
    }

    [Fact]
    public void AStimulusSizeTheWeightsContradict_IsNamedAtTheBatchNorm()
    {
        TestTorch.Cpu();
        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(Fixture("bncnn_state_dict.pt"),
            new ModelSpec { History = 8, Height = 17, Width = 16, Cells = 3, Channels = [4, 3], Kernels = [7, 5] }));

        Assert.Contains("sequential.2.weight has shape [400], expected [440] for bn1.weight", e.Message);
    }

    [Theory]
    [InlineData("whole_module.pt", "whole pickled nn.Module")]
    [InlineData("whole_module_legacy.pt", "whole pickled nn.Module")]
    [InlineData("bare_tensor.pt", "not a dictionary")]
    [InlineData("refused_activation.pt", "hyperparameter activ_fxn is 'Tanh'; the workbench's BN-CNN uses ReLU")]
    public void FilesItCannotTake_AreRefused_SayingWhy(string name, string why)
    {
        TestTorch.Cpu();
        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.Load(Fixture(name)));

        Assert.Contains(Fixture(name), e.Message);
        Assert.True(e.Message.Contains(why, StringComparison.Ordinal), e.Message);
    }
}
