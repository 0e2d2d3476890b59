namespace Workbench.Display;

/// <summary>
/// Name/value rows that notebooks show as an HTML table (and as aligned text where HTML is not shown):
/// <c>new TableView(rows)</c> as a cell's last expression or in <c>display(...)</c>.
/// </summary>
public sealed class TableView(IEnumerable<(string Name, string Value)> rows)
{
    /// <summary>The rows, in order.</summary>
    public IReadOnlyList<(string Name, string Value)> Rows { get; } = rows.ToList();

    /// <summary>The rows as an HTML table.</summary>
    public string ToHtml() => NotebookDisplay.Table(Rows);

    /// <inheritdoc/>
    public override string ToString()
    {
        int width = Rows.Count == 0 ? 0 : Rows.Max(r => r.Name.Length);
        return string.Join(Environment.NewLine, Rows.Select(r => $"{r.Name.PadRight(width)}  {r.Value}"));
    }
}
