using System.Text;
using TorchSharp;

namespace Workbench.Simulation;

/// <summary>
/// Images for the natural-scene stimulus: synthesised (dead leaves, or a 1/f^α power spectrum) or read from files the
/// user supplies (PGM/PNM greyscale, P2 or P5; NumPy .npy 2-D arrays of uint8, float32 or float64). Intensities in [0, 1].
/// </summary>
public static class NaturalImages
{
    /// <summary>
    /// The dead-leaves model: opaque discs with radii drawn from p(r) ∝ r⁻³ between <paramref name="minRadius"/> and
    /// <paramref name="maxRadius"/> and uniform random grey levels, dropped until the canvas is covered. Its occlusions
    /// and edges give natural images' roughly 1/f² power spectrum.
    /// </summary>
    public static torch.Tensor DeadLeaves(int size, Random random, double minRadius = 1.5, double maxRadius = 60)
    {
        var image = new float[size * size];
        var covered = new bool[size * size];
        int remaining = size * size;
        // Painted front to back: a pixel keeps the first disc that covers it, as if later discs fell beneath.
        for (int guard = 0; remaining > 0 && guard < 200_000; guard++)
        {
            double u = random.NextDouble();
            // Inverse CDF of p(r) ∝ r^-3 on [min, max].
            double a = 1 / (minRadius * minRadius), b = 1 / (maxRadius * maxRadius);
            double radius = 1 / Math.Sqrt(a - u * (a - b));
            double cy = random.NextDouble() * size, cx = random.NextDouble() * size;
            float grey = (float)random.NextDouble();
            int y0 = Math.Max(0, (int)(cy - radius)), y1 = Math.Min(size - 1, (int)(cy + radius));
            int x0 = Math.Max(0, (int)(cx - radius)), x1 = Math.Min(size - 1, (int)(cx + radius));
            double r2 = radius * radius;
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    int i = y * size + x;
                    if (covered[i] || (y + 0.5 - cy) * (y + 0.5 - cy) + (x + 0.5 - cx) * (x + 0.5 - cx) > r2) continue;
                    covered[i] = true;
                    image[i] = grey;
                    remaining--;
                }
        }
        return torch.tensor(image).view(size, size);
    }

    /// <summary>Gaussian noise with a 1/f^<paramref name="exponent"/> power spectrum, rescaled to [0, 1].</summary>
    public static torch.Tensor PowerLaw(int size, torch.Generator generator, double exponent = 2)
    {
        using var scope = torch.NewDisposeScope();
        var white = torch.randn(new long[] { size, size }, generator: generator);
        var spectrum = torch.fft.fft2(white);
        var f = torch.fft.fftfreq(size).abs();
        var radial = (f.view(-1, 1).square() + f.view(1, -1).square()).sqrt().clamp_min(1.0 / size);
        var image = torch.fft.ifft2(spectrum / radial.pow(exponent / 2)).real;
        image = (image - image.min()) / (image.max() - image.min());
        return image.to(torch.float32).MoveToOuterDisposeScope();
    }

    /// <summary>Reads a greyscale image file: PGM/PNM (P2 or P5, 8 or 16 bit) or a NumPy .npy 2-D array.</summary>
    /// <exception cref="InvalidDataException">The file is of another kind or malformed; the message names it and says which formats work.</exception>
    public static torch.Tensor Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such image file.", path);
        byte[] bytes = File.ReadAllBytes(path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        var image = ext == ".npy" ? Npy(bytes, path)
            : ext is ".pgm" or ".pnm" ? Pgm(bytes, path)
            : throw new InvalidDataException($"{path}: unsupported image format '{ext}'; use greyscale PGM (.pgm, P2/P5) or a 2-D NumPy array (.npy). " +
                                             "Convert others with e.g. `convert in.png out.pgm` or numpy.save.");
        using var scope = torch.NewDisposeScope();
        var min = image.min();
        var range = image.max() - min;
        if (range.item<float>() <= 0) throw new InvalidDataException($"{path}: the image is uniform; it carries no contrast.");
        return ((image - min) / range).MoveToOuterDisposeScope();
    }

    /// <summary>Turns an image in [0, 1] into contrast units with the given RMS contrast, clipped to ±1.</summary>
    public static torch.Tensor ToContrast(torch.Tensor image, double rmsContrast = 0.35)
    {
        using var scope = torch.NewDisposeScope();
        var centred = image - image.mean();
        return (centred / (centred.std() + 1e-8) * rmsContrast).clamp(-1, 1).MoveToOuterDisposeScope();
    }

    private static torch.Tensor Pgm(byte[] bytes, string path)
    {
        int at = 0;
        string Token()
        {
            while (at < bytes.Length && (char.IsWhiteSpace((char)bytes[at]) || bytes[at] == '#'))
            {
                if (bytes[at] == '#') while (at < bytes.Length && bytes[at] != '\n') at++;
                else at++;
            }
            int start = at;
            while (at < bytes.Length && !char.IsWhiteSpace((char)bytes[at])) at++;
            return Encoding.ASCII.GetString(bytes, start, at - start);
        }
        string magic = Token();
        if (magic is not ("P2" or "P5")) throw new InvalidDataException($"{path}: PGM magic '{magic}', expected P2 or P5 (greyscale).");
        if (!int.TryParse(Token(), out int w) || !int.TryParse(Token(), out int h) || !int.TryParse(Token(), out int max) || w < 1 || h < 1 || max < 1)
            throw new InvalidDataException($"{path}: malformed PGM header.");
        var values = new float[w * h];
        if (magic == "P2")
            for (int i = 0; i < values.Length; i++)
                values[i] = int.TryParse(Token(), out int v) ? v : throw new InvalidDataException($"{path}: truncated PGM data at pixel {i}.");
        else
        {
            at++; // the single whitespace after maxval
            int size = max < 256 ? 1 : 2;
            if (bytes.Length - at < values.Length * size) throw new InvalidDataException($"{path}: truncated PGM data ({bytes.Length - at} bytes for {values.Length} pixels).");
            for (int i = 0; i < values.Length; i++)
                values[i] = size == 1 ? bytes[at + i] : (bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1];
        }
        return torch.tensor(values).view(h, w);
    }

    private static torch.Tensor Npy(byte[] bytes, string path)
    {
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
            throw new InvalidDataException($"{path}: not a NumPy .npy file.");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int offset = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        string descr = Between(header, "'descr':", ",").Trim().Trim('\'');
        if (header.Contains("'fortran_order': True")) throw new InvalidDataException($"{path}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray.");
        var shape = Between(header, "'shape':", ")").Trim().TrimStart('(').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        if (shape.Length != 2) throw new InvalidDataException($"{path}: expected a 2-D image, found shape ({string.Join(", ", shape)}).");
        int data = offset + headerLength, count = shape[0] * shape[1];
        var values = descr switch
        {
            "|u1" => Enumerable.Range(0, count).Select(i => (float)bytes[data + i]).ToArray(),
            "<f4" => Enumerable.Range(0, count).Select(i => BitConverter.ToSingle(bytes, data + 4 * i)).ToArray(),
            "<f8" => Enumerable.Range(0, count).Select(i => (float)BitConverter.ToDouble(bytes, data + 8 * i)).ToArray(),
            _ => throw new InvalidDataException($"{path}: dtype '{descr}' is not supported; use uint8, float32 or float64."),
        };
        if (values.Any(v => !float.IsFinite(v))) throw new InvalidDataException($"{path}: the image holds NaN or infinite values.");
        return torch.tensor(values).view(shape[0], shape[1]);
    }

    private static string Between(string text, string start, string end)
    {
        int i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return "";
        i += start.Length;
        int j = text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? text[i..] : text[i..j];
    }
}
