using System.Collections.Concurrent;
using ClusterTune.ControlPlane.Logs;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>
/// Serves pods/log from the sandbox log files of the node agent's containers: tailLines, limitBytes and follow
/// (polling the file until the container exits). timestamps is accepted but not rendered; there is no previous log.
/// </summary>
internal sealed class ProcessLogProvider(TimeProvider time) : IPodLogProvider
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<(string Ns, string Pod), LogSource> _sources = new();

    /// <summary>One container's log: where it is, and a task that completes when it can no longer grow.</summary>
    public sealed record LogSource(string Uid, string Container, string Path, Task Finished);

    public void Register(string ns, string pod, LogSource source) => _sources[(ns, pod)] = source;

    public void Unregister(string ns, string pod, string uid)
    {
        if (_sources.TryGetValue((ns, pod), out var s) && s.Uid == uid)
        {
            _sources.TryRemove(new KeyValuePair<(string, string), LogSource>((ns, pod), s));
        }
    }

    /// <inheritdoc />
    public async Task<bool> TryWriteLogAsync(PodLogRequest request, Stream destination, CancellationToken cancellationToken)
    {
        if (request.Previous || !_sources.TryGetValue((request.Namespace, request.Pod), out var source) ||
            (request.PodUid is { Length: > 0 } uid && uid != source.Uid) ||
            (request.Container is { Length: > 0 } c && c != source.Container))
        {
            return false;
        }

        FileStream file;
        try
        {
            file = new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        await using (file.ConfigureAwait(false))
        {
            file.Position = request.TailLines is { } tail ? LogFile.TailOffset(file, tail) : 0;
            var remaining = request.LimitBytes ?? long.MaxValue;
            var buffer = new byte[64 * 1024];
            try
            {
                while (remaining > 0)
                {
                    // Check before reading, so the read after the process ended still drains the last bytes.
                    var finished = source.Finished.IsCompleted;
                    var n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                    if (n > 0)
                    {
                        await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                        remaining -= n;
                        continue;
                    }

                    if (!request.Follow || finished)
                    {
                        break;
                    }

                    await Task.WhenAny(source.Finished, Task.Delay(FollowPoll, time, cancellationToken)).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away while following: a normal end of the stream.
            }
        }

        return true;
    }
}
