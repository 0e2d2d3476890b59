using static TorchSharp.torch;

namespace Workbench.Tests.Support;

/// <summary>The windows a movie pass stands for, gathered: window k holds frames k … k + history − 1, as (T − history + 1,
/// history, H, W). The independent answer movie passes are checked against.</summary>
internal static class MovieWindows
{
    public static Tensor Of(Tensor frames, int history) => frames.unfold(0, history, 1).permute(0, 3, 1, 2).contiguous();
}
