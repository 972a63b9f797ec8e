namespace ClusterTune.Search.Bench;

/// <summary>
/// Drives <see cref="SweepPolicy"/> the way the operator does, with the method's parallel trial slots and one epoch
/// per tick: apply the decision (create, stop, pause, resume), advance every running trial by one epoch and report the
/// value, until the trial-epoch budget is spent or the policy stops the sweep.
/// </summary>
internal static class SweepSimulator
{
    /// <summary>Default parallel trial slots.</summary>
    public const int Workers = 4;

    private sealed class SimTrial
    {
        public required IReadOnlyDictionary<string, object> Params;
        public TrialStatus Status = TrialStatus.Running;
        public readonly List<Observation> Obs = [];
        public double Budget;
        public int Done;
        public double? Final;
    }

    public static RunResult Run(BenchObjective obj, Method m, int seed, int budget)
    {
        var cfg = new SweepConfig(obj.Direction, new AlgorithmConfig(m.Sampler, (ulong)seed) { GridPoints = obj.GridPoints },
            m.EarlyStopping, new SweepStopConfig(), obj.MaxEpochs);
        var policy = new SweepPolicy(obj.Space, cfg);
        var trials = new SortedDictionary<int, SimTrial>();
        var trace = new List<(int, double)>();
        var starts = new List<(int, int)>();
        var used = 0;
        while (true)
        {
            var running = trials.Values.Count(t => t.Status == TrialStatus.Running);
            var history = trials.Select(kv => new TrialRecord(kv.Key, kv.Value.Params, kv.Value.Status)
            {
                Observations = kv.Value.Obs,
                Objective = kv.Value.Final,
                Budget = kv.Value.Budget,
                ResourceUsed = kv.Value.Done,
            }).ToList();
            var d = policy.Decide(history, TimeSpan.Zero, 0, used >= budget ? 0 : m.Workers - running);
            foreach (var s in d.TrialsToStop)
            {
                trials[s.Index].Status = s.Reason == TrialStopReason.NonFiniteObjective ? TrialStatus.Failed : TrialStatus.EarlyStopped;
            }

            foreach (var p in d.TrialsToPause)
            {
                trials[p.Index].Status = TrialStatus.Paused;
            }

            foreach (var r in d.TrialsToResume)
            {
                trials[r.Index].Status = TrialStatus.Running;
                trials[r.Index].Budget = r.Budget;
            }

            foreach (var n in d.NewTrials)
            {
                trials[n.Index] = new SimTrial { Params = n.Params, Budget = n.Budget };
                if (obj.ConfigId(n.Params) is { } id)
                {
                    starts.Add((used, id));
                }
            }

            if (d.Stop is not null || used >= budget)
            {
                break;
            }

            if (!trials.Values.Any(t => t.Status == TrialStatus.Running))
            {
                // Stops and pauses free their slots only on the next decision, as in the operator.
                if (d.TrialsToStop.Count + d.TrialsToPause.Count == 0)
                {
                    break;
                }

                continue;
            }

            foreach (var (index, t) in trials.Where(kv => kv.Value.Status == TrialStatus.Running).ToList())
            {
                if (used >= budget)
                {
                    break;
                }

                used++;
                t.Done++;
                var v = obj.Value(t.Params, t.Done, (ulong)seed);
                t.Obs.Add(new Observation(t.Done, v));
                if (t.Done >= t.Budget)
                {
                    if (t.Done >= obj.MaxEpochs)
                    {
                        t.Status = TrialStatus.Succeeded;
                        t.Final = v;
                        trace.Add((used, v));
                    }
                    else
                    {
                        t.Status = TrialStatus.Paused;
                    }
                }
            }
        }

        return new RunResult(seed, used, trials.Count, trace) { Starts = starts };
    }
}
