using Workbench.Benchmarks.SideBySide;

namespace Workbench.Tests.Benchmarks;

/// <summary>The line protocol between the side-by-side run and <c>peer/bncnn_peer.py --serve</c> (nothing here is timed).</summary>
public class PeerProtocolTests
{
    /// <summary>Oracle: the literal line the peer's <c>json.loads</c> reads (op first, then the arguments in order).</summary>
    [Fact]
    public void Request_IsOneJsonObjectWithTheOpAndItsArguments()
    {
        string line = PeerProtocol.Request("train", ("batch", 64), ("steps", 10), ("warmup", 2));

        Assert.Equal("{\"op\":\"train\",\"batch\":64,\"steps\":10,\"warmup\":2}", line);
        Assert.DoesNotContain('\n', PeerProtocol.Request("export", ("path", "/tmp/a\nb.pt")));
    }

    /// <summary>Oracle: the numbers written into a line as Python's json.dumps writes them.</summary>
    [Fact]
    public void Answer_GivesItsNumbers()
    {
        var answer = PeerProtocol.Parse("{\"seconds\": 2.5, \"cpu_seconds\": 4.75, \"outputs\": [0.25, -1e-3, 3], \"torch\": \"1.13.0a0\", \"ok\": true}");

        Assert.True(answer.Ok);
        Assert.Equal(2.5, answer.Number("seconds"));
        Assert.Equal(4.75, answer.Required("train").Number("cpu_seconds"));
        Assert.Equal([0.25, -0.001, 3.0], answer.Numbers("outputs"));
        Assert.Equal("1.13.0a0", answer.Text("torch"));
        Assert.Throws<InvalidDataException>(() => answer.Number("gflops"));
        Assert.Throws<InvalidDataException>(() => answer.Numbers("torch"));
    }

    [Fact]
    public void ErrorAnswer_CarriesThePeersMessage()
    {
        var answer = PeerProtocol.Parse("{\"ok\": false, \"error\": \"ValueError: unknown op 'x'\"}");

        Assert.False(answer.Ok);
        var e = Assert.Throws<InvalidOperationException>(() => answer.Required("x"));
        Assert.Contains("unknown op 'x'", e.Message);
    }

    [Theory]
    [InlineData("Traceback (most recent call last):")]
    [InlineData("{\"seconds\": 1.0}")]
    [InlineData("[1, 2]")]
    [InlineData("{\"ok\": \"yes\"}")]
    public void ForeignLine_IsRejectedAndQuoted(string line)
    {
        var e = Assert.Throws<InvalidDataException>(() => PeerProtocol.Parse(line));
        Assert.Contains(line, e.Message);
    }
}
