using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Telemetry.Observations;

/// <summary>
/// Thread-safe per-trial stream semantics over accepted OTLP records: duplicate and out-of-order points, counter
/// resets (non-finite number points are ignored: never a trial verdict), and rung observations (objective per epoch, from
/// clustertune.eval.metric{metric=objective} paired with clustertune.train.epoch by point time). The operator feeds
/// it from its sink and batch-writes Trial status from <see cref="DrainChanged"/>.
/// </summary>
public sealed class ObservationAccumulator
{
    private readonly Func<TrialKey, string?> _objectiveFor;
    private readonly TimeProvider _time;
    private readonly ObservationOptions _options;
    private readonly object _lock = new();
    private readonly Dictionary<TrialKey, TrialStream> _streams = [];
    // Trials changed since their last drain, with the time of the first change (how long their status write is owed).
    private readonly Dictionary<TrialKey, DateTimeOffset> _changed = [];

    /// <summary>Creates an accumulator.</summary>
    /// <param name="objectiveMetricFor">The objective's eval metric name for a trial (e.g. "accuracy"), null when unknown yet.</param>
    /// <param name="timeProvider">Clock for LastReceived and the silence check.</param>
    /// <param name="options">Memory bounds (null: defaults).</param>
    public ObservationAccumulator(Func<TrialKey, string?> objectiveMetricFor, TimeProvider timeProvider, ObservationOptions? options = null)
    {
        _objectiveFor = objectiveMetricFor ?? throw new ArgumentNullException(nameof(objectiveMetricFor));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options ?? new ObservationOptions();
        if (_options.MaxObjectivePointsPerTrial < 2 || _options.DedupeWindowPerSeries < 1 || _options.MaxSeriesPerTrial < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ObservationOptions: MaxObjectivePointsPerTrial ≥ 2, DedupeWindowPerSeries ≥ 1, MaxSeriesPerTrial ≥ 1");
        }
    }

    /// <summary>Takes records (any trials, any order); returns how many changed state (duplicates excluded).</summary>
    public int Add(IReadOnlyList<TrialMetricRecord> records) => AddTracked(records).Taken;

    /// <summary>
    /// Takes records like <see cref="Add"/>; also says whether a new point of a trial's objective arrived (new
    /// evidence for stop, pause and best-trial decisions, as opposed to losses, steps and heartbeats).
    /// </summary>
    public (int Taken, bool Objective) AddTracked(IReadOnlyList<TrialMetricRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = _time.GetUtcNow();
        int taken = 0;
        var objective = false;
        lock (_lock)
        {
            foreach (var r in records)
            {
                if (!_streams.TryGetValue(r.Trial, out var stream))
                {
                    stream = new TrialStream(r.Trial, _objectiveFor(r.Trial), _options);
                    _streams[r.Trial] = stream;
                }
                stream.Objective ??= _objectiveFor(r.Trial);
                if (stream.Add(r, now))
                {
                    taken++;
                    _changed.TryAdd(r.Trial, now);
                    objective |= stream.IsObjective(r);
                }
            }
        }
        return (taken, objective);
    }

    /// <summary>When the last accepted point of one trial arrived, or null when it never sent a point (or was removed).</summary>
    public DateTimeOffset? LastReceived(TrialKey trial)
    {
        lock (_lock)
        {
            return _streams.TryGetValue(trial, out var s) ? s.LastReceived : null;
        }
    }

    /// <summary>The current state of one trial, or null when it never sent a point (or was removed).</summary>
    public TrialObservationSnapshot? GetSnapshot(TrialKey trial)
    {
        lock (_lock)
        {
            return _streams.TryGetValue(trial, out var s) ? s.Snapshot() : null;
        }
    }

    /// <summary>
    /// Snapshots of the trials that changed since their last drain and whose first unwritten change is at least
    /// <paramref name="minAge"/> old, or for which <paramref name="dueNow"/> says so (for one batched status write each);
    /// the others stay owed (see <see cref="NextDue"/>).
    /// </summary>
    public IReadOnlyList<TrialObservationSnapshot> DrainChanged(TimeSpan minAge = default, Func<TrialKey, bool>? dueNow = null)
    {
        var cutoff = _time.GetUtcNow() - minAge;
        lock (_lock)
        {
            var due = _changed.Where(c => c.Value <= cutoff || dueNow?.Invoke(c.Key) == true).Select(c => c.Key).ToArray();
            foreach (var key in due)
            {
                _changed.Remove(key);
            }
            return due.Where(_streams.ContainsKey).Select(k => _streams[k].Snapshot()).ToArray();
        }
    }

    /// <summary>How long until the oldest owed change is <paramref name="minAge"/> old (zero when it is), or null when none is owed.</summary>
    public TimeSpan? NextDue(TimeSpan minAge)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _changed.Count == 0 ? null : TimeSpan.FromTicks(Math.Max(0, (_changed.Values.Min() + minAge - now).Ticks));
        }
    }

    /// <summary>
    /// A status write carried the trial's stream as it was when its last point before <paramref name="asOf"/> arrived:
    /// the trial is owed no write, unless a point arrived since.
    /// </summary>
    public void MarkWritten(TrialKey trial, DateTimeOffset asOf)
    {
        lock (_lock)
        {
            if (_streams.TryGetValue(trial, out var s) && s.LastReceived <= asOf)
            {
                _changed.Remove(trial);
            }
        }
    }

    /// <summary>Owes a trial's status write again (its drained write failed), as of now.</summary>
    public void MarkChanged(TrialKey trial)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_streams.ContainsKey(trial))
            {
                _changed.TryAdd(trial, now);
            }
        }
    }

    /// <summary>Trials whose last point arrived more than <paramref name="maxSilence"/> ago (stuck-trial watchdog input).</summary>
    public IReadOnlyList<TrialKey> FindSilent(TimeSpan maxSilence)
    {
        var cutoff = _time.GetUtcNow() - maxSilence;
        lock (_lock)
        {
            return _streams.Values.Where(s => s.LastReceived < cutoff).Select(s => s.Trial).ToArray();
        }
    }

    /// <summary>Forgets a trial (finished or deleted).</summary>
    public bool Remove(TrialKey trial)
    {
        lock (_lock)
        {
            _changed.Remove(trial);
            return _streams.Remove(trial);
        }
    }

    /// <summary>Trials changed since the last <see cref="DrainChanged"/> (status writes owed): a back-pressure signal.</summary>
    public int PendingChanges
    {
        get
        {
            lock (_lock)
            {
                return _changed.Count;
            }
        }
    }

    /// <summary>Trials with state.</summary>
    public IReadOnlyList<TrialKey> Trials
    {
        get
        {
            lock (_lock)
            {
                return _streams.Keys.ToArray();
            }
        }
    }
}
