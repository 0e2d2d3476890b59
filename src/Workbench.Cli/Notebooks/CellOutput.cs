namespace Workbench.Cli.Notebooks;

/// <summary>One output of a code cell, in nbformat's terms.</summary>
public abstract record CellOutput;

/// <summary>Text the cell wrote to the console.</summary>
/// <param name="Name"><c>stdout</c> or <c>stderr</c>.</param>
/// <param name="Text">The text, in order of writing.</param>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>A rich value: the cell's trailing expression (<see cref="IsResult"/>) or something passed to <c>display(...)</c>.</summary>
/// <param name="Data">MIME type to content (<c>text/plain</c>, <c>text/html</c> ...).</param>
/// <param name="IsResult">True for the trailing expression (nbformat <c>execute_result</c>), false for <c>display_data</c>.</param>
public sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data, bool IsResult) : CellOutput;

/// <summary>The error that stopped the cell.</summary>
/// <param name="Name">Exception type name, or <c>CompilationError</c>.</param>
/// <param name="Value">The message.</param>
/// <param name="Traceback">Diagnostic or stack-trace lines.</param>
public sealed record ErrorOutput(string Name, string Value, IReadOnlyList<string> Traceback) : CellOutput;
