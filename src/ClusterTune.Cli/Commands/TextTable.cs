using System.Text;

namespace ClusterTune.Cli.Commands;

/// <summary>A kubectl-style table: columns as wide as their widest cell, two spaces apart, the last one unpadded.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public TextTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"expected {headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    /// <summary>The table, each line prefixed by <paramref name="indent"/>, without a trailing newline.</summary>
    public string Render(string indent = "")
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        foreach (var row in _rows.Prepend(headers))
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            var line = string.Join("  ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i])));
            sb.Append(indent).Append(line.TrimEnd());
        }
        return sb.ToString();
    }
}
