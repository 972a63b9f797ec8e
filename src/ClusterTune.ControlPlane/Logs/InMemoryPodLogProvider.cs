using System.Collections.Concurrent;
using System.Text;

namespace ClusterTune.ControlPlane.Logs;

/// <summary>A log provider fed by callers (tests, simulated kubelets): append text per pod container.</summary>
public sealed class InMemoryPodLogProvider : IPodLogProvider
{
    private readonly ConcurrentDictionary<(string Ns, string Pod, string Container), StringBuilder> _logs = new();

    /// <summary>Appends text to a container's log.</summary>
    public void Append(string ns, string pod, string container, string text)
    {
        var sb = _logs.GetOrAdd((ns, pod, container), _ => new StringBuilder());
        lock (sb)
        {
            sb.Append(text);
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteLogAsync(PodLogRequest request, Stream destination, CancellationToken cancellationToken)
    {
        var match = _logs.Where(kv => kv.Key.Ns == request.Namespace && kv.Key.Pod == request.Pod &&
                                      (request.Container is null || kv.Key.Container == request.Container)).ToList();
        if (match.Count != 1)
        {
            return false;
        }

        string text;
        lock (match[0].Value)
        {
            text = match[0].Value.ToString();
        }

        if (request.TailLines is { } tail)
        {
            var lines = text.Split('\n');
            var hasTrailing = text.EndsWith('\n');
            var count = hasTrailing ? lines.Length - 1 : lines.Length;
            var take = (int)Math.Min(tail, count);
            text = string.Join('\n', lines.Skip(count - take).Take(take)) + (hasTrailing && take > 0 ? "\n" : "");
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (request.LimitBytes is { } limit && bytes.Length > limit)
        {
            bytes = bytes[..(int)limit];
        }

        await destination.WriteAsync(bytes, cancellationToken);
        return true;
    }
}
