using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.DotNet.Interactive.Formatting;

namespace Workbench.Display;

/// <summary>
/// Turns what a notebook host's <c>display(value)</c> returned into a function that redraws that same output, in the
/// .NET Interactive kernel (VS Code, Jupyter) and in the workbench's own runner alike.
/// </summary>
/// <remarks>
/// In the .NET Interactive kernel 1.0.712001, <c>display(x)</c> announces one <see cref="DisplayedValue"/> and returns
/// another (<c>DisplayExtensions.Display</c> constructs two), each with its own random display id. Updating the returned
/// one therefore sends <c>update_display_data</c> under an id no client has seen, and Jupyter and VS Code drop it: live
/// views never moved. The announced one is recorded here as it goes by (both share one list of formatted values), and
/// updates go to it, so they carry the id of the output on screen. Where the host returns the announced value itself
/// (a fixed kernel), that is the one used.
/// </remarks>
public static class DisplayUpdates
{
    // Keyed by the formatted-values list the announced and the returned DisplayedValue share; weak, so nothing is kept
    // alive beyond the handle the notebook holds.
    private static readonly ConditionalWeakTable<object, DisplayedValue> Announced = new();
    private static int _tracking;

    /// <summary>
    /// Starts recording the values a .NET Interactive kernel displays. True the first time it is called in a kernel;
    /// false when called again or outside a kernel (where it does nothing).
    /// </summary>
    /// <remarks>
    /// Only where Microsoft.DotNet.Interactive is loaded: a subscriber would otherwise stop Formatting from writing
    /// <c>value.Display()</c> to the console in plain programs.
    /// </remarks>
    public static bool Track()
    {
        if (!AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.DotNet.Interactive")) return false;
        if (Interlocked.Exchange(ref _tracking, 1) == 1) return false;
        Formatter.SubscribeToDisplayedValues(Record);
        return true;
    }

    /// <summary>Records a displayed value as announced (what the kernel's subscription sees).</summary>
    internal static void Record(DisplayedValue value)
    {
        if (!value.IsUpdated) Announced.AddOrUpdate(value.FormattedValues, value);
    }

    /// <summary>
    /// A function that replaces the output <paramref name="displayHandle"/> stands for: a
    /// <see cref="DisplayedValue"/> (the .NET Interactive kernel) or any handle with a public <c>Update(object)</c>
    /// method (the workbench's runner).
    /// </summary>
    /// <exception cref="ArgumentException">The handle is null or has no <c>Update(object)</c> method.</exception>
    public static Action<object> Of(object displayHandle)
    {
        ArgumentNullException.ThrowIfNull(displayHandle);
        if (displayHandle is DisplayedValue returned)
        {
            var shown = Announced.TryGetValue(returned.FormattedValues, out var announced) ? announced : returned;
            return shown.Update;
        }
        var update = displayHandle.GetType().GetMethod("Update", BindingFlags.Public | BindingFlags.Instance, [typeof(object)])
            ?? throw new ArgumentException(
                $"{displayHandle.GetType().FullName} has no public Update(object) method: pass what display(...) returned.", nameof(displayHandle));
        return value => update.Invoke(displayHandle, [value]);
    }
}
