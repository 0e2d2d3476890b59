using TorchSharp;
using Workbench.Data;

namespace Workbench.Analysis;

/// <summary>
/// History windows over a bare stimulus <c>(T, H, W)</c> (no responses): a recording of zero cells around a new handle to
/// the caller's tensor, so probes take any stimulus the same way as a recording. The caller's tensor is not freed.
/// </summary>
internal sealed class StimulusWindows : IDisposable
{
    private readonly Recording _recording;

    public StimulusWindows(torch.Tensor stimulus, int history)
    {
        if (stimulus.dim() != 3)
            throw new ArgumentException($"A stimulus is (T, H, W); got [{string.Join(", ", stimulus.shape)}].", nameof(stimulus));
        // A new handle (or a contiguous copy): the recording frees what it holds, and the caller keeps its tensor.
        var frames = stimulus.dtype == torch.float32 && stimulus.device_type == DeviceType.CPU
            ? (stimulus.is_contiguous() ? stimulus.alias() : stimulus.contiguous())
            : stimulus.to(torch.float32, torch.CPU).contiguous();
        _recording = new Recording(frames, torch.zeros(new long[] { stimulus.shape[0], 0 }), 0.01, [], RecordingProvenance.Of("stimulus"));
        Windows = new HistoryWindows(_recording, history);
    }

    public HistoryWindows Windows { get; }

    /// <summary>Every window of the stimulus.</summary>
    public IReadOnlyList<WindowRange> All => [new WindowRange(0, Windows.Count)];

    public void Dispose()
    {
        Windows.Dispose();
        _recording.Dispose();
    }
}
