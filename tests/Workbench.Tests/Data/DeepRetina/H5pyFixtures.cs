using System.Text.Json;
using Workbench.TestSupport;

namespace Workbench.Tests.Data.DeepRetina;

/// <summary>
/// Files written by h5py and numpy's statistics of them (committed in Fixtures/h5py-layouts, written by
/// Fixtures/make_h5py_fixtures.py), and the formulas their values follow, so the tests compare what the workbench reads
/// with what the reference HDF5 library wrote.
/// </summary>
public sealed class H5pyFixtures : IDisposable
{
    public const int TrainFrames = 60, TestFrames = 30, Height = 6, Width = 5, Cells = 3, Repeats = 4;

    private readonly FixtureFolder _dir = new("tests", "Workbench.Tests", "Data", "DeepRetina", "Fixtures", "h5py-layouts");

    public H5pyFixtures()
    {
        Statistics = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(System.IO.File.ReadAllText(_dir.File("stats.json")))!;
    }

    /// <summary>numpy's mean and population std of each file's training stimulus.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, double>> Statistics { get; }

    public string File(string name) => _dir.File(name);

    public static IEnumerable<string> Names() =>
        from dtype in new[] { "uint8", "float32", "float64" }
        from layout in new[] { "contiguous", "chunked-gzip", "chunked-shuffle-gzip", "chunked-split" }
        from repeats in new[] { "cells", "pooled" }
        select $"{dtype}-{layout}-{repeats}.h5";

    public static double Stimulus(long t, long y, long x, bool floating) => (7 * t + 3 * y + x) % 251 + (floating ? 0.25 : 0);

    public static double Rate(int n, long t, int binMs) => 0.5 * (n + 1) + 0.01 * t + binMs switch { 5 => 1, 20 => 2, _ => 0 };

    public static double Binned(int n, long t) => t * (n + 1) % 3;

    public void Dispose() => _dir.Dispose();
}
