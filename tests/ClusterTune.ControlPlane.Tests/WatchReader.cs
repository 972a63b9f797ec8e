using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Reads a watch stream line by line in the background, recording events and when the stream ended.</summary>
internal sealed class WatchReader : IAsyncDisposable
{
    private readonly List<JsonObject> _events = new();
    private readonly Task _pump;
    private readonly CancellationTokenSource _cts = new();
    private readonly SemaphoreSlim _signal = new(0);

    private WatchReader(HttpResponseMessage response)
    {
        Response = response;
        _pump = Task.Run(PumpAsync);
    }

    public HttpResponseMessage Response { get; }

    public bool Ended { get; private set; }

    public bool Faulted { get; private set; }

    public static async Task<WatchReader> OpenAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path.TrimStart('/'), HttpCompletionOption.ResponseHeadersRead);
        return new WatchReader(response);
    }

    public IReadOnlyList<JsonObject> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            using var stream = await Response.Content.ReadAsStreamAsync(_cts.Token);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(_cts.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                lock (_events)
                {
                    _events.Add(JsonNode.Parse(line)!.AsObject());
                }

                _signal.Release();
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            Faulted = true;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Ended = true;
        _signal.Release();
    }

    /// <summary>Waits until at least <paramref name="count"/> events arrived (or the stream ended), up to the timeout.</summary>
    public async Task<IReadOnlyList<JsonObject>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Events.Count < count && !Ended && !Faulted && DateTime.UtcNow < deadline)
        {
            await _signal.WaitAsync(TimeSpan.FromMilliseconds(100));
        }

        return Events;
    }

    public async Task WaitForEndAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Ended && !Faulted && DateTime.UtcNow < deadline)
        {
            await _signal.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        Response.Dispose();
        _cts.Dispose();
    }
}
