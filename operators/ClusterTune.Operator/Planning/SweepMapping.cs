using ClusterTune.Api.V1Alpha1;
using k8s.Models;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Maps the API's FineTuneJob/Trial types onto ClusterTune.Search's records (the search library knows nothing of
/// Kubernetes). Pure: the same job and trials always give the same space, config and history.
/// </summary>
public static class SweepMapping
{
    /// <summary>The search space of a defaulted spec (knobs first, then the other parameters by name).</summary>
    /// <remarks>The space carries the pre-start constraints (<see cref="TrainableFractionConstraint"/>): samplers never propose a violating setting.</remarks>
    public static S.SearchSpace ToSearchSpace(EffectiveSpec spec) =>
        S.SearchSpace.Create(LoraLrSplit.Apply(spec.SearchSpace.AllParameters().Select(p => ToSearch(p.Key, p.Value)), spec), TrainableFractionConstraint.Predicate(spec));

    /// <summary>The sweep configuration of a defaulted spec; epochs are the unit of resource.</summary>
    public static S.SweepConfig ToSweepConfig(EffectiveSpec spec)
    {
        var budget = spec.Budget;
        var es = spec.EarlyStopping;
        var early = es.Type switch
        {
            EarlyStoppingType.Median => new S.EarlyStoppingConfig(S.EarlyStoppingKind.Median)
            {
                MinTrials = es.MinTrials ?? FineTuneJobDefaults.MedianMinTrials,
                WarmupSteps = es.GracePeriod ?? FineTuneJobDefaults.MedianGracePeriod,
            },
            EarlyStoppingType.Asha or EarlyStoppingType.Hyperband => new S.EarlyStoppingConfig(
                es.Type == EarlyStoppingType.Asha ? S.EarlyStoppingKind.Asha : S.EarlyStoppingKind.Hyperband)
            {
                MinResource = es.MinResource ?? FineTuneJobDefaults.MinResource,
                Eta = es.ReductionFactor ?? FineTuneJobDefaults.ReductionFactor,
                Mode = es.Mode == EarlyStoppingMode.Promote ? S.AshaMode.Promote : S.AshaMode.Stop,
                MaxBrackets = es.Brackets ?? 1,
            },
            _ => S.EarlyStoppingConfig.None,
        };
        var algorithm = new S.AlgorithmConfig(spec.AlgorithmName switch
        {
            AlgorithmName.Grid => S.SamplerKind.Grid,
            AlgorithmName.Sobol => S.SamplerKind.Sobol,
            AlgorithmName.Tpe => S.SamplerKind.Tpe,
            AlgorithmName.Pbt => S.SamplerKind.Random, // the initial population
            AlgorithmName.CmaEs => S.SamplerKind.CmaEs,
            _ => S.SamplerKind.Random,
        }, unchecked((ulong)(spec.Algorithm.Seed ?? 0)));
        var stop = new S.SweepStopConfig
        {
            Target = spec.Objective.Target,
            NotImprovingTrials = budget.NotImprovingTrials,
            MaxTrials = budget.MaxTrials,
            MaxFailedTrials = budget.MaxFailedTrials,
            MaxDuration = budget.MaxDuration is { } d ? ClusterTune.Api.GoDuration.Parse(d) : null,
            MaxGpuHours = budget.MaxGpuHours,
        };
        var direction = spec.Direction == ObjectiveDirection.Minimize ? S.ObjectiveDirection.Minimize : S.ObjectiveDirection.Maximize;
        return new S.SweepConfig(direction, algorithm, early, stop, spec.MaxResource) { SeedsPerConfig = spec.Algorithm.SeedsPerConfig ?? 1 };
    }

    /// <summary>What the search algorithms know of a trial.</summary>
    /// <remarks>
    /// A Paused trial whose budget was raised (promoted, waiting for its next pod) is reported as Pending, so the
    /// policy neither promotes it twice nor hands its capacity to another trial; one paused by a suspension as Running.
    /// </remarks>
    public static S.TrialRecord ToRecord(Trial trial) => ToRecord(trial, null);

    /// <summary>What the search algorithms know of a trial of <paramref name="spec"/> (a LoRA trial's lrFactor is its loraLrFactor, <see cref="LoraLrSplit"/>).</summary>
    public static S.TrialRecord ToRecord(Trial trial, EffectiveSpec? spec)
    {
        var status = trial.Status;
        var epoch = status?.Epoch ?? 0;
        var phase = status?.Phase ?? TrialPhase.Pending;
        // Pending and Running are written late (they mirror the pod): a trial that reports points is running, so the
        // stopping rules see it at once, not after its phase is written.
        if (phase == TrialPhase.Pending && status?.Observations is { Count: > 0 })
        {
            phase = TrialPhase.Running;
        }

        var searchStatus = phase switch
        {
            TrialPhase.Running => S.TrialStatus.Running,
            // Paused only by a suspension: it still holds its slot and resumes where it was.
            TrialPhase.Paused when status?.Reason == TrialReasons.Suspended => S.TrialStatus.Running,
            TrialPhase.Paused when trial.Spec.Epochs is { } e && e > epoch => S.TrialStatus.Pending,
            TrialPhase.Paused => S.TrialStatus.Paused,
            TrialPhase.Succeeded => S.TrialStatus.Succeeded,
            TrialPhase.Failed => S.TrialStatus.Failed,
            TrialPhase.EarlyStopped => S.TrialStatus.EarlyStopped,
            _ => S.TrialStatus.Pending,
        };
        var values = trial.Spec.Params.ToDictionary(p => p.Key, p => ToSearchValue(p.Value));
        return new S.TrialRecord(trial.Spec.Index, spec is null ? values : LoraLrSplit.ToSearch(values, spec), searchStatus)
        {
            Observations = (status?.Observations ?? []).Select(o => new S.Observation(o.Epoch, o.Value)).ToList(),
            Objective = status?.Objective,
            Budget = trial.Spec.Epochs,
            ResourceUsed = epoch,
        };
    }

    /// <summary>A search value (long, double or string) as the API's JSON scalar, using the spec's own categorical values.</summary>
    public static Dictionary<string, ParamValue> ToParams(IReadOnlyDictionary<string, object> assignment, EffectiveSpec spec)
    {
        var specs = spec.SearchSpace.AllParameters().ToDictionary(p => p.Key, p => p.Value);
        var result = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        foreach (var (key, value) in assignment)
        {
            // A LoRA trial's loraLrFactor value reaches the trainer as lrFactor; its spec decides the value's form.
            var name = key == SearchSpace.LoraLrFactorName ? ClusterTune.Api.Contract.KnobNames.LrFactor : key;
            if (specs.TryGetValue(key, out var p) && p.Type == ParameterType.Categorical && p.Values is { } values)
            {
                var match = values.FirstOrDefault(v => S.SearchSpace.ValuesEqual(ToSearchValue(v), value), ParamValue.FromObject(value));
                result[name] = match;
            }
            else
            {
                result[name] = p?.Type == ParameterType.Int && value is double d ? ParamValue.Of((long)Math.Round(d)) : ParamValue.FromObject(value);
            }
        }
        return result;
    }

    /// <summary>The search library's form of a JSON scalar: long for integers, double, string; booleans as "true"/"false".</summary>
    public static object ToSearchValue(ParamValue value) => value.Kind switch
    {
        ParamValueKind.Boolean => value.Flag ? "true" : "false",
        _ => value.ToObject(),
    };

    private static S.ParameterSpec ToSearch(string name, ParameterSpec p)
    {
        var type = p.Type switch
        {
            ParameterType.Int => S.ParameterType.Int,
            ParameterType.Float => S.ParameterType.Float,
            _ => S.ParameterType.Categorical,
        };
        var condition = p.Condition is { } c
            ? new S.ParameterCondition(c.Parameter, (c.In ?? (c.EqualTo is { } eq ? [eq] : [])).Select(ToSearchValue).ToList())
            : null;
        return new S.ParameterSpec(name, type)
        {
            Min = p.Min,
            Max = p.Max,
            Scale = p.Scale == ParameterScale.Log ? S.ParameterScale.Log : S.ParameterScale.Linear,
            Step = p.Step,
            Values = p.Values?.Select(ToSearchValue).ToList(),
            Condition = condition,
        };
    }
}
