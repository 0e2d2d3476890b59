using System.Text;

namespace Workbench.Cli.Notebooks;

/// <summary>The outputs of one running cell, filled from the console, <c>display(...)</c> and the runner; safe across threads.</summary>
internal sealed class CellOutputs
{
    private readonly List<CellOutput> _items = [];

    public void Write(string stream, string text)
    {
        if (text.Length == 0) return;
        lock (_items)
        {
            // Consecutive writes to one stream form one output, as Jupyter shows them.
            if (_items.Count > 0 && _items[^1] is StreamOutput last && last.Name == stream)
                _items[^1] = last with { Text = last.Text + text };
            else
                _items.Add(new StreamOutput(stream, text));
        }
    }

    public int Add(CellOutput output)
    {
        lock (_items)
        {
            _items.Add(output);
            return _items.Count - 1;
        }
    }

    public void Replace(int index, CellOutput output)
    {
        lock (_items) _items[index] = output;
    }

    public IReadOnlyList<CellOutput> Snapshot()
    {
        lock (_items) return _items.ToList();
    }
}

/// <summary>Console writer that sends text to whichever cell is running.</summary>
internal sealed class CellConsoleWriter(string stream, Func<CellOutputs?> current, TextWriter fallback) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (value is null) return;
        if (current() is { } outputs) outputs.Write(stream, value);
        else fallback.Write(value);
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value) => Write(value + "\n");

    public override void WriteLine() => Write("\n");
}
