using Workbench.Data.Manifests;
using Workbench.TestSupport;
using static Workbench.Tests.Data.Manifests.ManifestTests;

namespace Workbench.Tests.Data.Manifests;

public class VerifyAndFetchTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LoopbackFileServer _server = new();
    private static readonly byte[] Content = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7 % 251)).ToArray();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private static ManifestFile File(string path, string? url, byte[]? content) =>
        new(path, url, content?.LongLength, content is null ? null : Sha(content), "test file", null);

    [Fact]
    public void Verify_ReportsOkMissingSizeAndChecksumProblems_AgainstSha256sum()
    {
        System.IO.File.WriteAllBytes(_dir.File("good.bin"), Content);
        System.IO.File.WriteAllBytes(_dir.File("short.bin"), Content[..1000]);
        var tampered = (byte[])Content.Clone();
        tampered[5] ^= 1;
        System.IO.File.WriteAllBytes(_dir.File("tampered.bin"), tampered);
        System.IO.File.WriteAllBytes(_dir.File("unrecorded.bin"), [1, 2, 3]);
        var manifest = Manifest(File("good.bin", null, Content), File("missing.bin", null, Content), File("short.bin", null, Content),
            File("tampered.bin", null, Content), new ManifestFile("unrecorded.bin", null, null, null, null, null));

        var results = ManifestVerifier.Verify(manifest, _dir.Path);

        Assert.Equal([FileStatus.Ok, FileStatus.Missing, FileStatus.SizeMismatch, FileStatus.ChecksumMismatch, FileStatus.Unverified], results.Select(r => r.Status));
        // Oracle for our SHA-256: coreutils' sha256sum.
        string expected = ExternalTool.Run("sha256sum", _dir.File("tampered.bin")).Split(' ')[0];
        Assert.Equal(expected, results[3].FoundSha256);
        Assert.Contains("expected 300,000 bytes, found 1,000", results[2].Describe());
    }

    [Fact]
    public async Task Fetch_Downloads_Verifies_AndSkipsWhatIsAlreadyThere()
    {
        var manifest = Manifest(File("sub/data.bin", _server.Add("data.bin", Content), Content));
        var fetcher = new ManifestFetcher(new HttpClient());

        var first = await fetcher.FetchAsync(manifest, _dir.Path);
        var second = await fetcher.FetchAsync(manifest, _dir.Path);

        Assert.Equal(FetchStatus.Downloaded, Assert.Single(first).Status);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(_dir.File("sub/data.bin")));
        Assert.Equal(FetchStatus.AlreadyPresent, Assert.Single(second).Status);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AnInterruptedDownload_ResumesWithARangeRequest_ToTheExactBytes()
    {
        var manifest = Manifest(File("data.bin", _server.Add("data.bin", Content), Content));
        var fetcher = new ManifestFetcher(new HttpClient());
        _server.DropAfterBytes = 120_000;

        var interrupted = await fetcher.FetchAsync(manifest, _dir.Path);
        long kept = new FileInfo(_dir.File("data.bin.part")).Length;
        var resumed = await fetcher.FetchAsync(manifest, _dir.Path);

        Assert.Equal(FetchStatus.Failed, Assert.Single(interrupted).Status);
        Assert.Contains("run fetch again to resume", interrupted[0].Message);
        Assert.InRange(kept, 1, 120_000);
        Assert.Equal(FetchStatus.Downloaded, Assert.Single(resumed).Status);
        Assert.Equal($"bytes={kept}-", _server.Requests[^1].Range);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(_dir.File("data.bin")));
        Assert.False(System.IO.File.Exists(_dir.File("data.bin.part")));
    }

    [Fact]
    public async Task AServerThatIgnoresRanges_MakesTheDownloadStartOver_Cleanly()
    {
        var manifest = Manifest(File("data.bin", _server.Add("data.bin", Content), Content));
        System.IO.File.WriteAllBytes(_dir.File("data.bin.part"), Content[..50_000]);
        _server.SupportsRanges = false;

        var result = await new ManifestFetcher(new HttpClient()).FetchAsync(manifest, _dir.Path);

        Assert.Equal(FetchStatus.Downloaded, Assert.Single(result).Status);
        Assert.Equal(Content, System.IO.File.ReadAllBytes(_dir.File("data.bin")));
    }

    [Fact]
    public async Task AChecksumMismatch_NeverLeavesAFileUnderTheFinalName()
    {
        var other = Content.Select(b => (byte)(b ^ 0xff)).ToArray();
        var manifest = Manifest(File("data.bin", _server.Add("data.bin", other), Content));

        var result = await new ManifestFetcher(new HttpClient()).FetchAsync(manifest, _dir.Path);

        Assert.Equal(FetchStatus.Failed, Assert.Single(result).Status);
        Assert.Contains("CHECKSUM", result[0].Message);
        Assert.False(System.IO.File.Exists(_dir.File("data.bin")));
        Assert.False(System.IO.File.Exists(_dir.File("data.bin.part")));
    }

    [Fact]
    public async Task Http404_AndMissingUrls_AreReportedClearly()
    {
        var manifest = Manifest(File("gone.bin", _server.BaseUrl + "gone.bin", Content), File("manual.bin", null, Content) with { Note = "ask the authors" });

        var results = await new ManifestFetcher(new HttpClient()).FetchAsync(manifest, _dir.Path);

        Assert.Equal(FetchStatus.Failed, results[0].Status);
        Assert.Contains($"{_server.BaseUrl}gone.bin: HTTP 404", results[0].Message);
        Assert.Equal(FetchStatus.NoUrl, results[1].Status);
        Assert.Contains("ask the authors", results[1].Message);
    }
}
