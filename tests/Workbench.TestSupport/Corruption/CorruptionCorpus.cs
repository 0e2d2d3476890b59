namespace Workbench.TestSupport.Corruption;

/// <summary>
/// Damaged copies of a file: truncated at every fortieth of its length, inside the superblock, just around each known
/// structure and at the very end; and with bytes changed in five seeded patterns (single bits, 20 random bytes as a
/// user found them, bytes at each structure including all-ones "undefined address" runs, random bursts, zeroed blocks).
/// </summary>
public static class CorruptionCorpus
{
    /// <summary>Cuts per file at fractions of its length (k/40 of it, k = 0..39; k = 0 is the empty file).</summary>
    public const int FractionalCuts = 40;

    /// <summary>Offsets around each structure to cut at: just before it, at it, after its first byte, after its signature.</summary>
    public static readonly long[] AroundStructure = [-1, 0, 1, 8];

    /// <summary>Cuts inside a superblock (signature, versions, sizes, base, end-of-file and root addresses).</summary>
    public static readonly long[] InSuperblock = [1, 4, 8, 9, 12, 16, 24, 32, 40, 48, 56, 64, 80, 96];

    /// <summary>Cuts before the end: the last byte, two, eight and 64 bytes missing.</summary>
    public static readonly long[] BeforeTheEnd = [1, 2, 8, 64];

    /// <summary>The flip patterns, by name, with how many damaged copies each makes.</summary>
    public static readonly IReadOnlyList<(string Pattern, string Description)> FlipPatterns =
    [
        ("bit", "16 copies, one random bit flipped"),
        ("bytes20", "10 copies, 20 random bytes XORed with random non-zero values"),
        ("structure", "2 copies per structure: one byte in its first 48 XORed with 0xFF; 8 bytes in its first 40 set to 0xFF (undefined address, huge size)"),
        ("burst", "6 copies, 64 consecutive random bytes"),
        ("zeros", "4 copies, 512 consecutive bytes zeroed"),
    ];

    /// <summary>Every cut and every flip of <paramref name="original"/>.</summary>
    public static IReadOnlyList<Damage> All(byte[] original, IReadOnlyList<(long Offset, string What)> landmarks, int seed) =>
        [.. Cuts(original, landmarks), .. Flips(original, landmarks, seed)];

    /// <summary>Truncated copies (every cut point once, in order).</summary>
    public static IReadOnlyList<Damage> Cuts(byte[] original, IReadOnlyList<(long Offset, string What)> landmarks)
    {
        long n = original.Length;
        var points = new SortedDictionary<long, string>();
        void Add(long at, string why)
        {
            if (at >= 0 && at < n) points.TryAdd(at, why);
        }
        for (int k = 0; k < FractionalCuts; k++) Add(n * k / FractionalCuts, $"{k}/{FractionalCuts} of the length");
        foreach (long at in InSuperblock) Add(at, "inside the superblock");
        foreach (var (offset, what) in landmarks)
            foreach (long d in AroundStructure) Add(offset + d, $"{(d >= 0 ? "+" : "")}{d} at {what}");
        foreach (long d in BeforeTheEnd) Add(n - d, $"{d} bytes before the end");
        return points.Select(p => new Damage($"cut at {p.Key} ({p.Value})", DamageKind.Cut, original[..(int)p.Key])).ToList();
    }

    /// <summary>Copies with changed bytes, the same for the same seed.</summary>
    public static IReadOnlyList<Damage> Flips(byte[] original, IReadOnlyList<(long Offset, string What)> landmarks, int seed)
    {
        var random = new Random(seed);
        var damages = new List<Damage>();
        int n = original.Length;
        byte[] Copy() => (byte[])original.Clone();
        byte NonZero() => (byte)random.Next(1, 256);
        for (int i = 0; i < 16; i++)
        {
            var b = Copy();
            int at = random.Next(n), bit = random.Next(8);
            b[at] ^= (byte)(1 << bit);
            damages.Add(new Damage($"bit {bit} of byte {at} flipped", DamageKind.Flip, b));
        }
        for (int i = 0; i < 10; i++)
        {
            var b = Copy();
            for (int j = 0; j < 20; j++) b[random.Next(n)] ^= NonZero();
            damages.Add(new Damage($"20 random bytes changed (copy {i})", DamageKind.Flip, b));
        }
        foreach (var (offset, what) in landmarks.Where(l => l.Offset < n))
        {
            var b = Copy();
            int at = (int)Math.Min(n - 1, offset + random.Next(48));
            b[at] ^= 0xFF;
            damages.Add(new Damage($"byte {at} inverted ({what} at {offset})", DamageKind.Flip, b));
            b = Copy();
            int from = (int)Math.Min(n - 1, offset + 4 + random.Next(32));
            for (int j = from; j < Math.Min(n, from + 8); j++) b[j] = 0xFF;
            damages.Add(new Damage($"bytes {from}..{from + 7} set to 0xFF ({what} at {offset})", DamageKind.Flip, b));
        }
        for (int i = 0; i < 6; i++)
        {
            var b = Copy();
            int at = random.Next(Math.Max(1, n - 64));
            for (int j = at; j < Math.Min(n, at + 64); j++) b[j] = (byte)random.Next(256);
            damages.Add(new Damage($"64 random bytes at {at}", DamageKind.Flip, b));
        }
        for (int i = 0; i < 4; i++)
        {
            var b = Copy();
            int at = random.Next(Math.Max(1, n - 512));
            Array.Clear(b, at, Math.Min(512, n - at));
            damages.Add(new Damage($"512 bytes zeroed at {at}", DamageKind.Flip, b));
        }
        return damages.Where(d => !d.Bytes.AsSpan().SequenceEqual(original)).ToList();
    }
}
