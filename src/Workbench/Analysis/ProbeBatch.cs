using static TorchSharp.torch;

namespace Workbench.Analysis;

/// <summary>
/// One batch of a streamed probe (see <see cref="LayerProbe.ForEachBatch"/>): the windows' indices, their stimulus
/// histories, the recorded responses they predict, and the requested layers' activations. The tensors live only for the
/// duration of the callback (they are freed with the batch's dispose scope); copy what you keep.
/// </summary>
/// <param name="Indices">Window indices into the <see cref="Data.HistoryWindows"/>, in time order.</param>
/// <param name="Inputs">Stimulus histories <c>(B, History, H, W)</c> on the model's device, in the model's dtype.</param>
/// <param name="Targets">The recording's rates for the bins the windows predict, <c>(B, N)</c> (N = 0 for a bare stimulus).</param>
/// <param name="Activations">The requested layers' activations by name (the final rates under "output" when it is one of them).</param>
public sealed record ProbeBatch(long[] Indices, Tensor Inputs, Tensor Targets, IReadOnlyDictionary<string, Tensor> Activations);
