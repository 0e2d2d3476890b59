using System.Net;
using System.Text;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using TorchSharp;
using Workbench.Data.Inspection;
using Workbench.Runtime;

namespace Workbench.Display;

/// <summary>
/// How workbench values render in notebooks. The same formatters serve the workbench's own notebook runner and the
/// .NET Interactive kernel (VS Code), so a chart or a tensor looks the same in both.
/// </summary>
public static class NotebookDisplay
{
    /// <summary>Tensors with more elements than this render as a summary (shape, dtype, device, range) instead of every value.</summary>
    public const int TensorValueLimit = 1000;

    private static int _registered;
    private static int _plotlyEmitted;

    /// <summary>
    /// Registers the workbench's formatters with <c>Microsoft.DotNet.Interactive.Formatting</c>. Call it once in a
    /// kernel session (it is idempotent). In the .NET Interactive kernel it also displays plotly.js once, in the calling
    /// cell, and makes live views update the outputs they were shown in (<see cref="DisplayUpdates"/>); elsewhere the
    /// first chart formatted carries plotly.js. Either way charts work offline.
    /// </summary>
    public static void RegisterFormatters()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        if (DisplayUpdates.Track())
        {
            // In the .NET Interactive kernel, plotly.js goes out at once as an output of its own (this cell's): a live
            // view's learning curves can be the first chart, and an update replaces its output, script and all.
            Interlocked.Exchange(ref _plotlyEmitted, 1);
            PlotlyJs.ScriptElement().DisplayAs(HtmlFormatter.MimeType);
        }
        Formatter.Register<GenericChart>((chart, writer) =>
        {
            WritePlotlyJsOnce(writer);
            writer.Write(ChartHtml.Fragment(chart));
        }, HtmlFormatter.MimeType);
        Formatter.Register<GenericChart>((chart, writer) => writer.Write(ChartHtml.Summary(chart)), PlainTextFormatter.MimeType);
        Formatter.Register<torch.Tensor>((t, writer) => writer.Write($"<pre>{Encode(TensorText(t))}</pre>"), HtmlFormatter.MimeType);
        Formatter.Register<torch.Tensor>((t, writer) => writer.Write(TensorText(t)), PlainTextFormatter.MimeType);
        Formatter.Register<TrainingProgressView>((v, writer) => writer.Write(v.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<TrainingProgressView>((v, writer) => writer.Write(v.ToString()), PlainTextFormatter.MimeType);
        Formatter.Register<TableView>((v, writer) => writer.Write(v.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<TableView>((v, writer) => writer.Write(v.ToString()), PlainTextFormatter.MimeType);
        Formatter.Register<ProgressView>((v, writer) => writer.Write(v.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<ProgressView>((v, writer) => writer.Write(v.ToString()), PlainTextFormatter.MimeType);
        Formatter.Register<Data.Inspection.FileInspection>((f, writer) => writer.Write($"<pre>{Encode(f.Describe())}</pre>"), HtmlFormatter.MimeType);
        Formatter.Register<Data.Inspection.FileInspection>((f, writer) => writer.Write(f.Describe()), PlainTextFormatter.MimeType);
        Formatter.Register<RuntimeReport>((r, writer) => writer.Write(Table(r.Rows())), HtmlFormatter.MimeType);
        Formatter.Register<RuntimeReport>((r, writer) => writer.Write(r.ToString()), PlainTextFormatter.MimeType);
    }

    // The first chart a kernel session formats carries plotly.js; later ones draw with it.
    private static void WritePlotlyJsOnce(TextWriter writer)
    {
        if (Interlocked.Exchange(ref _plotlyEmitted, 1) == 0) writer.Write(PlotlyJs.ScriptElement());
    }

    /// <summary>
    /// The MIME bundle for a value: <c>text/plain</c> always, plus <c>text/html</c> where the value has a richer form.
    /// Charts become interactive HTML without plotly.js itself (the page or notebook writer adds it once).
    /// </summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">Restrict the bundle to these MIME types (as <c>display(x, "text/plain")</c> asks).</param>
    public static IReadOnlyDictionary<string, string> ToMimeBundle(object? value, IReadOnlyCollection<string>? mimeTypes = null)
    {
        RegisterFormatters();
        var bundle = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (value)
        {
            case null:
                bundle[PlainTextFormatter.MimeType] = "<null>";
                break;
            case GenericChart chart:
                bundle[HtmlFormatter.MimeType] = ChartHtml.Fragment(chart);
                bundle[PlainTextFormatter.MimeType] = ChartHtml.Summary(chart);
                break;
            case string s:
                bundle[PlainTextFormatter.MimeType] = s;
                break;
            case TrainingProgressView view:
                bundle[HtmlFormatter.MimeType] = view.ToHtml();
                bundle[PlainTextFormatter.MimeType] = view.ToString();
                break;
            case var v when v.GetType().IsPrimitive || v is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum:
                bundle[PlainTextFormatter.MimeType] = v.ToDisplayString(PlainTextFormatter.MimeType);
                break;
            default:
                bundle[HtmlFormatter.MimeType] = value.ToDisplayString(HtmlFormatter.MimeType);
                bundle[PlainTextFormatter.MimeType] = value.ToDisplayString(PlainTextFormatter.MimeType);
                break;
        }
        if (mimeTypes is { Count: > 0 })
        {
            foreach (string mime in mimeTypes.Where(m => !bundle.ContainsKey(m)))
                bundle[mime] = value.ToDisplayString(mime);
            foreach (string key in bundle.Keys.Where(k => !mimeTypes.Contains(k)).ToList())
                bundle.Remove(key);
        }
        return bundle;
    }

    /// <summary>Plain-text form of a tensor: every value when small, a summary with its range when large.</summary>
    public static string TensorText(torch.Tensor t)
    {
        string header = $"tensor [{string.Join("x", t.shape)}] {t.dtype} on {t.device}";
        if (t.IsInvalid) return header + " (disposed)";
        if (t.numel() <= TensorValueLimit)
            return header + Environment.NewLine + t.cpu().ToString(TensorStringStyle.Numpy);
        using var scope = torch.NewDisposeScope();
        using var f = t.detach().to(torch.ScalarType.Float64);
        return $"{header}: min {f.min().item<double>():g5}, max {f.max().item<double>():g5}, mean {f.mean().item<double>():g5}";
    }

    /// <summary>An HTML two-column table of name/value rows.</summary>
    public static string Table(IEnumerable<(string Name, string Value)> rows)
    {
        var html = new StringBuilder("<table class=\"workbench-table\">");
        foreach (var (name, value) in rows)
            html.Append($"<tr><th style=\"text-align:left\">{Encode(name)}</th><td style=\"text-align:left\">{Encode(value)}</td></tr>");
        return html.Append("</table>").ToString();
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
