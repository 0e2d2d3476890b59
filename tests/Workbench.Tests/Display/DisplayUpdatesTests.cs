using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting;
using Workbench.Display;

namespace Workbench.Tests.Display;

public class DisplayUpdatesTests
{
    [Fact]
    public void AKernelHandle_UpdatesTheValueTheKernelAnnounced_NotTheCopyItReturned()
    {
        // dotnet-interactive 1.0.712001's display(x): announces one DisplayedValue, returns another over the same values.
        var formatted = FormattedValue.CreateManyFromObject("starting", "text/plain");
        var announced = new DisplayedValue("starting", formatted);
        var returned = new DisplayedValue("starting", formatted);
        DisplayUpdates.Record(announced);
        var raised = new List<DisplayedValue>();
        using var subscription = Formatter.SubscribeToDisplayedValues(raised.Add);

        DisplayUpdates.Of(returned)("50 %");

        var update = Assert.Single(raised);
        Assert.Same(announced, update);
        Assert.NotEqual(returned.DisplayId, update.DisplayId);   // what the kernel used to send, and clients dropped
        Assert.True(update.IsUpdated);
        Assert.Equal("50 %", update.FormattedValues.Single().Value);
    }

    [Fact]
    public void AKernelHandleThatWasAnnouncedItself_IsUpdatedItself()
    {
        var shown = new DisplayedValue("a", FormattedValue.CreateManyFromObject("a", "text/plain"));
        var raised = new List<DisplayedValue>();
        using var subscription = Formatter.SubscribeToDisplayedValues(raised.Add);

        DisplayUpdates.Of(shown)("b");

        Assert.Same(shown, Assert.Single(raised));
    }

    [Fact]
    public void TheRunnersHandle_IsUpdatedThroughItsUpdateMethod_AndAnythingElseIsAClearError()
    {
        var handle = new RunnerLikeHandle();

        DisplayUpdates.Of(handle)("done");

        Assert.Equal(["done"], handle.Values);
        var e = Assert.Throws<ArgumentException>(() => DisplayUpdates.Of(new object()));
        Assert.Contains("System.Object has no public Update(object)", e.Message);
    }

    [Fact]
    public void FSharpCore_IsUnifiedWithinAMajorVersionOnly()
    {
        Assembly loaded = typeof(Microsoft.FSharp.Core.FSharpFunc<int, int>).Assembly;
        int major = loaded.GetName().Version!.Major;

        Assert.Same(loaded, KernelFSharpCore.Resolve(new AssemblyName($"FSharp.Core, Version={major}.9.0.0"), [loaded]));
        Assert.Null(KernelFSharpCore.Resolve(new AssemblyName($"FSharp.Core, Version={major + 1}.0.0.0"), [loaded]));
        Assert.Null(KernelFSharpCore.Resolve(new AssemblyName($"Plotly.NET, Version={major}.0.0.0"), [loaded]));
        Assert.Null(KernelFSharpCore.Resolve(new AssemblyName($"FSharp.Core, Version={major}.1.0.0"), [typeof(object).Assembly]));
    }

    private sealed class RunnerLikeHandle
    {
        public List<object?> Values { get; } = [];

        public void Update(object? value) => Values.Add(value);
    }
}
