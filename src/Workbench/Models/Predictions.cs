using TorchSharp;
using Workbench.Data;
using static TorchSharp.torch;

namespace Workbench.Models;

/// <summary>Runs a model over a whole recording, batch by batch, in eval mode.</summary>
public static class Predictions
{
    /// <summary>
    /// Predicted rates for every window of <paramref name="recording"/>: <c>(T − History, N)</c> on the CPU, row
    /// <c>k</c> predicting response bin <c>k + History</c>. GLMs get the recorded spike counts as history (open loop).
    /// </summary>
    /// <remarks>Batches are runs of consecutive windows, which models run over their frames
    /// (<see cref="RetinaModel.PredictMovie"/>), sharing the work overlapping windows have in common.</remarks>
    public static Tensor For(RetinaModel model, Recording recording, Device? device = null, int batchSize = 512)
    {
        device ??= model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        using var windows = new HistoryWindows(recording, model.Spec.History);
        bool training = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            var parts = new List<Tensor>();
            foreach (var batch in WindowBatches.InOrder([new WindowRange(0, windows.Count)], batchSize))
            {
                using var scope = torch.NewDisposeScope();
                if (model.NeedsSpikeHistory)
                {
                    var (inputs, _) = windows.Batch(batch, device);
                    parts.Add(model.Predict(inputs, windows.SpikeHistory(batch, device)).cpu().MoveToOuterDisposeScope());
                }
                else
                {
                    // Consecutive windows: the model computes what they share once (RetinaModel.PredictMovie).
                    parts.Add(model.PredictMovie(windows.Frames(batch[0], batch.Length, device)).cpu().MoveToOuterDisposeScope());
                }
            }
            var result = torch.cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return result;
        }
        finally
        {
            model.train(training);
        }
    }
}
