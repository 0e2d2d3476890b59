using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Runtime;

/// <summary>
/// The workbench's one way to compute 2-D convolutions (valid, stride 1): every model layer calls these, so each runs on
/// the route the process's numerical self-check (<see cref="NumericsCheck"/>) proved correct on this machine.
/// </summary>
/// <remarks>
/// <para>With gradients enabled the convolution is a custom autograd function whose backward pass computes the weight
/// gradient as one more forward convolution (input and output gradient with batch and channel axes swapped) and the input
/// gradient only when the input needs it. On CPU, libtorch's own weight-gradient kernel for the BN-CNN's first layer
/// (40 → 8 channels, 15×15, 50×50 maps) runs at a fraction of the forward pass's speed; the swapped-axes convolution runs
/// at forward speed. Both backward convolutions take the same route as the forward one.</para>
/// <para>The route applies to float32 tensors on the CPU; other types and devices always use libtorch directly.</para>
/// </remarks>
public static class Convolutions
{
    /// <summary>Channel counts are padded to multiples of this on the <see cref="ConvolutionRoute.ChannelPadded"/> route
    /// (oneDNN's channel block for AVX-512; a multiple of AVX2's 8).</summary>
    public const long ChannelBlock = 16;

    /// <summary>
    /// <c>conv2d(input, weight, bias)</c>: input (B, C, H, W), weight (O, C, K, K'), bias (O) or null; output
    /// (B, O, H − K + 1, W − K' + 1). Routed as the self-check decided.
    /// </summary>
    /// <exception cref="InvalidOperationException">The self-check found no correct way to convolve on this machine.</exception>
    /// <remarks>Float32 CPU convolutions go through <see cref="FftConvolution"/> where <see cref="Algorithm"/> says so (by
    /// default, where <see cref="PrefersFft"/> expects it to be faster).</remarks>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null) =>
        UsesFft(input, weight) ? FftConvolution.Conv2d(input, weight, bias) : Conv2d(input, weight, bias, RouteFor(input));

    /// <summary>
    /// How float32 CPU convolutions are computed; process-wide. Starts from the environment variable
    /// <c>WORKBENCH_CONVOLUTION</c> (<c>auto</c>, <c>direct</c> or <c>fft</c>; default <c>auto</c>), for benchmarks that
    /// compare the two.
    /// </summary>
    public static ConvolutionAlgorithm Algorithm { get; set; } = AlgorithmFromEnvironment();

    /// <summary>
    /// Whether the FFT convolution is expected to beat the direct kernel for an input (B, C, H, W) and a weight
    /// (O, C, K, K'): when the direct convolution's multiply-adds per sample, C·O·K·K'·(H − K + 1)·(W − K' + 1), exceed
    /// <see cref="FftAdvantage"/> times the FFT route's operation count, (C + O)·H·W·log2(H·W) for the transforms plus
    /// 4·C·O·H·(W/2 + 1) for the complex products.
    /// </summary>
    /// <remarks>The transforms of small batched maps run far below their operation count's speed (fixed costs per call and
    /// per map), hence the large factor. Measured on an AMD EPYC Zen 5 (one thread, CPU time, batch 64): the BN-CNN's
    /// first layer on 50×50 input (ratio 31) runs forward and weight gradient in 67 ms through FFTs against 305 ms direct;
    /// its second layer (8 → 8, 11×11 on 36×36, ratio 13) forward, weight and input gradients in 24 ms against 39 ms
    /// (forward alone 10 against 8 ms). On 32×32 input the first layer (ratio 20) gains 2.2x a training step; the second
    /// (ratio 5.5) stays direct.</remarks>
    public static bool PrefersFft(long[] inputShape, long[] weightShape)
    {
        double c = inputShape[1], h = inputShape[2], w = inputShape[3], o = weightShape[0], kh = weightShape[2], kw = weightShape[3];
        double direct = c * o * kh * kw * (h - kh + 1) * (w - kw + 1);
        double fft = (c + o) * h * w * Math.Log2(h * w) + 4 * c * o * h * (Math.Floor(w / 2) + 1);
        return direct > FftAdvantage * fft;
    }

    /// <summary>The operation-count ratio above which <see cref="PrefersFft"/> picks the FFT.</summary>
    public const double FftAdvantage = 10;

    /// <summary>Whether <see cref="Conv2d(Tensor, Tensor, Tensor?)"/> of <paramref name="weight"/> over maps of
    /// <paramref name="height"/>×<paramref name="width"/> goes through <see cref="FftConvolution"/>.</summary>
    internal static bool UsesFft(Tensor weight, long height, long width) =>
        Routable(weight) && weight.dim() == 4 && Algorithm switch
        {
            ConvolutionAlgorithm.Fft => true,
            ConvolutionAlgorithm.Direct => false,
            _ => PrefersFft([1, weight.shape[1], height, width], weight.shape),
        };

    private static bool UsesFft(Tensor input, Tensor weight) =>
        Routable(input) && input.dim() == 4 && UsesFft(weight, input.shape[2], input.shape[3]);

    private static ConvolutionAlgorithm AlgorithmFromEnvironment() =>
        Environment.GetEnvironmentVariable("WORKBENCH_CONVOLUTION")?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => ConvolutionAlgorithm.Auto,
            "direct" => ConvolutionAlgorithm.Direct,
            "fft" => ConvolutionAlgorithm.Fft,
            var other => throw new InvalidOperationException($"WORKBENCH_CONVOLUTION is '{other}'; use auto, direct or fft."),
        };

    /// <summary>As <see cref="Conv2d(Tensor, Tensor, Tensor?)"/> on a given route (for the self-check, tests and benchmarks).</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, ConvolutionRoute route)
    {
        bool needsGraph = torch.is_grad_enabled() && (input.requires_grad || weight.requires_grad || bias is { requires_grad: true });
        return needsGraph ? RoutedConvolution.apply(input, weight, bias!, route)[0] : Forward(input, weight, bias, route);
    }

    /// <summary>
    /// <c>conv_transpose2d(input, weight)</c> without gradient support: input (B, O, h, w), weight (O, C, K, K'); output
    /// (B, C, h + K − 1, w + K' − 1). The input gradient of <see cref="Conv2d(Tensor, Tensor, Tensor?)"/>.
    /// </summary>
    public static Tensor ConvTranspose2d(Tensor input, Tensor weight, ConvolutionRoute route)
    {
        using var noGrad = torch.no_grad();
        if (!Routable(input)) return nn.functional.conv_transpose2d(input, weight);
        switch (route)
        {
            case ConvolutionRoute.OneDnnOff:
                using (OneDnn.Disabled()) return nn.functional.conv_transpose2d(input, weight);
            case ConvolutionRoute.ChannelPadded:
                long outChannels = weight.shape[0], inChannels = weight.shape[1];
                long po = Padded(outChannels), pi = Padded(inChannels);
                if (po == outChannels && pi == inChannels) return nn.functional.conv_transpose2d(input, weight);
                using (var scope = torch.NewDisposeScope())
                {
                    var x = PadChannels(input, 1, po);
                    var w = PadChannels(PadChannels(weight, 0, po), 1, pi);
                    var y = nn.functional.conv_transpose2d(x, w);
                    if (pi != inChannels) y = y.narrow(1, 0, inChannels).contiguous();
                    return y.MoveToOuterDisposeScope();
                }
            default:
                return nn.functional.conv_transpose2d(input, weight);
        }
    }

    /// <summary>The route for a convolution of <paramref name="input"/>: the self-check's choice for float32 CPU tensors.</summary>
    /// <exception cref="InvalidOperationException">The self-check found no correct way to convolve on this machine.</exception>
    public static ConvolutionRoute RouteFor(Tensor input) =>
        Routable(input) ? NumericsCheck.Current.RequireRoute() : ConvolutionRoute.Native;

    private static bool Routable(Tensor t) => t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32;

    private static long Padded(long channels) => (channels + ChannelBlock - 1) / ChannelBlock * ChannelBlock;

    private static Tensor PadChannels(Tensor t, int dim, long to)
    {
        long have = t.shape[dim];
        if (have == to) return t;
        // F.pad lists (before, after) pairs from the last dimension backwards.
        var pad = new long[2 * (t.dim() - dim)];
        pad[^1] = to - have;
        return nn.functional.pad(t, pad);
    }

    private static Tensor Forward(Tensor input, Tensor weight, Tensor? bias, ConvolutionRoute route)
    {
        if (!Routable(input)) return nn.functional.conv2d(input, weight, bias);
        switch (route)
        {
            case ConvolutionRoute.OneDnnOff:
                using (OneDnn.Disabled()) return nn.functional.conv2d(input, weight, bias);
            case ConvolutionRoute.ChannelPadded:
                long inChannels = input.shape[1], outChannels = weight.shape[0];
                long pi = Padded(inChannels), po = Padded(outChannels);
                if (pi == inChannels && po == outChannels) return nn.functional.conv2d(input, weight, bias);
                using (var scope = torch.NewDisposeScope())
                {
                    var x = PadChannels(input, 1, pi);
                    var w = PadChannels(PadChannels(weight, 1, pi), 0, po);
                    var b = bias is null ? null : PadChannels(bias, 0, po);
                    var y = nn.functional.conv2d(x, w, b);
                    if (po != outChannels) y = y.narrow(1, 0, outChannels).contiguous();
                    return y.MoveToOuterDisposeScope();
                }
            default:
                return nn.functional.conv2d(input, weight, bias);
        }
    }

    /// <summary>The autograd function behind <see cref="Conv2d(Tensor, Tensor, Tensor?, ConvolutionRoute)"/>.</summary>
    private sealed class RoutedConvolution : torch.autograd.MultiTensorFunction<RoutedConvolution>
    {
        public override string Name => nameof(RoutedConvolution);

        public override List<Tensor> forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var weight = (Tensor)vars[1];
            var bias = vars[2] as Tensor;
            var route = (ConvolutionRoute)vars[3];
            ctx.save_for_backward([input, weight]);
            ctx.save_data("input_needs_grad", input.requires_grad);
            // Receptive-field analyses ask only for the input's gradient, with frozen weights: skip the weight gradient
            // then (as large as the forward pass for the first layer).
            ctx.save_data("weight_needs_grad", weight.requires_grad);
            ctx.save_data("has_bias", bias is not null);
            ctx.save_data("route", route);
            return [Forward(input, weight, bias, route)];
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, List<Tensor> grads)
        {
            var saved = ctx.get_saved_variables();
            Tensor input = saved[0], weight = saved[1], grad = grads[0];
            var route = (ConvolutionRoute)ctx.get_data("route");
            // dL/dW[o,c,i,j] = Σ_b,p,q g[b,o,p,q]·x[b,c,p+i,q+j]: a convolution of x (channels as batch, batch as channels)
            // with g (out-channels as filters, batch as channels).
            var gradWeight = (bool)ctx.get_data("weight_needs_grad")
                ? Forward(input.transpose(0, 1), grad.transpose(0, 1), null, route).transpose(0, 1)
                : null;
            var gradInput = (bool)ctx.get_data("input_needs_grad") ? ConvTranspose2d(grad, weight, route) : null;
            var gradBias = (bool)ctx.get_data("has_bias") ? grad.sum([0, 2, 3]) : null;
            return [gradInput!, gradWeight!, gradBias!, null!];
        }
    }
}
