using System.Runtime.InteropServices;

namespace Workbench.Runtime;

/// <summary>
/// How long libtorch's OpenMP threads spin at a barrier before sleeping. libgomp's default (300,000 spins) makes every
/// parallel region wait for a thread that the kernel has preempted whenever the cores are shared: on 2 shared cores an
/// LN fit of the tiny preset took 128 s instead of 11 s, and a BN-CNN epoch 104 instead of ~1,150 samples/s, in some runs
/// and not others. 10,000 spins removed those stalls in every run measured, with the BN-CNN at 1,075-1,269 samples/s
/// (default when not stalled: 1,160-1,177); OMP_WAIT_POLICY=PASSIVE (never spin) cost the BN-CNN 40 %.
/// </summary>
internal static class OpenMpWaiting
{
    /// <summary>Spins before a waiting OpenMP thread sleeps, unless the user chose (GOMP_SPINCOUNT, OMP_WAIT_POLICY).</summary>
    public const string SpinCount = "10000";

    /// <summary>Sets GOMP_SPINCOUNT in the native environment before libgomp loads (it reads it once, at load); leaves a
    /// user's own GOMP_SPINCOUNT or OMP_WAIT_POLICY alone. Linux only; elsewhere, and if libc refuses, nothing changes.</summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux()) return;
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        try
        {
            // .NET's Environment.SetEnvironmentVariable does not reach native getenv: set it in libc's environment.
            _ = setenv("GOMP_SPINCOUNT", SpinCount, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call: libgomp keeps its default.
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi)]
    private static extern int setenv(string name, string value, int overwrite);
}
