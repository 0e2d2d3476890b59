using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// Rank-1 decompositions of space-time filters: the best separable approximation spatial ⊗ temporal of a
/// <c>(T, H, W)</c> filter, from its singular value decomposition as a <c>T × HW</c> matrix.
/// </summary>
/// <remarks>
/// Sign convention: the spatial component has unit norm and its largest-magnitude entry is positive, so a cell's polarity
/// lives in the temporal component (an OFF cell's temporal kernel has a negative lobe nearest the response) and the
/// components of different cells compare directly. The temporal component carries the singular value, so
/// <c>temporal[t] · spatial[y, x]</c> is the best rank-1 approximation in the least-squares sense.
/// </remarks>
public static class SpaceTimeDecomposition
{
    /// <summary>Decomposes one filter <c>(T, H, W)</c>.</summary>
    /// <exception cref="ArgumentException">The filter is not three-dimensional, is empty, or is not finite.</exception>
    public static SpaceTimeComponents Decompose(Tensor filter)
    {
        if (filter.dim() != 3)
            throw new ArgumentException($"A space-time filter is (T, H, W); got [{string.Join(", ", filter.shape)}].", nameof(filter));
        return DecomposeAll(filter.unsqueeze(0))[0];
    }

    /// <summary>Decomposes a stack of filters <c>(N, T, H, W)</c> in one batched SVD.</summary>
    /// <exception cref="ArgumentException">The filters are not four-dimensional, are empty, or are not finite.</exception>
    public static IReadOnlyList<SpaceTimeComponents> DecomposeAll(Tensor filters)
    {
        if (filters.dim() != 4 || filters.numel() == 0)
            throw new ArgumentException($"Space-time filters are (N, T, H, W) and not empty; got [{string.Join(", ", filters.shape)}].", nameof(filters));
        long n = filters.shape[0], t = filters.shape[1], h = filters.shape[2], w = filters.shape[3];
        using var scope = torch.NewDisposeScope();
        // float64: a filter's energy can sit many orders of magnitude above its second component, whose share we report.
        var m = filters.detach().to(float64, CPU).reshape(n, t, h * w);
        if (!torch.isfinite(m).all().item<bool>())
            throw new ArgumentException("Space-time filters hold NaN or infinite values.", nameof(filters));
        var (u, s, vh) = torch.linalg.svd(m, fullMatrices: false); // u (N, T, K), s (N, K), vh (N, K, HW)
        var spatial = vh.select(1, 0);                               // (N, HW), unit norm
        var temporal = u.select(2, 0) * s.select(1, 0).unsqueeze(1); // (N, T)
        // Fix the sign: the spatial entry of largest magnitude is positive.
        var peak = spatial.abs().argmax(1, keepdim: true);
        var sign = torch.sign(spatial.gather(1, peak)).squeeze(1);
        sign = torch.where(sign == 0, torch.ones_like(sign), sign).unsqueeze(1);
        spatial = spatial * sign;
        temporal = temporal * sign;
        var energy = s.square().sum(1);
        var explained = torch.where(energy > 0, s.select(1, 0).square() / energy, torch.zeros_like(energy));

        var result = new List<SpaceTimeComponents>((int)n);
        for (long i = 0; i < n; i++)
            result.Add(new SpaceTimeComponents(
                spatial[i].reshape(h, w).to(float32).MoveToOuterDisposeScope(),
                temporal[i].to(float32).MoveToOuterDisposeScope(),
                s[i, 0].item<double>(),
                explained[i].item<double>()));
        return result;
    }
}
