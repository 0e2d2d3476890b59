using DynamicObj;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace Workbench.Plots;

/// <summary>
/// Figures made of panels of different sizes (a wide trace above a row of maps, as the paper's figures are laid out).
/// Plotly.NET's grid gives every cell the same size and flattens a grid nested in a grid onto one pair of axes, so this
/// places each panel on its own axes with explicit domains instead.
/// </summary>
public static class Panels
{
    /// <summary>Combines <paramref name="panels"/> into one figure, each on its own x and y axis.</summary>
    /// <exception cref="ArgumentException">No panels, or a panel outside the unit square.</exception>
    public static GenericChart Combine(IReadOnlyList<Panel> panels)
    {
        if (panels.Count == 0) throw new ArgumentException("Give at least one panel.", nameof(panels));
        var annotations = new List<DynamicObj.DynamicObj>();
        for (int i = 0; i < panels.Count; i++)
        {
            var p = panels[i];
            if (p.X0 < 0 || p.X1 > 1 || p.Y0 < 0 || p.Y1 > 1 || p.X0 >= p.X1 || p.Y0 >= p.Y1)
                throw new ArgumentException($"Panel {i} spans x [{p.X0}, {p.X1}], y [{p.Y0}, {p.Y1}]: it must lie inside [0, 1] with positive size.", nameof(panels));
            string suffix = i == 0 ? "" : (i + 1).ToString();
            foreach (var trace in GenericChart.getTraces(p.Chart))
            {
                trace.SetProperty("xaxis", "x" + suffix);
                trace.SetProperty("yaxis", "y" + suffix);
            }
        }
        var figure = CSharpChart.Combine(panels.Select(p => p.Chart));
        var layout = GenericChart.getLayout(figure);
        for (int i = 0; i < panels.Count; i++)
        {
            var p = panels[i];
            string suffix = i == 0 ? "" : (i + 1).ToString();
            var xaxis = Axis(p.X0, p.X1, "y" + suffix, p.XTitle, p.Image, null);
            if (p.XRange is { } range) xaxis.SetProperty("range", new[] { range.From, range.To });
            layout.SetProperty("xaxis" + suffix, xaxis);
            layout.SetProperty("yaxis" + suffix, Axis(p.Y0, p.Y1, "x" + suffix, p.YTitle, p.Image, p.Image ? "x" + suffix : null));
            if (p.Title is { } title)
                annotations.Add(Object(("text", title), ("x", (p.X0 + p.X1) / 2), ("y", p.Y1), ("xref", "paper"), ("yref", "paper"),
                    ("xanchor", "center"), ("yanchor", "bottom"), ("showarrow", false)));
        }
        layout.SetProperty("annotations", annotations.ToArray());
        return figure;
    }

    private static DynamicObj.DynamicObj Axis(double from, double to, string anchor, string? title, bool image, string? scaleAnchor)
    {
        var axis = Object(("domain", new[] { from, to }), ("anchor", anchor));
        if (title is not null) axis.SetProperty("title", Object(("text", title)));
        if (image)
        {
            axis.SetProperty("showticklabels", false);
            axis.SetProperty("showgrid", false);
            axis.SetProperty("zeroline", false);
            axis.SetProperty("ticks", "");
        }
        if (scaleAnchor is not null) axis.SetProperty("scaleanchor", scaleAnchor);
        return axis;
    }

    private static DynamicObj.DynamicObj Object(params (string Name, object Value)[] properties)
    {
        var o = new DynamicObj.DynamicObj();
        foreach (var (name, value) in properties) o.SetProperty(name, value);
        return o;
    }
}
