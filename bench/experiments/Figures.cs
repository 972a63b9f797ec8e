using ScottPlot;

namespace ClusterTune.Experiments;

/// <summary>Saves ScottPlot figures as PNG under the doc's image folder and returns the Markdown that shows them.</summary>
internal sealed class Figures(string directory, string relativeFromDoc)
{
    public const int Width = 900;
    public const int Height = 480;

    /// <summary>Writes <paramref name="plot"/> as NAME.png; returns the image link with <paramref name="caption"/> as alt text.</summary>
    public string Save(Plot plot, string name, string caption)
    {
        Directory.CreateDirectory(directory);
        plot.SavePng(Path.Combine(directory, name + ".png"), Width, Height);
        return $"![{caption}]({relativeFromDoc}/{name}.png)";
    }

    /// <summary>A line with ±sd error bars: one series of a figure whose x axis may be log10 of the values.</summary>
    public static void Series(Plot plot, string label, IReadOnlyList<double> xs, IReadOnlyList<Stats> ys, bool logX, Color color)
    {
        var x = xs.Select(v => logX ? Math.Log10(v) : v).ToArray();
        var scatter = plot.Add.Scatter(x, ys.Select(s => s.Mean).ToArray(), color);
        scatter.LegendText = label;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
        var bars = plot.Add.ErrorBar(x, ys.Select(s => s.Mean).ToArray(), ys.Select(s => s.Sd).ToArray());
        bars.Color = color;
    }

    /// <summary>Bottom-axis ticks at the given values when the axis holds their log10.</summary>
    public static void LogTicks(Plot plot, IReadOnlyList<double> values) =>
        plot.Axes.Bottom.SetTicks([.. values.Select(Math.Log10)], [.. values.Select(Format)]);

    public static string Format(double v) => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
