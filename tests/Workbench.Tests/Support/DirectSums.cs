using static TorchSharp.torch;

namespace Workbench.Tests.Support;

/// <summary>
/// Convolutions as float64 loops over plain arrays: an oracle that shares no code with libtorch (no oneDNN, no im2col).
/// Slow; meant for small shapes.
/// </summary>
internal static class DirectSums
{
    /// <summary>Valid, stride-1 cross-correlation y[b,o,p,q] = bias[o] + Σ_c,i,j w[o,c,i,j]·x[b,c,p+i,q+j], as float64 (B, O, P, Q).</summary>
    public static double[,,,] Conv2d(Tensor x, Tensor w, Tensor? bias = null)
    {
        var (xs, ws) = (Values(x), Values(w));
        double[]? bs = bias is null ? null : Values(bias);
        int B = (int)x.shape[0], C = (int)x.shape[1], H = (int)x.shape[2], W = (int)x.shape[3];
        int O = (int)w.shape[0], K = (int)w.shape[2], L = (int)w.shape[3];
        int P = H - K + 1, Q = W - L + 1;
        var y = new double[B, O, P, Q];
        for (int b = 0; b < B; b++)
            for (int o = 0; o < O; o++)
                for (int p = 0; p < P; p++)
                    for (int q = 0; q < Q; q++)
                    {
                        double s = bs?[o] ?? 0;
                        for (int c = 0; c < C; c++)
                            for (int i = 0; i < K; i++)
                                for (int j = 0; j < L; j++)
                                    s += ws[((o * C + c) * K + i) * L + j] * xs[((b * C + c) * H + p + i) * W + q + j];
                        y[b, o, p, q] = s;
                    }
        return y;
    }

    /// <summary>‖actual − expected‖ / ‖expected‖ over all elements; NaN if <paramref name="actual"/> holds a non-finite value.</summary>
    public static double RelativeError(Tensor actual, double[,,,] expected)
    {
        double[] a = Values(actual);
        double diff = 0, norm = 0;
        int k = 0;
        foreach (double e in expected)
        {
            if (!double.IsFinite(a[k])) return double.NaN;
            diff += (a[k] - e) * (a[k] - e);
            norm += e * e;
            k++;
        }
        return Math.Sqrt(diff / norm);
    }

    private static double[] Values(Tensor t) => t.detach().to(float64).contiguous().data<double>().ToArray();
}
