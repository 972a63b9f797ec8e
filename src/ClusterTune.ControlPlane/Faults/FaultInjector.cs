namespace ClusterTune.ControlPlane.Faults;

/// <summary>
/// Injects API faults on demand: failed requests (500, 503/429 with Retry-After, 504, connection reset), dropped
/// watches, a forced 410 on the next watch, stale reads served from an older snapshot, and delayed watch events.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = new();
    private readonly List<Func<FaultRequest, bool>> _expireNextWatch = new();
    private long? _staleReadsAt;
    private TimeSpan _watchDelay;
    private bool _duplicateWatchEvents;
    private bool _reorderWatchEvents;
    private TimeSpan _reorderWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>Raised when <see cref="DropWatches"/> is called; the server aborts matching watch connections.</summary>
    internal event Action<Func<FaultRequest, bool>>? WatchesDropped;

    /// <summary>Fails the <paramref name="nth"/> request matching <paramref name="match"/> (and the next ones, <paramref name="times"/> in all).</summary>
    public FaultRule FailRequest(Func<FaultRequest, bool> match, FaultAction action, int nth = 1, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentNullException.ThrowIfNull(action);
        var rule = new FaultRule(match, action, nth, times);
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>Aborts the open watch connections matching the predicate (all when null), as a network drop does.</summary>
    public void DropWatches(Func<FaultRequest, bool>? match = null) => WatchesDropped?.Invoke(match ?? (_ => true));

    /// <summary>The next watch matching the predicate (any when null) gets an ERROR event with a 410 Expired Status.</summary>
    public void ExpireNextWatch(Func<FaultRequest, bool>? match = null)
    {
        lock (_gate)
        {
            _expireNextWatch.Add(match ?? (_ => true));
        }
    }

    /// <summary>Serves gets and lists from the snapshot at <paramref name="resourceVersion"/> until <see cref="ServeFreshReads"/>.</summary>
    public void ServeStaleReads(string resourceVersion)
    {
        if (!long.TryParse(resourceVersion, out var rv) || rv < 0)
        {
            throw new ArgumentException($"resourceVersion must be a decimal resourceVersion such as \"42\", got \"{resourceVersion}\"", nameof(resourceVersion));
        }

        lock (_gate)
        {
            _staleReadsAt = rv;
        }
    }

    /// <summary>Stops serving stale reads.</summary>
    public void ServeFreshReads()
    {
        lock (_gate)
        {
            _staleReadsAt = null;
        }
    }

    /// <summary>Delays every watch event by <paramref name="delay"/> before it is written (zero turns it off).</summary>
    public void DelayWatchEvents(TimeSpan delay)
    {
        lock (_gate)
        {
            _watchDelay = delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
        }
    }

    /// <summary>Writes every watch event twice (a duplicate delivery clients must tolerate) while on.</summary>
    public void DuplicateWatchEvents(bool on)
    {
        lock (_gate)
        {
            _duplicateWatchEvents = on;
        }
    }

    /// <summary>
    /// While on, a watch event followed within <paramref name="window"/> (default 100 ms) by one about a different
    /// object is delivered after it (events of one object are never reordered).
    /// </summary>
    public void ReorderWatchEvents(bool on, TimeSpan? window = null)
    {
        lock (_gate)
        {
            _reorderWatchEvents = on;
            _reorderWindow = window ?? TimeSpan.FromMilliseconds(100);
        }
    }

    /// <summary>Disarms every fault.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _rules.Clear();
            _expireNextWatch.Clear();
            _staleReadsAt = null;
            _watchDelay = TimeSpan.Zero;
            _duplicateWatchEvents = false;
            _reorderWatchEvents = false;
        }
    }

    internal FaultAction? Intercept(FaultRequest request)
    {
        List<FaultRule> rules;
        lock (_gate)
        {
            rules = _rules.ToList();
        }

        foreach (var rule in rules)
        {
            if (rule.TryFire(request))
            {
                return rule.Action;
            }
        }

        return null;
    }

    internal bool TakeExpireNextWatch(FaultRequest request)
    {
        lock (_gate)
        {
            var index = _expireNextWatch.FindIndex(m => m(request));
            if (index < 0)
            {
                return false;
            }

            _expireNextWatch.RemoveAt(index);
            return true;
        }
    }

    internal long? StaleReadsAt
    {
        get
        {
            lock (_gate)
            {
                return _staleReadsAt;
            }
        }
    }

    internal bool DuplicatesWatchEvents
    {
        get
        {
            lock (_gate)
            {
                return _duplicateWatchEvents;
            }
        }
    }

    internal TimeSpan ReorderWindow
    {
        get
        {
            lock (_gate)
            {
                return _reorderWindow;
            }
        }
    }

    internal bool ReordersWatchEvents
    {
        get
        {
            lock (_gate)
            {
                return _reorderWatchEvents;
            }
        }
    }

    internal TimeSpan WatchDelay
    {
        get
        {
            lock (_gate)
            {
                return _watchDelay;
            }
        }
    }
}
