namespace ClusterTune.Kubernetes.Queue;

/// <summary>
/// A de-duplicating, rate-limited work queue with client-go semantics: a key added many times before it is taken
/// is processed once; a key is never handed to two workers at once (adds while it is processing are replayed
/// after <see cref="Done"/>); requeues wait per <see cref="IRateLimiter{TKey}"/>; <see cref="AddAfter"/> delays.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = new();
    private readonly HashSet<TKey> _processing = new();
    private readonly Dictionary<TKey, (DateTimeOffset ReadyAt, ITimer Timer)> _waiting = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TimeProvider _time;
    private bool _shuttingDown;

    public WorkQueue(IRateLimiter<TKey>? rateLimiter = null, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        RateLimiter = rateLimiter ?? RateLimiters.DefaultController<TKey>(_time);
    }

    public IRateLimiter<TKey> RateLimiter { get; }

    /// <summary>Keys ready to be taken (the depth metric); excludes processing and waiting keys.</summary>
    public int Len
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for an AddAfter/AddRateLimited delay.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public bool ShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Marks a key dirty; queued unless already queued, and deferred while it is processing.</summary>
    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }

            if (_processing.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }
        _signal.Release();
    }

    /// <summary>Adds the key after a delay (measured on the injected TimeProvider); the earliest pending time wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var readyAt = _time.GetUtcNow() + delay;
            if (_waiting.TryGetValue(key, out var existing))
            {
                if (existing.ReadyAt <= readyAt)
                {
                    return;
                }

                existing.Timer.Dispose();
            }
            var timer = _time.CreateTimer(static s =>
            {
                var (q, k) = ((WorkQueue<TKey>, TKey))s!;
                q.FireWaiting(k);
            }, (this, key), delay, Timeout.InfiniteTimeSpan);
            _waiting[key] = (readyAt, timer);
        }
    }

    /// <summary>Requeues after the rate limiter's delay (use after a failed reconcile).</summary>
    public void AddRateLimited(TKey key) => AddAfter(key, RateLimiter.When(key));

    /// <summary>Resets the key's backoff (use after a successful reconcile).</summary>
    public void Forget(TKey key) => RateLimiter.Forget(key);

    public int NumRequeues(TKey key) => RateLimiter.NumRequeues(key);

    /// <summary>
    /// Waits for the next key and marks it processing; call <see cref="Done"/> when finished. Returns
    /// (default, true) once the queue is shut down and empty.
    /// </summary>
    public async ValueTask<(TKey Key, bool Shutdown)> GetAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _processing.Add(key);
                    _dirty.Remove(key);
                    return (key, false);
                }
                if (_shuttingDown)
                {
                    // Pass the wake-up on so every other waiter also sees the shutdown.
                    _signal.Release();
                    return (default!, true);
                }
            }
        }
    }

    /// <summary>Ends processing of a key; if it was added meanwhile, it is queued again now.</summary>
    public void Done(TKey key)
    {
        var requeue = false;
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shuttingDown)
            {
                _queue.Enqueue(key);
                requeue = true;
            }
        }
        if (requeue)
        {
            _signal.Release();
        }
    }

    /// <summary>Stops accepting keys, cancels pending delays; workers drain what is queued, then GetAsync reports shutdown.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            foreach (var (_, w) in _waiting)
            {
                w.Timer.Dispose();
            }

            _waiting.Clear();
        }
        _signal.Release();
    }

    public void Dispose()
    {
        ShutDown();
    }

    private void FireWaiting(TKey key)
    {
        lock (_gate)
        {
            if (!_waiting.Remove(key, out var w))
            {
                return;
            }

            w.Timer.Dispose();
        }
        Add(key);
    }
}
