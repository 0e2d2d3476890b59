using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Simulation;

/// <summary>How the eye moves over the images of a natural-scene stimulus.</summary>
/// <param name="DriftStep">Standard deviation of the fixational random walk per frame, checkers (sub-pixel).</param>
/// <param name="SaccadeInterval">Seconds between saccade-like jumps to a new place (and, every
/// <paramref name="SaccadesPerImage"/> jumps, a new image).</param>
/// <param name="SaccadesPerImage">Jumps before the next image.</param>
public sealed record EyeMovements(double DriftStep = 0.25, double SaccadeInterval = 1.0, int SaccadesPerImage = 2);

/// <summary>A natural-scene movie and where the eye was.</summary>
/// <param name="Movie">Contrast movie (T, H, W).</param>
/// <param name="Image">Image shown in each frame.</param>
/// <param name="Row">Row of the window's top-left corner in the image, each frame.</param>
/// <param name="Column">Column of the window's top-left corner, each frame.</param>
public sealed record NaturalMovie(Tensor Movie, int[] Image, float[] Row, float[] Column) : IDisposable
{
    /// <summary>Builds the movie: the window drifts by a random walk and jumps every saccade interval.</summary>
    /// <param name="images">Images in contrast units, each at least as large as the window.</param>
    /// <param name="eye">Eye-movement statistics.</param>
    /// <param name="frames">Frames to make.</param>
    /// <param name="height">Window rows.</param>
    /// <param name="width">Window columns.</param>
    /// <param name="framePeriod">Seconds per frame.</param>
    /// <param name="random">Source of the eye path.</param>
    public static NaturalMovie Create(IReadOnlyList<Tensor> images, EyeMovements eye, long frames, int height, int width, double framePeriod, Random random)
    {
        if (images.Count == 0) throw new ArgumentException("A natural-scene stimulus needs at least one image.");
        foreach (var (img, i) in images.Select((img, i) => (img, i)))
            if (img.dim() != 2 || img.shape[0] < height + 2 || img.shape[1] < width + 2)
                throw new ArgumentException($"Image {i} is [{string.Join(", ", img.shape)}]; it must be 2-D and larger than the {height}x{width} window.");
        int perSaccade = Math.Max(1, (int)Math.Round(eye.SaccadeInterval / framePeriod));
        var image = new int[frames];
        var row = new float[frames];
        var column = new float[frames];
        int current = 0;
        double r = 0, c = 0;
        for (long f = 0; f < frames; f++)
        {
            if (f % perSaccade == 0)
            {
                long saccade = f / perSaccade;
                if (saccade > 0 && saccade % eye.SaccadesPerImage == 0) current = (current + 1) % images.Count;
                var img = images[current];
                r = random.NextDouble() * (img.shape[0] - height - 1);
                c = random.NextDouble() * (img.shape[1] - width - 1);
            }
            else
            {
                var img = images[current];
                r = Reflect(r + Gaussian(random) * eye.DriftStep, img.shape[0] - height - 1);
                c = Reflect(c + Gaussian(random) * eye.DriftStep, img.shape[1] - width - 1);
            }
            (image[f], row[f], column[f]) = (current, (float)r, (float)c);
        }
        return new NaturalMovie(Render(images, image, row, column, height, width), image, row, column);
    }

    /// <summary>Samples each frame's window from its image by bilinear interpolation, batch by batch.</summary>
    private static Tensor Render(IReadOnlyList<Tensor> images, int[] image, float[] row, float[] column, int height, int width)
    {
        long frames = image.Length;
        var movie = torch.empty(frames, height, width);
        const int batch = 512;
        for (long start = 0; start < frames; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(batch, frames - start);
            // Consecutive frames of one image form one grid_sample call.
            long s = start;
            while (s < start + n)
            {
                long e = s;
                while (e < start + n && image[e] == image[s]) e++;
                var img = images[image[s]];
                long ih = img.shape[0], iw = img.shape[1];
                var rows = torch.tensor(row[(int)s..(int)e]).view(-1, 1, 1) + torch.arange(height, dtype: torch.float32).view(1, -1, 1);
                var cols = torch.tensor(column[(int)s..(int)e]).view(-1, 1, 1) + torch.arange(width, dtype: torch.float32).view(1, 1, -1);
                // grid_sample wants x (column) then y (row), in [-1, 1] with pixel centres at (2p + 1)/size − 1.
                var x = (2 * cols + 1) / iw - 1;
                var y = (2 * rows + 1) / ih - 1;
                var grid = torch.stack([x.expand(e - s, height, width), y.expand(e - s, height, width)], -1);
                var sampled = nn.functional.grid_sample(img.view(1, 1, ih, iw).expand(e - s, 1, ih, iw), grid, align_corners: false);
                movie.narrow(0, s, e - s).copy_(sampled.view(e - s, height, width));
                s = e;
            }
        }
        return movie;
    }

    private static double Reflect(double value, double max) => value < 0 ? -value : value > max ? 2 * max - value : value;

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <inheritdoc/>
    public void Dispose() => Movie.Dispose();
}
