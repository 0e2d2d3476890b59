namespace Workbench.TestSupport.Corruption;

/// <summary>How a damaged copy differs from its source.</summary>
public enum DamageKind
{
    /// <summary>Truncated: a prefix of the source, every byte in it unchanged.</summary>
    Cut,
    /// <summary>Same length, some bytes changed.</summary>
    Flip,
}

/// <summary>One damaged copy of a source file.</summary>
/// <param name="Name">What was done, e.g. "cut at 1832 (train/stimulus object header)" or "20 random bytes, seed 3".</param>
/// <param name="Kind">Cut or flip.</param>
/// <param name="Bytes">The damaged content.</param>
public sealed record Damage(string Name, DamageKind Kind, byte[] Bytes);
