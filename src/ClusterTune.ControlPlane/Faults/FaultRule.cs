namespace ClusterTune.ControlPlane.Faults;

/// <summary>An armed fault: fires on the Nth request matching its predicate and then on following ones, <c>Times</c> in all.</summary>
public sealed class FaultRule
{
    private readonly object _gate = new();
    private int _matched;
    private int _fired;

    internal FaultRule(Func<FaultRequest, bool> match, FaultAction action, int nth, int times)
    {
        if (nth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(nth), nth, "nth counts matching requests from 1; pass 1 to fail the next one");
        }

        if (times < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "times must be at least 1");
        }

        Match = match;
        Action = action;
        Nth = nth;
        Times = times;
    }

    internal Func<FaultRequest, bool> Match { get; }

    /// <summary>The response given when the rule fires.</summary>
    public FaultAction Action { get; }

    /// <summary>The first matching request (1-based) that fails.</summary>
    public int Nth { get; }

    /// <summary>How many requests fail in all, from the Nth on.</summary>
    public int Times { get; }

    /// <summary>Requests that matched the predicate so far.</summary>
    public int Matched
    {
        get
        {
            lock (_gate)
            {
                return _matched;
            }
        }
    }

    /// <summary>Requests this rule failed so far.</summary>
    public int Fired
    {
        get
        {
            lock (_gate)
            {
                return _fired;
            }
        }
    }

    /// <summary>True once the rule has fired <see cref="Times"/> times.</summary>
    public bool Exhausted => Fired >= Times;

    internal bool TryFire(FaultRequest request)
    {
        if (!Match(request))
        {
            return false;
        }

        lock (_gate)
        {
            _matched++;
            if (_matched >= Nth && _fired < Times)
            {
                _fired++;
                return true;
            }

            return false;
        }
    }
}
