using System.Buffers.Binary;
using System.Text;

namespace Workbench.Runtime;

/// <summary>One version a shared library needs from another (an ELF <c>Vernaux</c> entry of <c>.gnu.version_r</c>).</summary>
/// <param name="File">The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Weak">Whether the entry carries <c>VER_FLG_WEAK</c>: the loader then tolerates its absence.</param>
/// <param name="FlagsOffset">File offset of the entry's 16-bit <c>vna_flags</c> field.</param>
public sealed record ElfVersionNeed(string File, string Name, bool Weak, long FlagsOffset);

/// <summary>
/// Reads and edits the GNU symbol-versioning sections of 64-bit little-endian ELF shared libraries:
/// the versions a library defines (<c>.gnu.version_d</c>) and the versions it needs (<c>.gnu.version_r</c>).
/// </summary>
/// <remarks>
/// Only what the TorchSharp compatibility fix needs is implemented. Every offset read is bounds-checked,
/// so a truncated or foreign file gives an <see cref="InvalidDataException"/> naming it, never a crash.
/// </remarks>
public static class ElfSymbolVersions
{
    /// <summary><c>VER_FLG_WEAK</c>: glibc reports a missing weak version as a warning instead of failing the load.</summary>
    public const ushort WeakFlag = 0x2;

    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Lists the version-need entries of an ELF image.</summary>
    public static IReadOnlyList<ElfVersionNeed> ReadNeeds(byte[] image, string fileName)
    {
        var elf = new Image(image, fileName);
        var result = new List<ElfVersionNeed>();
        foreach (var section in elf.SectionsOfType(ShtGnuVerneed))
        {
            var strings = elf.Section(section.Link);
            long need = section.Offset;
            for (int i = 0; i < section.Info; i++)
            {
                ushort count = elf.U16(need + 2);
                string file = elf.String(strings, elf.U32(need + 4));
                long aux = need + elf.U32(need + 8);
                for (int j = 0; j < count; j++)
                {
                    ushort flags = elf.U16(aux + 4);
                    string name = elf.String(strings, elf.U32(aux + 8));
                    result.Add(new ElfVersionNeed(file, name, (flags & WeakFlag) != 0, aux + 4));
                    uint nextAux = elf.U32(aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = elf.U32(need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return result;
    }

    /// <summary>Lists the version names an ELF image defines (for libstdc++: <c>GLIBCXX_3.4</c> … <c>GLIBCXX_3.4.30</c> …).</summary>
    public static IReadOnlySet<string> ReadDefinitions(byte[] image, string fileName)
    {
        var elf = new Image(image, fileName);
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in elf.SectionsOfType(ShtGnuVerdef))
        {
            var strings = elf.Section(section.Link);
            long def = section.Offset;
            for (int i = 0; i < section.Info; i++)
            {
                // The first Verdaux of a Verdef names the version itself; later ones name its predecessors.
                long aux = def + elf.U32(def + 12);
                result.Add(elf.String(strings, elf.U32(aux)));
                uint next = elf.U32(def + 16);
                if (next == 0) break;
                def += next;
            }
        }
        return result;
    }

    /// <summary>Sets <see cref="WeakFlag"/> on one version-need entry, in place in <paramref name="image"/>.</summary>
    public static void MarkWeak(byte[] image, ElfVersionNeed need)
    {
        var span = image.AsSpan(checked((int)need.FlagsOffset), 2);
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(flags | WeakFlag));
    }

    private readonly record struct SectionHeader(uint Type, long Offset, long Size, uint Link, uint Info);

    private sealed class Image
    {
        private readonly byte[] _bytes;
        private readonly string _name;
        private readonly SectionHeader[] _sections;

        public Image(byte[] bytes, string name)
        {
            _bytes = bytes;
            _name = name;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw Bad("not an ELF file");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw Bad("not a 64-bit little-endian ELF file");
            long shoff = (long)U64(0x28);
            ushort shentsize = U16(0x3A);
            long shnum = U16(0x3C);
            if (shoff == 0) throw Bad("no section headers");
            if (shentsize < 64) throw Bad($"section header size {shentsize} < 64");
            if (shnum == 0) shnum = (long)U64(shoff + 32); // more than 0xff00 sections: count lives in section 0
            _sections = new SectionHeader[shnum];
            for (long i = 0; i < shnum; i++)
            {
                long h = shoff + i * shentsize;
                _sections[i] = new SectionHeader(U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), U32(h + 44));
            }
        }

        public IEnumerable<SectionHeader> SectionsOfType(uint type) => _sections.Where(s => s.Type == type);

        public SectionHeader Section(uint index) =>
            index < _sections.Length ? _sections[index] : throw Bad($"section index {index} out of range");

        public ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(at, 2));
        public uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(at, 4));
        public ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(at, 8));

        public string String(SectionHeader table, uint offset)
        {
            if (offset >= table.Size) throw Bad($"string offset {offset} outside its table");
            var from = Slice(table.Offset + offset, (int)Math.Min(table.Size - offset, int.MaxValue));
            int end = from.IndexOf((byte)0);
            if (end < 0) throw Bad("unterminated string");
            return Encoding.ASCII.GetString(from[..end]);
        }

        private ReadOnlySpan<byte> Slice(long at, int length)
        {
            if (at < 0 || length < 0 || at > _bytes.Length - (long)length)
                throw Bad($"offset 0x{at:x} (+{length}) beyond the end of the file ({_bytes.Length} bytes)");
            return _bytes.AsSpan((int)at, length);
        }

        private InvalidDataException Bad(string what) => new($"{_name}: {what}.");
    }
}
