namespace Workbench.TestSupport.Corruption;

/// <summary>What one guarded call did: returned a value, threw, or did not finish in time.</summary>
public sealed record Attempt<T>(T? Value, Exception? Error, bool TimedOut, TimeSpan Elapsed);

/// <summary>Runs a call on its own thread and stops waiting for it after a timeout, so a hang fails a test instead of stalling it.</summary>
public static class Watchdog
{
    /// <summary>Runs <paramref name="call"/>; a call still running after <paramref name="timeout"/> is reported as timed out (and abandoned).</summary>
    public static Attempt<T> Run<T>(Func<T> call, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var task = Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!task.Wait(timeout)) return new Attempt<T>(default, null, true, clock.Elapsed);
            return new Attempt<T>(task.Result, null, false, clock.Elapsed);
        }
        catch (AggregateException e)
        {
            return new Attempt<T>(default, e.InnerException ?? e, false, clock.Elapsed);
        }
    }
}
