using ClusterTune.Search.Internal;
using ClusterTune.Search.Repeats;
using ClusterTune.Search.Sampling;
using ClusterTune.Search.Scheduling;

namespace ClusterTune.Search;

/// <summary>
/// The pure sweep entry point: given the trial history, elapsed time, consumed GPU-seconds and how many trials may
/// start now, decides which trials to create, stop, pause and resume and whether the sweep is over. It keeps no state
/// between calls: every sampler and scheduler rebuilds what it needs from the history and the seed, so a fresh
/// instance (after an operator restart) makes exactly the same decision.
/// </summary>
public sealed class SweepPolicy
{
    private readonly SearchSpace _space;
    private readonly SweepConfig _config;
    private readonly ISampler _sampler;
    private readonly AshaScheduler? _asha;
    private readonly UntriedSettings _untried;

    /// <summary>Validates the configuration (ArgumentException naming the field) and builds the sampler.</summary>
    public SweepPolicy(SearchSpace space, SweepConfig config)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(config);
        Validate(config);
        _space = space;
        _config = config;
        var alg = _config.Algorithm;
        _sampler = alg.Kind switch
        {
            SamplerKind.Grid => new GridSampler(_space, alg.Seed, alg.GridPoints),
            SamplerKind.Random => new RandomSampler(_space, alg.Seed),
            SamplerKind.Sobol => new SobolSampler(_space, alg.Seed),
            SamplerKind.Tpe => new TpeSampler(_space, alg),
            SamplerKind.CmaEs => new CmaEsSampler(_space, alg),
            _ => throw new ArgumentException($"algorithm.kind '{alg.Kind}' is unknown; use grid, random, sobol, tpe or cmaes", nameof(config)),
        };
        if (_config.EarlyStopping.Kind is EarlyStoppingKind.Asha or EarlyStoppingKind.Hyperband)
        {
            _asha = new AshaScheduler(_config.EarlyStopping, _config.MaxResource);
        }

        _untried = new UntriedSettings(_space, alg.Seed);
    }

    /// <summary>How many feasible settings a finite space has (null when a parameter is continuous or there are too many to list).</summary>
    public int? FeasibleSettings => _untried.Finite?.Count;

    /// <summary>The space this policy samples from.</summary>
    public SearchSpace Space => _space;

    /// <summary>The configuration this policy applies.</summary>
    public SweepConfig Config => _config;

    /// <summary>
    /// Decides what to do now. History entries may come in any order; a repeated index keeps its last entry.
    /// <paramref name="capacity"/> is how many trial pods may start now (resumes use it before new trials).
    /// </summary>
    public SweepDecision Decide(IReadOnlyList<TrialRecord> history, TimeSpan elapsed, double gpuSecondsUsed, int capacity)
    {
        var trials = Views(history);
        var stops = new List<TrialStop>();
        var pauses = new List<TrialPause>();
        var resumes = new List<TrialResume>();
        var created = new List<NewTrial>();

        // NaN/Inf from a running trial fails that trial; the samplers never see the value.
        foreach (var t in trials.Where(t => t.IsActive && t.HasNonFinite))
        {
            stops.Add(new TrialStop(t.Index, TrialStopReason.NonFiniteObjective, "reported a NaN or infinite objective value"));
        }

        var hard = HardStop(trials, stops.Count, elapsed, gpuSecondsUsed);
        if (hard is not null)
        {
            foreach (var t in trials.Where(t => t.IsActive && !stops.Any(s => s.Index == t.Index)))
            {
                stops.Add(new TrialStop(t.Index, TrialStopReason.SweepStopped, hard.Message));
            }

            return new SweepDecision([], stops, [], [], hard);
        }

        var running = trials.Where(t => t.Status == TrialStatus.Running && !t.HasNonFinite).ToList();
        var es = _config.EarlyStopping;
        // What the sampler and the rungs learn from: this sweep's trials and the warm-start trials of earlier ones.
        var informed = WithPrior(trials);
        var trusted = _asha?.TrustedFrom(informed) ?? [];
        if (es.Kind == EarlyStoppingKind.Median)
        {
            stops.AddRange(MedianStoppingRule.Stops(informed, running, es));
        }
        else if (_asha is not null && es.Mode == AshaMode.Stop)
        {
            stops.AddRange(_asha.Stops(informed, running, trusted));
        }
        else if (_asha is not null)
        {
            pauses.AddRange(_asha.Pauses(running));
        }

        var free = Math.Max(0, capacity);
        if (_asha is not null && es.Mode == AshaMode.Promote)
        {
            resumes.AddRange(_asha.Promotions(trials, trusted).Take(free));
            free -= resumes.Count;
        }

        var allowed = _config.Stop.MaxTrials is { } max ? Math.Max(0, max - trials.Count) : int.MaxValue;
        var next = trials.Count == 0 ? 0 : trials.Max(t => t.Index) + 1;
        var exhausted = false;
        var batch = new List<IReadOnlyDictionary<string, object>>();
        // The settings tried so far, keyed only when a trial is to be created: most decisions check a new point for a stop.
        HashSet<string>? tried = null;
        while (created.Count < Math.Min(free, allowed))
        {
            tried ??= new HashSet<string>(trials.Select(t => SearchSpace.Key(t.Record.Params)), StringComparer.Ordinal);
            var index = next + created.Count;
            var replica = ReplicaOf(index, trials, created);
            // A sampler's null is its own exhaustion (the grid's points); a repeated suggestion is replaced by an untried setting.
            var p = replica ?? (_sampler.Suggest(index, informed, batch) is { } s ? _untried.Resolve(index, s, tried) : null);
            if (p is null)
            {
                exhausted = true;
                break;
            }

            tried.Add(SearchSpace.Key(p));
            batch.Add(p);
            var bracket = _asha?.BracketOf(index) ?? 0;
            created.Add(new NewTrial(index, p, _asha?.FirstBudget(bracket, trusted) ?? _config.MaxResource, bracket)
            {
                Seed = TrialSeeds.Of(_config.Algorithm.Seed, index),
                Replica = replica is not null,
            });
        }

        SweepStop? done = null;
        var ending = new HashSet<int>(stops.Select(s => s.Index).Concat(pauses.Select(p => p.Index)));
        var stillActive = trials.Any(t => t.IsActive && !ending.Contains(t.Index));
        if (!stillActive && resumes.Count == 0 && created.Count == 0)
        {
            if (exhausted)
            {
                done = new SweepStop(SweepStopReason.SearchSpaceExhausted, FeasibleSettings is { } n
                    ? $"all {n} settings of the search space that satisfy its constraints were tried; a sampler never repeats one (use algorithm.seedsPerConfig for repeats)"
                    : "every point of the search space that satisfies its constraints was tried");
            }
            else if (allowed == 0)
            {
                done = new SweepStop(SweepStopReason.MaxTrialsReached, $"all {_config.Stop.MaxTrials} trials finished");
            }
        }

        return new SweepDecision(created, stops, pauses, resumes, done);
    }

    /// <summary>The best trial trained to the full resource (ties: lowest index), or null when none finished.</summary>
    public TrialRecord? BestTrial(IReadOnlyList<TrialRecord> history)
    {
        var best = Views(history)
            .Select(t => (t, Loss: t.FullLoss(_config.MaxResource)))
            .Where(x => x.Loss is not null)
            .OrderBy(x => x.Loss).ThenBy(x => x.t.Index)
            .FirstOrDefault();
        return best.t?.Record;
    }

    /// <summary>The best full-resource objective (in the user's direction), or null when none finished.</summary>
    public double? BestObjective(IReadOnlyList<TrialRecord> history)
    {
        var best = BestTrial(history);
        if (best is null)
        {
            return null;
        }

        var loss = new TrialView(best, _config.Direction, _config.MaxResource).FullLoss(_config.MaxResource)!.Value;
        return _config.Direction == ObjectiveDirection.Minimize ? loss : -loss;
    }

    /// <summary>The setting trial <paramref name="index"/> repeats under seedsPerConfig (its group's first trial), or null.</summary>
    private IReadOnlyDictionary<string, object>? ReplicaOf(int index, List<TrialView> trials, List<NewTrial> created)
    {
        var k = _config.SeedsPerConfig;
        if (k <= 1 || index % k == 0)
        {
            return null;
        }

        var first = index - (index % k);
        return created.FirstOrDefault(c => c.Index == first)?.Params ?? trials.FirstOrDefault(t => t.Index == first)?.Record.Params;
    }

    /// <summary>The warm-start trials (numbered -1, -2, … so they never meet an index of this sweep) followed by <paramref name="trials"/>.</summary>
    private List<TrialView> WithPrior(List<TrialView> trials) => _config.Prior.Count == 0 ? trials :
        [.. _config.Prior.Select((r, i) => new TrialView(r with { Index = -1 - i }, _config.Direction, _config.MaxResource)), .. trials];

    private List<TrialView> Views(IReadOnlyList<TrialRecord> history)
    {
        var byIndex = new Dictionary<int, TrialRecord>();
        foreach (var r in history)
        {
            byIndex[r.Index] = r;
        }

        return byIndex.Values.OrderBy(r => r.Index).Select(r => new TrialView(r, _config.Direction, _config.MaxResource)).ToList();
    }

    private SweepStop? HardStop(List<TrialView> trials, int failingNow, TimeSpan elapsed, double gpuSeconds)
    {
        var s = _config.Stop;
        var failed = trials.Count(t => t.IsFailed) + failingNow;
        if (s.MaxFailedTrials is { } mf && failed > mf)
        {
            return new SweepStop(SweepStopReason.MaxFailedTrialsReached, $"{failed} trials failed, more than maxFailedTrials {mf}");
        }

        if (s.MaxDuration is { } md && elapsed >= md)
        {
            return new SweepStop(SweepStopReason.MaxDurationReached, $"ran {elapsed} (maxDuration {md})");
        }

        if (s.MaxGpuHours is { } mg && gpuSeconds / 3600.0 >= mg)
        {
            return new SweepStop(SweepStopReason.MaxGpuHoursReached, $"used {gpuSeconds / 3600.0:G4} GPU-hours (maxGpuHours {mg:G4})");
        }

        var sign = _config.Direction == ObjectiveDirection.Minimize ? 1.0 : -1.0;
        var full = trials.Select(t => t.FullLoss(_config.MaxResource)).Where(l => l is not null).Select(l => l!.Value).ToList();
        if (s.Target is { } target && full.Count > 0 && full.Min() <= sign * target)
        {
            return new SweepStop(SweepStopReason.TargetReached, $"objective {sign * full.Min():G6} reached the target {target:G6}");
        }

        if (s.NotImprovingTrials is { } n && n > 0)
        {
            var finished = trials.Where(t => !t.IsFailed && t.Status is TrialStatus.Succeeded or TrialStatus.EarlyStopped).ToList();
            if (finished.Count > n)
            {
                var before = finished.Take(finished.Count - n).Select(t => t.FullLoss(_config.MaxResource)).Where(l => l is not null).Select(l => l!.Value).ToList();
                var after = finished.Select(t => t.FullLoss(_config.MaxResource)).Where(l => l is not null).Select(l => l!.Value).ToList();
                if (before.Count > 0)
                {
                    var b = before.Min();
                    var rel = (b - after.Min()) / Math.Max(Math.Abs(b), 1e-12);
                    if (rel < s.ImprovementFraction)
                    {
                        return new SweepStop(SweepStopReason.NotImproving, $"best objective improved by {rel * 100:G3} % over the last {n} trials (threshold {s.ImprovementFraction * 100:G3} %)");
                    }
                }
            }
        }

        return null;
    }

    private static void Validate(SweepConfig c)
    {
        static void Check(bool ok, string field, string fix)
        {
            if (!ok)
            {
                throw new ArgumentException($"{field}: {fix}", field);
            }
        }

        Check(double.IsFinite(c.MaxResource) && c.MaxResource > 0, "maxResource", "the per-trial resource (epochs) must be a finite number > 0");
        Check(c.SeedsPerConfig >= 1, "algorithm.seedsPerConfig", "use at least 1 trial per setting");
        var a = c.Algorithm;
        Check(a.GridPoints >= 2, "algorithm.gridPoints", "use at least 2 grid points per range");
        Check(a.StartupTrials >= 1, "algorithm.startupTrials", "use at least 1 random startup trial");
        Check(a.Candidates >= 1, "algorithm.candidates", "use at least 1 candidate per suggestion");
        Check(a.Gamma is > 0 and <= 1, "algorithm.gamma", "gamma is a fraction in (0, 1]");
        Check(a.PopulationSize is 0 or >= 2, "algorithm.populationSize", "use 0 (4 + 3 ln n) or at least 2 trials per CMA-ES generation");
        Check(double.IsFinite(a.Sigma0) && a.Sigma0 is > 0 and <= 1, "algorithm.sigma0", "the initial CMA-ES step size is a fraction of each range in (0, 1], e.g. 0.3");
        var e = c.EarlyStopping;
        if (e.Kind is EarlyStoppingKind.Asha or EarlyStoppingKind.Hyperband)
        {
            Check(double.IsFinite(e.Eta) && e.Eta > 1, "earlyStopping.eta", "the reduction factor must be > 1 (typically 3)");
            Check(double.IsFinite(e.MinResource) && e.MinResource > 0 && e.MinResource <= c.MaxResource, "earlyStopping.minResource", "must be > 0 and ≤ the per-trial resource");
            Check(e.MaxBrackets >= 1, "earlyStopping.maxBrackets", "use at least 1 bracket");
        }

        if (e.Kind == EarlyStoppingKind.Median)
        {
            Check(e.MinTrials >= 1, "earlyStopping.minTrials", "compare against at least 1 other trial");
        }

        var s = c.Stop;
        Check(s.MaxTrials is null or >= 1, "budget.maxTrials", "must be ≥ 1 or unset");
        Check(s.MaxFailedTrials is null or >= 0, "budget.maxFailedTrials", "must be ≥ 0 or unset");
        Check(s.NotImprovingTrials is null or >= 1, "stop.notImprovingTrials", "must be ≥ 1 or unset");
        Check(s.ImprovementFraction is >= 0 and < 1, "stop.improvementFraction", "a fraction such as 0.01 (1 %)");
        Check(s.MaxGpuHours is null or > 0, "budget.maxGpuHours", "must be > 0 or unset");
        Check(s.MaxDuration is null || s.MaxDuration > TimeSpan.Zero, "budget.maxDuration", "must be > 0 or unset");
        Check(s.Target is null || double.IsFinite(s.Target.Value), "objective.target", "must be a finite number or unset");
    }
}
