using System.Reflection;

namespace Workbench.Display;

/// <summary>The plotly.js bundle that ships inside Plotly.NET, for pages and notebooks that must work offline.</summary>
public static class PlotlyJs
{
    private const string ResourcePrefix = "Plotly.NET.plotly-";

    private static readonly Lazy<(string Version, string Source)> Bundle = new(Load);

    /// <summary>The plotly.js version bundled with Plotly.NET (2.28.0 for Plotly.NET 6.0.0).</summary>
    public static string Version => Bundle.Value.Version;

    /// <summary>
    /// A <c>&lt;script&gt;</c> element holding all of plotly.js (about 3.6 MB). It defines <c>window.Plotly</c> even where
    /// RequireJS is present (classic Jupyter), then draws any chart that was waiting for it.
    /// </summary>
    public static string ScriptElement() =>
        "<script type=\"text/javascript\">/* plotly.js " + Version + " (MIT licence, Copyright 2012-2024 Plotly, Inc.), inlined for offline use */\n" +
        // Hiding define/module/exports makes the UMD wrapper assign window.Plotly instead of registering an AMD module.
        "(function (define, module, exports) {\n" + Bundle.Value.Source + "\n}).call(window, undefined, undefined, undefined);\n" +
        "(window.workbenchPlotlyQueue || []).splice(0).forEach(function (draw) { draw(); });\n</script>";

    private static (string, string) Load()
    {
        Assembly plotly = typeof(Plotly.NET.GenericChart).Assembly;
        string name = plotly.GetManifestResourceNames().Single(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = plotly.GetManifestResourceStream(name)!;
        string source = new StreamReader(stream).ReadToEnd();
        // A literal "</script" inside inlined code would end the element early.
        source = source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        return (name[ResourcePrefix.Length..^".min.js".Length], source);
    }
}
