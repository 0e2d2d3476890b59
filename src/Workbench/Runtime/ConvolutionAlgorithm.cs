namespace Workbench.Runtime;

/// <summary>Which algorithm <see cref="Convolutions.Conv2d(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor?)"/> uses for float32 CPU convolutions.</summary>
public enum ConvolutionAlgorithm
{
    /// <summary>
    /// Each convolution by the algorithm expected to be faster for its shape (<see cref="Convolutions.PrefersFft"/>): the
    /// FFT for large kernels over many input channels or large maps (the BN-CNN's two layers on 50×50 input), libtorch's
    /// direct kernels otherwise.
    /// </summary>
    Auto,

    /// <summary>Always libtorch's direct convolution, on the route the numerical self-check chose.</summary>
    Direct,

    /// <summary>Always the FFT convolution (<see cref="FftConvolution"/>).</summary>
    Fft,
}
