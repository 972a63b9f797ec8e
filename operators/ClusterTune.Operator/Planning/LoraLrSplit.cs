using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// spec.searchSpace.loraLrFactor as the search library sees it: two conditional dimensions, lrFactor active when
/// loraRank is 0 and loraLrFactor active when it is not. Trials only ever carry lrFactor (the knob every trainer
/// reads), so the name is translated at both edges: assignment → trial params (SweepMapping.ToParams), and trial params → search history (<see cref="ToSearch"/>).
/// Pure; with no loraLrFactor in the spec every function is the identity.
/// </summary>
public static class LoraLrSplit
{
    /// <summary>The search dimensions with the split's conditions; a side loraRank can never take is dropped.</summary>
    public static IEnumerable<S.ParameterSpec> Apply(IEnumerable<S.ParameterSpec> dimensions, EffectiveSpec spec)
    {
        var list = dimensions.ToList();
        if (spec.SearchSpace.LoraLrFactor is null || spec.SearchSpace.LoraRank is not { } rank)
        {
            return list;
        }

        var ranks = RankValues(rank);
        var full = ranks.Where(r => r == 0).Cast<object>().ToList();
        var lora = ranks.Where(r => r != 0).Cast<object>().ToList();
        return list
            .Where(d => d.Name switch
            {
                KnobNames.LrFactor => full.Count > 0,
                SearchSpace.LoraLrFactorName => lora.Count > 0,
                _ => true,
            })
            .Select(d => d.Name switch
            {
                KnobNames.LrFactor => d with { Condition = new S.ParameterCondition(KnobNames.LoraRank, full) },
                SearchSpace.LoraLrFactorName => d with { Condition = new S.ParameterCondition(KnobNames.LoraRank, lora) },
                _ => d,
            });
    }

    /// <summary>A trial's params as the search history: a LoRA trial's lrFactor is the loraLrFactor dimension's value.</summary>
    public static Dictionary<string, object> ToSearch(Dictionary<string, object> trialParams, EffectiveSpec spec)
    {
        if (spec.SearchSpace.LoraLrFactor is null || !trialParams.TryGetValue(KnobNames.LoraRank, out var rank)
            || Convert.ToDouble(rank, System.Globalization.CultureInfo.InvariantCulture) == 0 || !trialParams.Remove(KnobNames.LrFactor, out var lr))
        {
            return trialParams;
        }

        trialParams[SearchSpace.LoraLrFactorName] = lr;
        return trialParams;
    }

    // loraRank's possible values as whole numbers (validation guarantees whole numbers >= 0).
    private static List<long> RankValues(ParameterSpec rank)
    {
        if (rank.Type == ParameterType.Categorical)
        {
            return [.. (rank.Values ?? []).Where(v => v.IsNumber).Select(v => (long)v.Number)];
        }

        if (rank.Min is not { } min || rank.Max is not { } max)
        {
            return [];
        }

        var step = rank.Scale == ParameterScale.Log ? 1 : Math.Max(1, (long)(rank.Step ?? 1));
        var values = new List<long>();
        for (var v = (long)min; v <= (long)max; v += step)
        {
            values.Add(v);
        }

        return values;
    }
}
