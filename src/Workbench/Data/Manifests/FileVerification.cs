using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Workbench.Data.Manifests;

/// <summary>What verification found for one file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter))]
public enum FileStatus
{
    /// <summary>Present, and its size and checksum (whichever are recorded) match.</summary>
    Ok,
    /// <summary>Present, but the manifest records neither size nor checksum.</summary>
    Unverified,
    /// <summary>Not there.</summary>
    Missing,
    /// <summary>Its size differs from the manifest's.</summary>
    SizeMismatch,
    /// <summary>Its SHA-256 differs from the manifest's.</summary>
    ChecksumMismatch,
}

/// <summary>One file's verification.</summary>
/// <param name="Path">Path in the manifest.</param>
/// <param name="Status">The finding.</param>
/// <param name="ExpectedBytes">Recorded size.</param>
/// <param name="FoundBytes">Actual size, if present.</param>
/// <param name="ExpectedSha256">Recorded checksum.</param>
/// <param name="FoundSha256">Actual checksum, if computed.</param>
public sealed record FileVerification(string Path, FileStatus Status, long? ExpectedBytes, long? FoundBytes, string? ExpectedSha256, string? FoundSha256)
{
    /// <summary>Whether the file counts as good (present and matching what is recorded).</summary>
    public bool Passed => Status is FileStatus.Ok or FileStatus.Unverified;

    /// <summary>One line for people.</summary>
    public string Describe() => Status switch
    {
        FileStatus.Ok => $"ok        {Path}" + (ExpectedSha256 is null ? " (size only: no checksum recorded)" : ""),
        FileStatus.Unverified => $"present   {Path} (no size or checksum recorded)",
        FileStatus.Missing => $"MISSING   {Path}",
        FileStatus.SizeMismatch => $"SIZE      {Path}: expected {ExpectedBytes:N0} bytes, found {FoundBytes:N0}",
        _ => $"CHECKSUM  {Path}: expected sha256 {ExpectedSha256}, found {FoundSha256}",
    };
}

/// <summary>Checks a dataset folder against its manifest.</summary>
public static class ManifestVerifier
{
    /// <summary>Verifies every file of <paramref name="manifest"/> under <paramref name="folder"/>.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <param name="folder">The dataset folder.</param>
    /// <param name="progress">Hashing progress (large files take a while).</param>
    public static IReadOnlyList<FileVerification> Verify(DataManifest manifest, string folder, IProgress<ProgressReport>? progress = null) =>
        manifest.Files.Select(f => Verify(f, Manifests.Locate(folder, f), progress)).ToList();

    /// <summary>Verifies one file at <paramref name="path"/>.</summary>
    public static FileVerification Verify(ManifestFile file, string path, IProgress<ProgressReport>? progress = null)
    {
        if (!File.Exists(path)) return new(file.Path, FileStatus.Missing, file.Bytes, null, file.Sha256, null);
        long size = new FileInfo(path).Length;
        if (file.Bytes is { } expected && expected != size) return new(file.Path, FileStatus.SizeMismatch, expected, size, file.Sha256, null);
        if (file.Sha256 is null)
            return new(file.Path, file.Bytes is null ? FileStatus.Unverified : FileStatus.Ok, file.Bytes, size, null, null);
        string found = Sha256Of(path, progress);
        return new(file.Path, found == file.Sha256 ? FileStatus.Ok : FileStatus.ChecksumMismatch, file.Bytes, size, file.Sha256, found);
    }

    /// <summary>The SHA-256 of a file as 64 lowercase hex digits, streamed in 1 MB blocks.</summary>
    public static string Sha256Of(string path, IProgress<ProgressReport>? progress = null)
    {
        using var stream = File.OpenRead(path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long done = 0, total = Math.Max(1, stream.Length);
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            done += read;
            progress?.Report(new ProgressReport($"sha256 {Path.GetFileName(path)}", (double)done / total));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
