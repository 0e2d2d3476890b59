namespace Workbench.Cli.Notebooks;

/// <summary>The notebook or the request to run it is unusable (missing file, malformed JSON, not C#, unknown parameter):
/// nothing was or will be run. The CLI exits with code 2 and prints <see cref="Exception.Message"/>.</summary>
public sealed class NotebookInputException(string message, Exception? inner = null) : Exception(message, inner);
