using System.Globalization;
using ClusterTune.Operator.Web;

namespace ClusterTune.Cli.Report;

/// <summary>One parallel-coordinates axis: where a value sits between 0 (bottom) and 1 (top), and its tick labels.</summary>
internal sealed class AxisScale
{
    private readonly double _lo;
    private readonly double _hi;
    private readonly bool _log;
    private readonly IReadOnlyList<object>? _categories;

    private AxisScale(double lo, double hi, bool log, IReadOnlyList<object>? categories)
    {
        (_lo, _hi, _log, _categories) = (lo, hi, log, categories);
    }

    /// <summary>A numeric axis over <paramref name="values"/> (log10 when <paramref name="log"/>; a constant gets ±0.5).</summary>
    public static AxisScale Numeric(IEnumerable<double> values, bool log)
    {
        var us = values.Where(v => double.IsFinite(v) && (!log || v > 0)).Select(v => log ? Math.Log10(v) : v).ToList();
        var (lo, hi) = us.Count == 0 ? (0.0, 1.0) : (us.Min(), us.Max());
        if (lo == hi)
        {
            (lo, hi) = (lo - 0.5, hi + 0.5);
        }

        return new AxisScale(lo, hi, log, null);
    }

    /// <summary>The axis of a search parameter: its categories in the space's order (then any others seen), or its numeric range.</summary>
    public static AxisScale Of(ParameterAxis axis, IEnumerable<object?> seen)
    {
        var values = seen.OfType<object>().ToList();
        if (axis.Numeric)
        {
            return Numeric(values.Select(ToDouble).OfType<double>(), axis.Log);
        }

        var categories = axis.Categories.Concat(values.Where(v => !axis.Categories.Any(c => Same(c, v)))).ToList();
        return new AxisScale(0, Math.Max(1, categories.Count - 1), false, categories);
    }

    /// <summary>The value's height in [0, 1], or null when it has none on this axis (absent, or not positive on a log axis).</summary>
    public double? Position(object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_categories is { } cs)
        {
            var i = cs.ToList().FindIndex(c => Same(c, value));
            return i < 0 ? null : cs.Count == 1 ? 0.5 : (double)i / (cs.Count - 1);
        }
        if (ToDouble(value) is not { } v || (_log && v <= 0))
        {
            return null;
        }

        return ((_log ? Math.Log10(v) : v) - _lo) / (_hi - _lo);
    }

    private static readonly double[] TickFractions = [0.0, 0.5, 1.0];

    /// <summary>Labels and heights: every category, or the low, middle and high values.</summary>
    public IEnumerable<(string Label, double Y)> Ticks() => _categories is { } cs
        ? cs.Select(c => (Format(c), Position(c) ?? 0))
        : TickFractions.Select(f => _lo + ((_hi - _lo) * f)).Select((u, i) => (Format(_log ? Math.Pow(10, u) : u), i * 0.5));

    private static bool Same(object a, object b) => ToDouble(a) is { } x && ToDouble(b) is { } y ? x == y : Equals(a, b);

    private static double? ToDouble(object? v) => v switch
    {
        double d => d,
        long l => l,
        int i => i,
        _ => null,
    };

    private static string Format(object v) => v switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
