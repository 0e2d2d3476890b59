using System.IO.Compression;

namespace Workbench.TestSupport;

/// <summary>
/// A folder of committed fixtures (outputs of foreign tools such as h5py or numpy, kept in the repository with the
/// script that regenerates them, so the tests need none of those tools), unpacked into a temporary folder: every
/// <c>NAME.gz</c> (gzip) or <c>NAME.br</c> (brotli, for large files whose repeats lie beyond gzip's 32 KB window) is
/// decompressed to <c>NAME</c>, other files are copied. Tests read and may modify the copies; the committed files are
/// never touched.
/// </summary>
public sealed class FixtureFolder : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>Unpacks the folder at <paramref name="pathBelowRoot"/> (relative to the clone's root).</summary>
    public FixtureFolder(params string[] pathBelowRoot)
    {
        Committed = RepositoryPaths.Of(pathBelowRoot);
        if (!Directory.Exists(Committed))
            throw new DirectoryNotFoundException($"{Committed}: the committed fixture folder is missing.");
        foreach (string source in Directory.GetFiles(Committed))
        {
            string name = System.IO.Path.GetFileName(source);
            Stream? decompressed = System.IO.Path.GetExtension(name) switch
            {
                ".gz" => new GZipStream(System.IO.File.OpenRead(source), CompressionMode.Decompress),
                ".br" => new BrotliStream(System.IO.File.OpenRead(source), CompressionMode.Decompress),
                _ => null,
            };
            if (decompressed is null)
            {
                System.IO.File.Copy(source, _dir.File(name));
                continue;
            }
            using (decompressed)
            using (var output = System.IO.File.Create(_dir.File(name[..^3])))
                decompressed.CopyTo(output);
        }
    }

    /// <summary>The committed folder the fixtures came from.</summary>
    public string Committed { get; }

    /// <summary>The temporary folder holding the unpacked fixtures.</summary>
    public string Path => _dir.Path;

    /// <summary>The path of the unpacked fixture <paramref name="name"/> (without <c>.gz</c>) in the temporary folder.</summary>
    public string File(string name) => _dir.File(name);

    /// <inheritdoc />
    public void Dispose() => _dir.Dispose();
}
