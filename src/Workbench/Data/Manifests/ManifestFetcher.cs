using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization;

namespace Workbench.Data.Manifests;

/// <summary>What happened to one file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum FetchStatus
{
    /// <summary>Downloaded (or resumed) and verified.</summary>
    Downloaded,
    /// <summary>Already present and verified; left alone.</summary>
    AlreadyPresent,
    /// <summary>The manifest has no URL for it: obtain it as the manifest says.</summary>
    NoUrl,
    /// <summary>The download or its verification failed; a resumable .part may remain.</summary>
    Failed,
}

/// <summary>One file's outcome.</summary>
/// <param name="Path">Path in the manifest.</param>
/// <param name="Status">What happened.</param>
/// <param name="Message">Details for people (URL, HTTP status, expected and found checksums, instructions).</param>
public sealed record FetchResult(string Path, FetchStatus Status, string Message);

/// <summary>Download progress of one file.</summary>
/// <param name="File">Path in the manifest.</param>
/// <param name="Bytes">Bytes on disk so far (resumed bytes included).</param>
/// <param name="Total">Expected size, if known.</param>
/// <param name="BytesPerSecond">Speed of this transfer.</param>
public readonly record struct DownloadProgress(string File, long Bytes, long? Total, double BytesPerSecond);

/// <summary>
/// Downloads a manifest's files over HTTP into a folder: into <c>&lt;file&gt;.part</c>, resuming an existing part with a
/// Range request (starting over if the server ignores it), verifying size and SHA-256, and only then renaming the part
/// to its final name, so a wrong or partial file never sits under the final name.
/// </summary>
public sealed class ManifestFetcher(HttpClient client)
{
    /// <summary>A read that stalls this long fails the transfer (the part stays for a later resume).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fetches every file (or only <paramref name="only"/>) of <paramref name="manifest"/> into <paramref name="folder"/>.</summary>
    public async Task<IReadOnlyList<FetchResult>> FetchAsync(DataManifest manifest, string folder, string? only = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default)
    {
        var files = manifest.Files.Where(f => only is null || f.Path == only).ToList();
        if (only is not null && files.Count == 0)
            throw new ManifestException($"{manifest.Name}: no file '{only}' in the manifest; it lists {string.Join(", ", manifest.Files.Select(f => f.Path))}.");
        var results = new List<FetchResult>();
        foreach (var file in files) results.Add(await FetchAsync(manifest, file, Manifests.Locate(folder, file), progress, cancellation));
        return results;
    }

    private async Task<FetchResult> FetchAsync(DataManifest manifest, ManifestFile file, string target, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        if (File.Exists(target))
        {
            var existing = ManifestVerifier.Verify(file, target);
            if (existing.Status == FileStatus.Ok) return new(file.Path, FetchStatus.AlreadyPresent, "already present and verified");
            if (existing.Status == FileStatus.Unverified) return new(file.Path, FetchStatus.AlreadyPresent, "already present (nothing recorded to verify it against)");
        }
        if (file.Url is null)
            return new(file.Path, FetchStatus.NoUrl, $"no download URL; {file.Note ?? manifest.Obtain}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        string part = target + ".part";
        try
        {
            long have = File.Exists(part) ? new FileInfo(part).Length : 0;
            if (file.Bytes is { } size && have > size) { File.Delete(part); have = 0; }
            if (!(file.Bytes is { } complete && have == complete))
            {
                string? problem = await DownloadAsync(file, part, have, progress, cancellation);
                if (problem is not null) return new(file.Path, FetchStatus.Failed, problem);
            }
            var check = ManifestVerifier.Verify(file, part);
            if (!check.Passed)
            {
                File.Delete(part);
                return new(file.Path, FetchStatus.Failed, $"downloaded from {file.Url} but {check.Describe().Trim()}; the download was discarded");
            }
            File.Move(part, target, overwrite: true);
            return new(file.Path, FetchStatus.Downloaded, $"downloaded from {file.Url}" + (file.Sha256 is null ? " (no checksum recorded)" : " and verified"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException && !cancellation.IsCancellationRequested)
        {
            long have = File.Exists(part) ? new FileInfo(part).Length : 0;
            return new(file.Path, FetchStatus.Failed, $"{file.Url}: {e.Message}; {have:N0} bytes kept in {part}, run fetch again to resume");
        }
    }

    /// <summary>Appends to (or restarts) the part file; returns a problem description, or null when the body was received.</summary>
    private async Task<string?> DownloadAsync(ManifestFile file, string part, long have, IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The part is as long as the resource or longer: let verification decide, or start over.
            if (file.Bytes is null || have == file.Bytes) return null;
            File.Delete(part);
            return await DownloadAsync(file, part, 0, progress, cancellation);
        }
        if (!response.IsSuccessStatusCode)
            return $"{file.Url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        bool resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have;
        if (!resumed) have = 0; // the server sent the whole resource: start the part over
        await using var output = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None);
        await using var body = await response.Content.ReadAsStreamAsync(cancellation);
        var buffer = new byte[1 << 16];
        var clock = Stopwatch.StartNew();
        long received = 0;
        while (true)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            stall.CancelAfter(StallTimeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, stall.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"no data for {StallTimeout.TotalSeconds:F0} s");
            }
            if (read == 0) break;
            await output.WriteAsync(buffer.AsMemory(0, read), cancellation);
            received += read;
            progress?.Report(new DownloadProgress(file.Path, have + received, file.Bytes, received / Math.Max(clock.Elapsed.TotalSeconds, 1e-6)));
        }
        return null;
    }
}
