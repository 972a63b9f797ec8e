using System.Globalization;
using System.Text;

namespace ClusterTune.Search.Tests;

/// <summary>Builders for spaces, trials and configs, a canonical text for decisions, and a small sweep driver.</summary>
internal static class Kit
{
    public const string FreezeDepth = "freezeDepth";
    public const string LrFactor = "lrFactor";
    public const string LoraRank = "loraRank";

    /// <summary>
    /// A space shaped like the three fine-tuning knobs (int, log float, categorical with 0). Test data only: the
    /// knobs' default ranges are defined once, by the API (FineTuneJobDefaults, docs/api.md).
    /// </summary>
    public static SearchSpace FineTuneSpace(Func<IReadOnlyDictionary<string, object>, bool>? constraint = null) => SearchSpace.Create(
    [
        ParameterSpec.Int(FreezeDepth, 0, 4),
        ParameterSpec.Float(LrFactor, 0.001, 1.0, ParameterScale.Log),
        ParameterSpec.Categorical(LoraRank, 0L, 4L, 8L, 16L),
    ], constraint);

    /// <summary>A space with every feature: log float, stepped int, categorical, and a parameter conditional on it.</summary>
    public static SearchSpace MixedSpace() => SearchSpace.Create(
    [
        ParameterSpec.Float("lr", 1e-4, 1, ParameterScale.Log),
        ParameterSpec.Int("layers", 1, 9, step: 2),
        ParameterSpec.Categorical("opt", "sgd", "adam"),
        ParameterSpec.Float("momentum", 0, 0.99).When("opt", "sgd"),
        ParameterSpec.Float("dropout", 0, 0.5, step: 0.1),
    ]);

    public static SweepConfig Config(SamplerKind s = SamplerKind.Random, EarlyStoppingConfig? es = null, SweepStopConfig? stop = null,
        ObjectiveDirection dir = ObjectiveDirection.Minimize, double maxResource = 9, ulong seed = 7) =>
        new(dir, new AlgorithmConfig(s, seed) { StartupTrials = 4 }, es ?? EarlyStoppingConfig.None, stop ?? new SweepStopConfig(), maxResource);

    public static Dictionary<string, object> P(params (string, object)[] kv) => kv.ToDictionary(x => x.Item1, x => x.Item2);

    public static TrialRecord Trial(int index, TrialStatus status, params (double Step, double Value)[] obs) =>
        new(index, P(("x", (double)index)), status) { Observations = obs.Select(o => new Observation(o.Step, o.Value)).ToList() };

    public static string Describe(SweepDecision d)
    {
        var sb = new StringBuilder();
        foreach (var n in d.NewTrials)
        {
            sb.Append(CultureInfo.InvariantCulture, $"new {n.Index} b{n.Bracket} budget {n.Budget:R} {SearchSpace.Key(n.Params)}\n");
        }

        foreach (var s in d.TrialsToStop)
        {
            sb.Append(CultureInfo.InvariantCulture, $"stop {s.Index} {s.Reason}\n");
        }

        foreach (var p in d.TrialsToPause)
        {
            sb.Append(CultureInfo.InvariantCulture, $"pause {p.Index} {p.Rung:R}\n");
        }

        foreach (var r in d.TrialsToResume)
        {
            sb.Append(CultureInfo.InvariantCulture, $"resume {r.Index} {r.Budget:R}\n");
        }

        sb.Append(d.Stop is null ? "continue" : $"sweep {d.Stop.Reason}");
        return sb.ToString();
    }

    /// <summary>
    /// Drives a policy like the operator: apply each decision, advance running trials one epoch with
    /// <paramref name="curve"/>(params, epoch), until the sweep stops. Returns the history and the final decision.
    /// </summary>
    public static (List<TrialRecord> History, SweepDecision Last, int Decisions) Drive(SweepPolicy policy, Func<IReadOnlyDictionary<string, object>, int, double> curve,
        int workers = 3, int maxTicks = 5000, Func<List<TrialRecord>, List<TrialRecord>>? between = null,
        Action<List<TrialRecord>, TimeSpan, double, int, SweepDecision>? observe = null)
    {
        var trials = new SortedDictionary<int, TrialRecord>();
        SweepDecision d;
        var ticks = 0;
        while (true)
        {
            var history = trials.Values.ToList();
            if (between is not null)
            {
                history = between(history);
            }

            var running = trials.Values.Count(t => t.Status == TrialStatus.Running);
            d = policy.Decide(history, TimeSpan.FromMinutes(ticks), ticks * 10.0, workers - running);
            observe?.Invoke(history, TimeSpan.FromMinutes(ticks), ticks * 10.0, workers - running, d);
            foreach (var s in d.TrialsToStop)
            {
                trials[s.Index] = trials[s.Index] with { Status = s.Reason == TrialStopReason.NonFiniteObjective ? TrialStatus.Failed : TrialStatus.EarlyStopped };
            }

            foreach (var p in d.TrialsToPause)
            {
                trials[p.Index] = trials[p.Index] with { Status = TrialStatus.Paused };
            }

            foreach (var r in d.TrialsToResume)
            {
                trials[r.Index] = trials[r.Index] with { Status = TrialStatus.Running, Budget = r.Budget };
            }

            foreach (var n in d.NewTrials)
            {
                trials[n.Index] = new TrialRecord(n.Index, n.Params, TrialStatus.Running) { Budget = n.Budget };
            }

            if (d.Stop is not null || ++ticks > maxTicks)
            {
                break;
            }

            foreach (var t in trials.Values.Where(t => t.Status == TrialStatus.Running).ToList())
            {
                var epoch = (int)t.ResourceUsed + 1;
                var v = curve(t.Params, epoch);
                var obs = t.Observations.Append(new Observation(epoch, v)).ToList();
                var next = t with { Observations = obs, ResourceUsed = epoch };
                if (epoch >= (t.Budget ?? policy.Config.MaxResource))
                {
                    next = epoch >= policy.Config.MaxResource
                        ? next with { Status = double.IsFinite(v) ? TrialStatus.Succeeded : TrialStatus.Failed, Objective = v }
                        : next with { Status = TrialStatus.Paused };
                }

                trials[t.Index] = next;
            }
        }

        return (trials.Values.ToList(), d, ticks);
    }

    public static double D(IReadOnlyDictionary<string, object> p, string name) => Convert.ToDouble(p[name], CultureInfo.InvariantCulture);
}
