using System.Text.Json.Nodes;

namespace Workbench.Cli.Notebooks;

/// <summary>What a cell holds, as the runner sees it.</summary>
public enum CellKind
{
    /// <summary>C# code to execute.</summary>
    Code,
    /// <summary>Markdown to render (a markdown cell, or a code cell in the markdown kernel).</summary>
    Markdown,
    /// <summary>A raw cell: passed through untouched.</summary>
    Raw,
}

/// <summary>One cell of a notebook as read from disk.</summary>
/// <param name="Index">Position in the notebook, from 0.</param>
/// <param name="Kind">How the runner treats it.</param>
/// <param name="Source">The cell text, lines joined.</param>
/// <param name="Tags">The cell's <c>metadata.tags</c> (papermill's <c>parameters</c> tag, for instance).</param>
/// <param name="Json">The cell as stored, with every field the runner does not interpret (metadata, attachments).</param>
public sealed record NotebookCell(int Index, CellKind Kind, string Source, IReadOnlyList<string> Tags, JsonObject Json)
{
    /// <summary>One-based number, as people count cells.</summary>
    public int Number => Index + 1;

    /// <summary>The first non-blank line, for progress messages.</summary>
    public string FirstLine =>
        Source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("#!", StringComparison.Ordinal) && !l.StartsWith("#r ", StringComparison.Ordinal) && !l.StartsWith("#load ", StringComparison.Ordinal)) ?? "";
}
