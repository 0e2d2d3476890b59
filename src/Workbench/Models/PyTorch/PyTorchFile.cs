namespace Workbench.Models.PyTorch;

/// <summary>
/// Reads what <c>torch.save</c> wrote, in PyTorch's zip format (the default since PyTorch 1.6) or the legacy format before
/// it (<see cref="TorchSaveReader"/>), into plain .NET values: dictionaries with string keys, lists, strings, longs,
/// doubles, booleans, null, bytes and tensors.
/// </summary>
/// <remarks>Anything that only Python can rebuild (a whole pickled <c>nn.Module</c>, a custom class) is an error naming
/// the file, and so is any damage. Tensors are created in the caller's dispose scope.</remarks>
internal static class PyTorchFile
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not one this reader understands; the message names it and says why.</exception>
    public static object? Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        try
        {
            var signature = new byte[4];
            int read;
            using (var stream = File.OpenRead(path))
                read = stream.ReadAtLeast(signature, 4, throwOnEndOfStream: false);
            if (read >= 2 && TorchSaveReader.Looks(signature)) return TorchSaveReader.ReadLegacy(path);
            if (read == 4 && signature[0] == 0x50 && signature[1] == 0x4B && signature[2] == 0x03 && signature[3] == 0x04)
                return TorchSaveReader.ReadZip(path);
            throw new InvalidDataException($"{path}: neither PyTorch's zip format (PyTorch 1.6 and later) nor its legacy pickle format; not a file torch.save wrote.");
        }
        catch (InvalidDataException e) when (e.Message.StartsWith(path, StringComparison.Ordinal)) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever a damaged zip or pickle makes the readers throw, the user learns which file it was.
            throw new InvalidDataException($"{path}: cannot be read as a PyTorch file; it may be damaged ({e.GetType().Name}: {e.Message}).", e);
        }
    }
}
