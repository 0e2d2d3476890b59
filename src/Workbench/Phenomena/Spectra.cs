namespace Workbench.Phenomena;

/// <summary>Discrete Fourier amplitudes, as numpy's <c>abs(fft(x))[k]</c> (no normalisation), computed directly in float64.</summary>
public static class Spectra
{
    /// <summary>|Σ_t x[t]·e^{−2πikt/n}| for bin <paramref name="k"/> of the n-sample signal <paramref name="x"/>; with
    /// 10-ms samples bin k is at k / (n · 0.01) Hz (<c>fftfreq(n, 0.01)</c>).</summary>
    public static double Amplitude(IReadOnlyList<double> x, int k)
    {
        double re = 0, im = 0;
        int n = x.Count;
        for (int t = 0; t < n; t++)
        {
            double a = 2 * Math.PI * k * (long)t / n;
            re += x[t] * Math.Cos(a);
            im -= x[t] * Math.Sin(a);
        }
        return Math.Sqrt(re * re + im * im);
    }
}
