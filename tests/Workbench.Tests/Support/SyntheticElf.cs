using System.Buffers.Binary;
using System.Text;

namespace Workbench.Tests.Support;

/// <summary>
/// Writes minimal 64-bit little-endian ELF shared objects that hold only symbol-versioning sections, so tests can
/// stand in for a libstdc++ of any vintage. readelf accepts them (a test checks that), which keeps this helper honest.
/// </summary>
internal static class SyntheticElf
{
    /// <summary>A library that defines <paramref name="definitions"/> and needs <paramref name="needs"/> from <paramref name="needFile"/>.</summary>
    public static byte[] Build(IReadOnlyList<string> definitions, string needFile = "libc.so.6", IReadOnlyList<string>? needs = null)
    {
        needs ??= [];
        var strings = new StringTable();
        uint soname = strings.Add("libsynthetic.so.6");
        var defNames = definitions.Select(strings.Add).ToArray();
        uint fileName = strings.Add(needFile);
        var needNames = needs.Select(strings.Add).ToArray();

        // .gnu.version_d: a base entry (the soname) then one entry per definition; Verdef 20 bytes + Verdaux 8 bytes.
        var verdef = new List<byte>();
        var allDefs = new[] { ("libsynthetic.so.6", soname) }.Concat(definitions.Zip(defNames)).ToArray();
        for (int i = 0; i < allDefs.Length; i++)
        {
            bool last = i == allDefs.Length - 1;
            verdef.AddRange(U16(1)); // vd_version
            verdef.AddRange(U16((ushort)(i == 0 ? 1 : 0))); // vd_flags: VER_FLG_BASE on the first
            verdef.AddRange(U16((ushort)(i + 1))); // vd_ndx
            verdef.AddRange(U16(1)); // vd_cnt
            verdef.AddRange(U32(ElfHash(allDefs[i].Item1)));
            verdef.AddRange(U32(20)); // vd_aux
            verdef.AddRange(U32(last ? 0u : 28u)); // vd_next
            verdef.AddRange(U32(allDefs[i].Item2)); // vda_name
            verdef.AddRange(U32(0)); // vda_next
        }

        // .gnu.version_r: one Verneed (16 bytes) followed by its Vernaux entries (16 bytes each).
        var verneed = new List<byte>();
        if (needs.Count > 0)
        {
            verneed.AddRange(U16(1));
            verneed.AddRange(U16((ushort)needs.Count));
            verneed.AddRange(U32(fileName));
            verneed.AddRange(U32(16));
            verneed.AddRange(U32(0));
            for (int i = 0; i < needs.Count; i++)
            {
                verneed.AddRange(U32(ElfHash(needs[i])));
                verneed.AddRange(U16(0)); // vna_flags
                verneed.AddRange(U16((ushort)(allDefs.Length + 1 + i))); // vna_other
                verneed.AddRange(U32(needNames[i]));
                verneed.AddRange(U32(i == needs.Count - 1 ? 0u : 16u));
            }
        }

        var shstr = new StringTable();
        uint nDynstr = shstr.Add(".dynstr"), nVerdef = shstr.Add(".gnu.version_d"), nVerneed = shstr.Add(".gnu.version_r"), nShstr = shstr.Add(".shstrtab");

        var body = new List<byte>(new byte[64]);
        long dynstrOff = Append(body, strings.Bytes);
        long verdefOff = Append(body, verdef);
        long verneedOff = Append(body, verneed);
        long shstrOff = Append(body, shstr.Bytes);
        while (body.Count % 8 != 0) body.Add(0);
        long shoff = body.Count;

        var sections = new List<(uint Name, uint Type, long Offset, long Size, uint Link, uint Info)>
        {
            (0, 0, 0, 0, 0, 0),
            (nDynstr, 3, dynstrOff, strings.Bytes.Count, 0, 0),
            (nVerdef, 0x6ffffffd, verdefOff, verdef.Count, 1, (uint)allDefs.Length),
            (nVerneed, 0x6ffffffe, verneedOff, verneed.Count, 1, needs.Count > 0 ? 1u : 0u),
            (nShstr, 3, shstrOff, shstr.Bytes.Count, 0, 0),
        };
        foreach (var s in sections)
        {
            body.AddRange(U32(s.Name));
            body.AddRange(U32(s.Type));
            body.AddRange(U64(s.Type == 3 ? 0ul : 2ul)); // sh_flags: SHF_ALLOC on the version sections
            body.AddRange(U64(0)); // sh_addr
            body.AddRange(U64((ulong)s.Offset));
            body.AddRange(U64((ulong)s.Size));
            body.AddRange(U32(s.Link));
            body.AddRange(U32(s.Info));
            body.AddRange(U64(s.Type is 0x6ffffffd or 0x6ffffffe ? 4ul : 1ul)); // sh_addralign
            body.AddRange(U64(0)); // sh_entsize
        }

        var image = body.ToArray();
        var header = image.AsSpan(0, 64);
        "\u007fELF"u8.CopyTo(header);
        header[4] = 2; // ELFCLASS64
        header[5] = 1; // ELFDATA2LSB
        header[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(header[16..], 3); // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(header[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt64LittleEndian(header[0x28..], (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x34..], 64); // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x3A..], 64); // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x3C..], (ushort)sections.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(header[0x3E..], 4); // e_shstrndx
        return image;
    }

    private static long Append(List<byte> body, IReadOnlyCollection<byte> part)
    {
        while (body.Count % 8 != 0) body.Add(0);
        long at = body.Count;
        body.AddRange(part);
        return at;
    }

    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (byte c in Encoding.ASCII.GetBytes(name))
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    private static byte[] U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); return b; }
    private static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }
    private static byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }

    private sealed class StringTable
    {
        public List<byte> Bytes { get; } = [0];

        public uint Add(string s)
        {
            uint at = (uint)Bytes.Count;
            Bytes.AddRange(Encoding.ASCII.GetBytes(s));
            Bytes.Add(0);
            return at;
        }
    }
}
