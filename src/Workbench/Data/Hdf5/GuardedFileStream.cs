using System.Runtime.CompilerServices;

namespace Workbench.Data.Hdf5;

/// <summary>
/// The read-only file stream PureHDF parses through, which stops a damaged file from misleading the parser: a read that
/// reaches past the end of the file throws (PureHDF's own file driver returns zeros there for small reads, and the
/// parser then takes them for real sizes and addresses); each operation may read only so many bytes, so a loop in the
/// file's structure (a B-tree, heap or header pointing back at itself) ends in an error instead of a hang; and a read
/// made with the stack nearly exhausted fails, so a structure that nests without end ends in an error instead of a
/// stack overflow (which would kill the process).
/// </summary>
/// <remarks>
/// Reads pass straight through to a <see cref="FileStream"/>; the checks are two comparisons per read call (PureHDF reads
/// data in whole chunks or slabs, so this is not per element).
/// </remarks>
internal sealed class GuardedFileStream : Stream
{
    /// <summary>What one operation may read: this many times the file, plus <see cref="BudgetSlack"/>.</summary>
    /// <remarks>A legitimate operation reads each byte it needs about once (a whole dataset, one slab, the headers of
    /// one path); B-tree nodes are re-read per chunk looked up, hence the margin.</remarks>
    public const long BudgetFileMultiple = 16;

    /// <summary>Bytes every operation may read on top of <see cref="BudgetFileMultiple"/> times the file.</summary>
    public const long BudgetSlack = 256L << 20;

    private readonly FileStream _file;
    private long _readInOperation;

    public GuardedFileStream(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        FileLength = _file.Length;
        Budget = checked(BudgetFileMultiple * Math.Max(FileLength, 1) + BudgetSlack);
    }

    /// <summary>The file's length when it was opened.</summary>
    public long FileLength { get; }

    /// <summary>Bytes one operation may read.</summary>
    public long Budget { get; }

    /// <summary>Starts a new operation: its reads count against a fresh budget.</summary>
    public void BeginOperation() => _readInOperation = 0;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => FileLength;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // PureHDF follows B-tree children recursively, trusting each node's level: a node that names itself as its child
        // recurses until the stack overflows, which no handler can catch. Every level reads its node through here, so
        // this is where the recursion can still be stopped.
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw DamagedFileException.Nesting();
        long at = _file.Position;
        if (buffer.Length > FileLength - at) throw DamagedFileException.PastTheEnd(at, buffer.Length, FileLength);
        _readInOperation += buffer.Length;
        if (_readInOperation > Budget) throw DamagedFileException.Loop(_readInOperation, FileLength);
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _file.Read(buffer[total..]);
            if (n == 0) throw DamagedFileException.PastTheEnd(at, buffer.Length, FileLength); // shrank while open
            total += n;
        }
        return total;
    }

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
