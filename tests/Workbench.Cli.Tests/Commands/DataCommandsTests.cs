using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Workbench.Cli.Commands;
using Workbench.Cli.Tests.Support;
using Workbench.TestSupport;

namespace Workbench.Cli.Tests.Commands;

/// <summary>simulate, data inspect, data verify and data fetch as users run them.</summary>
public class DataCommandsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Simulate_ThenInspect_ThenVerifyAgainstTheSyntheticManifest()
    {
        string data = _dir.File("tiny");

        var simulate = WorkbenchProcess.Run(_dir.Path, "simulate", "--preset", "tiny", "--seed", "2", "--out", data);
        var inspect = WorkbenchProcess.Run(_dir.Path, "data", "inspect", Path.Combine(data, "naturalscene.h5"), "--json");
        var verify = WorkbenchProcess.Run(_dir.Path, "data", "verify", RepositoryPaths.Of("data-manifests", "synthetic-tiny.json"), "--dir", data);
        var missing = WorkbenchProcess.Run(_dir.Path, "data", "verify", RepositoryPaths.Of("data-manifests", "synthetic-tiny.json"), "--dir", _dir.File("nothing"));

        Assert.True(simulate.ExitCode == 0, simulate.StandardError);
        Assert.Contains("100 % done", simulate.StandardError);
        Assert.Contains("naturalscene.h5", simulate.StandardOutput);
        Assert.Equal(0, inspect.ExitCode);
        var json = JsonNode.Parse(inspect.StandardOutput)!;
        Assert.Equal("deep-retina", json["layout"]!.ToString());
        Assert.Equal(24000, json["splits"]![0]!["frames"]!.GetValue<long>());
        Assert.Equal(ExitCodes.Ok, verify.ExitCode);
        Assert.Contains("present   naturalscene.h5", verify.StandardOutput);
        Assert.Equal(ExitCodes.Failed, missing.ExitCode);
        Assert.Contains("MISSING   ground-truth.json", missing.StandardOutput);
    }

    [Fact]
    public void Fetch_FromALoopbackServer_ThenVerify()
    {
        using var server = new LoopbackFileServer();
        byte[] content = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 253)).ToArray();
        string manifest = _dir.File("m.json");
        File.WriteAllText(manifest, new JsonObject
        {
            ["schema"] = "retina-workbench/data-manifest/1", ["name"] = "loopback", ["title"] = "t", ["description"] = "d", ["citation"] = "c",
            ["licence"] = "l", ["sources"] = new JsonArray(), ["obtain"] = "o",
            ["files"] = new JsonArray(new JsonObject
            {
                ["path"] = "a/b.bin", ["url"] = server.Add("b.bin", content), ["bytes"] = content.Length,
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content)), ["description"] = "x", ["note"] = null,
            }),
        }.ToJsonString());

        var fetch = WorkbenchProcess.Run(_dir.Path, "data", "fetch", manifest, "--dir", _dir.File("out"));
        var verify = WorkbenchProcess.Run(_dir.Path, "data", "verify", manifest, "--dir", _dir.File("out"));

        Assert.True(fetch.ExitCode == 0, fetch.StandardOutput + fetch.StandardError);
        Assert.Contains("Downloaded", fetch.StandardOutput);
        Assert.Contains("downloading a/b.bin", fetch.StandardError);
        Assert.Equal(content, File.ReadAllBytes(_dir.File("out/a/b.bin")));
        Assert.Equal(0, verify.ExitCode);
    }

    [Theory]
    [InlineData("simulate --preset huge --out x", "Unknown preset 'huge'")]
    [InlineData("simulate --preset tiny", "--out DIR is required")]
    [InlineData("data inspect nothing.h5", "nothing.h5: no such file")]
    [InlineData("data verify nothing.json --dir x", "nothing.json: no such manifest")]
    public void BadInput_ExitsTwo(string args, string expected)
    {
        var r = WorkbenchProcess.Run(_dir.Path, args.Split(' '));

        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains(expected, r.StandardError);
    }
}
