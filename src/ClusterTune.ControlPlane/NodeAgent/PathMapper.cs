namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>
/// Rewrites container paths to host paths by the longest matching prefix (on a path boundary), in a whole value,
/// inside a <c>file://</c> URI, or after the first '=' of a <c>--flag=/path</c> style value.
/// </summary>
internal sealed class PathMapper
{
    private const string FileScheme = "file://";
    private readonly List<PathMapping> _mappings = [];

    public IReadOnlyList<PathMapping> Mappings => _mappings;

    /// <summary>Adds a mapping; on equal prefix lengths the one added first wins.</summary>
    public void Add(string containerPrefix, string hostPrefix)
    {
        var prefix = Normalize(containerPrefix);
        if (prefix.Length > 0 && prefix[0] == '/')
        {
            _mappings.Add(new PathMapping(prefix, Normalize(hostPrefix)));
        }
    }

    public string Map(string value)
    {
        if (TryMapPath(value, out var mapped))
        {
            return mapped;
        }

        if (value.StartsWith(FileScheme, StringComparison.Ordinal) && TryMapPath(value[FileScheme.Length..], out mapped))
        {
            return FileScheme + mapped;
        }

        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && eq < value.Length - 1 && value[(eq + 1)..] is var tail && Map(tail) is var mappedTail && !ReferenceEquals(mappedTail, tail))
        {
            return value[..(eq + 1)] + mappedTail;
        }

        return value;
    }

    private bool TryMapPath(string path, out string mapped)
    {
        PathMapping? best = null;
        foreach (var m in _mappings)
        {
            var p = m.ContainerPrefix;
            var matches = p == "/"
                ? path.StartsWith('/')
                : path.StartsWith(p, StringComparison.Ordinal) && (path.Length == p.Length || path[p.Length] == '/');
            if (matches && (best is null || p.Length > best.ContainerPrefix.Length))
            {
                best = m;
            }
        }

        if (best is null)
        {
            mapped = path;
            return false;
        }

        var rest = best.ContainerPrefix == "/" ? path[1..] : path[best.ContainerPrefix.Length..].TrimStart('/');
        mapped = rest.Length == 0 ? best.HostPrefix : best.HostPrefix.TrimEnd('/') + "/" + rest;
        return true;
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
