using static TorchSharp.torch;

namespace Workbench.Simulation;

/// <summary>
/// Every stage of the synthetic retina for a batch of movies, per frame (see <see cref="SyntheticRetina"/>).
/// </summary>
/// <param name="Bipolar">Bipolar potentials before rectification, (B, T, 2, H, W): sustained then transient, ON sign (OFF is the negative).</param>
/// <param name="Rectified">Rectified bipolar outputs, (B, T, 4, H, W): on-sustained, on-transient, off-sustained, off-transient.</param>
/// <param name="Amacrine">Wide-field amacrine potentials (pooled transient output, low-passed) before threshold and rectification,
/// (B, T, N + Ua): one unit per ganglion cell, then the sampled interneuron units.</param>
/// <param name="AmacrineRectified">The amacrine output after threshold and rectification, (B, T, N + Ua).</param>
/// <param name="Excitation">Each ganglion cell's pooled bipolar excitation before adaptation, (B, T, N).</param>
/// <param name="Inhibition">Each ganglion cell's amacrine inhibition, (B, T, N).</param>
internal sealed record RetinaStages(Tensor Bipolar, Tensor Rectified, Tensor Amacrine, Tensor AmacrineRectified, Tensor Excitation, Tensor Inhibition);
