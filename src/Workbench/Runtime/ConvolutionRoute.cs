namespace Workbench.Runtime;

/// <summary>How the workbench computes its float32 CPU convolutions (<see cref="Convolutions"/>).</summary>
public enum ConvolutionRoute
{
    /// <summary>libtorch's own convolution, whatever kernel it picks (oneDNN's direct kernels on x86 CPUs).</summary>
    Native,

    /// <summary>
    /// libtorch's convolution with every channel count zero-padded to a multiple of <see cref="Convolutions.ChannelBlock"/>,
    /// so oneDNN never pads a channel block itself. Works around oneDNN 3.7 kernels that read uninitialised padding on
    /// some CPUs (measured on AMD EPYC Zen 5). As fast as <see cref="Native"/>: oneDNN computes padded blocks anyway.
    /// </summary>
    ChannelPadded,

    /// <summary>libtorch's convolution with oneDNN switched off for the call (im2col + GEMM): correct, but about 50x slower.</summary>
    OneDnnOff,
}
