using System.Text;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Kubernetes' $(VAR) expansion in env values, command and args: unknown references stay as written, $$ escapes.</summary>
internal static class EnvExpansion
{
    public static string Expand(string input, IReadOnlyDictionary<string, string> vars)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                sb.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
            }
            else if (next == '(' && input.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = input[(i + 2)..close];
                sb.Append(vars.TryGetValue(name, out var v) ? v : input[i..(close + 1)]);
                i = close;
            }
            else
            {
                sb.Append('$');
            }
        }

        return sb.ToString();
    }
}
