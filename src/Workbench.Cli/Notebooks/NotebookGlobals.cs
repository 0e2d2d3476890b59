namespace Workbench.Cli.Notebooks;

/// <summary>
/// What every cell can call without qualification, named as in .NET Interactive so notebooks run the same there:
/// <c>display(value)</c> shows a value now and returns a handle whose <c>Update</c> replaces it (live progress).
/// </summary>
public sealed class NotebookGlobals
{
    private readonly Func<object?, string[], DisplayHandle> _display;

    internal NotebookGlobals(Func<object?, string[], DisplayHandle> display) => _display = display;

    /// <summary>Shows <paramref name="value"/> in the current cell's outputs (optionally only as <paramref name="mimeTypes"/>).</summary>
#pragma warning disable IDE1006 // lower case, as in .NET Interactive
    public DisplayHandle display(object? value, params string[] mimeTypes) => _display(value, mimeTypes);
#pragma warning restore IDE1006
}

/// <summary>An output shown with <c>display(...)</c>; <see cref="Update"/> replaces what it shows.</summary>
public sealed class DisplayHandle
{
    private readonly Action<object?> _update;

    internal DisplayHandle(Action<object?> update) => _update = update;

    /// <summary>Replaces the displayed value with <paramref name="value"/>, where it was first shown.</summary>
    public void Update(object? value) => _update(value);
}
