using ClusterTune.Api.Contract;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The search space: parameter names and ranges, the three knobs, conditions and their cycles.</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidateSearchSpace(FineTuneJobSpec s, List<FieldError> e)
    {
        var space = s.SearchSpace!;
        var algorithm = s.Algorithm!.Name!.Value;
        var all = new List<(string Name, string Path, ParameterSpec Spec)>();
        if (space.FreezeDepth is { } fd)
        {
            all.Add((KnobNames.FreezeDepth, $"spec.searchSpace.{KnobNames.FreezeDepth}", fd));
        }

        if (space.LrFactor is { } lf)
        {
            all.Add((KnobNames.LrFactor, $"spec.searchSpace.{KnobNames.LrFactor}", lf));
        }

        if (space.LoraLrFactor is { } llf)
        {
            all.Add((SearchSpace.LoraLrFactorName, $"spec.searchSpace.{SearchSpace.LoraLrFactorName}", llf));
        }

        if (space.LoraRank is { } lr)
        {
            all.Add((KnobNames.LoraRank, $"spec.searchSpace.{KnobNames.LoraRank}", lr));
        }

        ValidatePreset(space, e);

        foreach (var (name, spec) in (space.Parameters ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var path = $"spec.searchSpace.parameters.{name}";
            if (name is KnobNames.FreezeDepth or KnobNames.LrFactor or KnobNames.LoraRank or SearchSpace.LoraLrFactorName)
            {
                e.Add(new(path, $"'{name}' is a first-class knob and cannot also be listed under parameters", $"move it to spec.searchSpace.{name}"));
                continue;
            }
            if (!ParameterName().IsMatch(name))
            {
                e.Add(new(path, $"{Quote(name)} is not a valid parameter name (it becomes a JSON key and the attribute {ResourceAttributes.ParamPrefix}{name})",
                    "start with a letter and use only letters, digits and '_', at most 63 characters, e.g. dropout"));
            }

            if (spec is null)
            {
                e.Add(new(path, "is null", "describe the parameter, e.g. {type: float, min: 0, max: 0.5}"));
                continue;
            }
            all.Add((name, path, spec));
        }
        if (all.Count > MaxParameters)
        {
            e.Add(new("spec.searchSpace.parameters", $"has {all.Count} parameters in all, more than {MaxParameters}", "search fewer parameters; fix the others in trainer.args or env"));
        }

        var byName = all.ToDictionary(a => a.Name, a => a.Spec, StringComparer.Ordinal);
        foreach (var (name, path, p) in all)
        {
            ValidateParameter(path, p, algorithm, e);
            ValidateKnob(name, path, p, e);
            if (p.Condition is { } c)
            {
                ValidateCondition(name, $"{path}.condition", c, byName, e);
            }
        }

        if (space.Constraints?.MaxTrainableParamsFraction is { } frac && !(frac > 0 && frac <= 1))
        {
            e.Add(new("spec.searchSpace.constraints.maxTrainableParamsFraction", $"must be in (0, 1], got {F(frac)}", "set a fraction such as 0.1 (at most 10% of the weights trainable), or remove it"));
        }
    }

    private static void ValidateParameter(string path, ParameterSpec p, AlgorithmName algorithm, List<FieldError> e)
    {
        if (algorithm == AlgorithmName.CmaEs && p.Type == ParameterType.Categorical)
        {
            e.Add(new($"{path}.type", "is categorical, and algorithm cmaes samples int and float ranges only",
                "declare it as an int or float range (e.g. {type: int, min: 0, max: 8, step: 4}), or use algorithm tpe, which handles categorical values"));
        }

        switch (p.Type)
        {
            case null:
                e.Add(new($"{path}.type", "is required", "set type: int, float or categorical"));
                return;
            case ParameterType.Categorical:
                if (p.Values is not { Count: > 0 })
                {
                    e.Add(new($"{path}.values", "must list at least one value for a categorical parameter", "list the choices, e.g. values: [0, 4, 8]"));
                }
                else
                {
                    var seen = new HashSet<ParamValue>();
                    for (var i = 0; i < p.Values.Count; i++)
                    {
                        if (!seen.Add(p.Values[i]))
                        {
                            e.Add(new($"{path}.values[{i}]", $"{p.Values[i]} is listed twice", "remove the duplicate"));
                        }
                    }
                }
                foreach (var (field, set) in new[] { ("min", p.Min is not null), ("max", p.Max is not null), ("scale", p.Scale is not null), ("step", p.Step is not null) })
                {
                    if (set)
                    {
                        e.Add(new($"{path}.{field}", $"{field} does not apply to a categorical parameter", "remove it, or use type: int or float with min and max"));
                    }
                }

                return;
        }

        var isInt = p.Type == ParameterType.Int;
        if (p.Values is not null)
        {
            e.Add(new($"{path}.values", $"values apply only to categorical parameters, not {Json(p.Type)}", "remove values, or set type: categorical"));
        }

        if (p.Min is not { } min || !double.IsFinite(min))
        {
            e.Add(new($"{path}.min", $"is required for a {Json(p.Type)} parameter", "set the lower bound, e.g. min: 0"));
            return;
        }
        if (p.Max is not { } max || !double.IsFinite(max))
        {
            e.Add(new($"{path}.max", $"is required for a {Json(p.Type)} parameter", "set the upper bound, e.g. max: 1"));
            return;
        }
        if (isInt && Math.Floor(min) != min)
        {
            e.Add(new($"{path}.min", $"must be an integer for an int parameter, got {F(min)}", $"set min to {F(Math.Ceiling(min))} or use type: float"));
        }

        if (isInt && Math.Floor(max) != max)
        {
            e.Add(new($"{path}.max", $"must be an integer for an int parameter, got {F(max)}", $"set max to {F(Math.Floor(max))} or use type: float"));
        }

        if (min >= max)
        {
            e.Add(new($"{path}.max", $"must be greater than min ({F(min)}), got {F(max)}", "raise max above min; for a single fixed value use type: categorical with values: [x]"));
        }

        if (p.Scale == ParameterScale.Log)
        {
            if (min <= 0)
            {
                e.Add(new($"{path}.min", $"must be > 0 for log scale, got {F(min)}", "set min to a positive value such as 0.001, or use scale: linear"));
            }

            if (p.Step is not null && !(isInt && p.Step == 1))
            {
                e.Add(new($"{path}.step", "step applies to linear scale only", "remove step, or use scale: linear"));
            }
        }
        if (p.Step is { } step)
        {
            if (!double.IsFinite(step) || step <= 0)
            {
                e.Add(new($"{path}.step", $"must be > 0, got {F(step)}", "set a positive spacing such as 0.1, or remove it"));
            }
            else if (isInt && Math.Floor(step) != step)
            {
                e.Add(new($"{path}.step", $"must be a whole number for an int parameter, got {F(step)}", "set step to 1 or another whole number"));
            }
            else if (min < max && step > max - min)
            {
                e.Add(new($"{path}.step", $"{F(step)} is larger than the range max - min ({F(max - min)})", "use a smaller step so the range has at least two points"));
            }
        }
        if (algorithm == AlgorithmName.Grid && p.Type == ParameterType.Float && p.Step is null)
        {
            e.Add(new($"{path}.step", "is required for a float range under algorithm grid (a continuous range has no grid points)",
                "set step (e.g. 0.1), or list the points with type: categorical, or use algorithm random, sobol or tpe"));
        }
    }

    private static void ValidateKnob(string name, string path, ParameterSpec p, List<FieldError> e)
    {
        switch (name)
        {
            case KnobNames.FreezeDepth or KnobNames.LoraRank:
                var what = name == KnobNames.FreezeDepth ? "a number of frozen blocks" : "a LoRA rank (0 = full fine-tune)";
                if (p.Type == ParameterType.Float)
                {
                    e.Add(new($"{path}.type", $"{name} is {what} and must be int or categorical, not float", "set type: int"));
                }
                else if (p.Type == ParameterType.Int && p.Min is < 0)
                {
                    e.Add(new($"{path}.min", $"{name} is {what} and cannot be negative, got {F(p.Min)}", "set min: 0"));
                }
                else if (p.Type == ParameterType.Categorical && p.Values is not null)
                {
                    for (var i = 0; i < p.Values.Count; i++)
                    {
                        if (!p.Values[i].IsInteger || p.Values[i].Number < 0)
                        {
                            e.Add(new($"{path}.values[{i}]", $"{name} is {what}; {p.Values[i]} is not a whole number >= 0", "list whole numbers such as 0, 4, 8"));
                        }
                    }
                }

                break;
            case KnobNames.LrFactor or SearchSpace.LoraLrFactorName:
                if (p.Type is ParameterType.Int or ParameterType.Float && p.Min is <= 0 && p.Scale != ParameterScale.Log)
                {
                    e.Add(new($"{path}.min", $"{name} multiplies the pretraining learning rate and must be > 0, got {F(p.Min)}", "set min to a positive value such as 0.001"));
                }
                else if (p.Type == ParameterType.Categorical && p.Values is not null)
                {
                    for (var i = 0; i < p.Values.Count; i++)
                    {
                        if (!p.Values[i].IsNumber || p.Values[i].Number <= 0)
                        {
                            e.Add(new($"{path}.values[{i}]", $"{name} must be a number > 0; {p.Values[i]} is not", "list positive numbers such as 0.01, 0.1, 1"));
                        }
                    }
                }

                break;
        }
    }

    private static void ValidateCondition(string name, string path, ParameterCondition c, Dictionary<string, ParameterSpec> byName, List<FieldError> e)
    {
        if (string.IsNullOrEmpty(c.Parameter) || !byName.TryGetValue(c.Parameter, out var parent))
        {
            e.Add(new($"{path}.parameter", $"{Quote(c.Parameter)} is not a parameter of this search space", $"name one of: {string.Join(", ", byName.Keys.Where(k => k != name))}"));
            return;
        }
        if (c.Parameter == name)
        {
            e.Add(new($"{path}.parameter", "a parameter cannot depend on itself", "name another parameter"));
            return;
        }
        if (CycleThrough(name, byName) is { } cycle)
        {
            // Reported once, on the cycle's first member by name.
            if (cycle.Min(StringComparer.Ordinal) == name)
            {
                e.Add(new($"{path}.parameter", $"conditions form a cycle: {string.Join(" -> ", cycle)} -> {name}", "remove one of the conditions"));
            }

            return;
        }
        if ((c.EqualTo is null) == (c.In is null))
        {
            e.Add(new(path, "must set exactly one of equals and in", "e.g. {parameter: loraRank, in: [4, 8]}"));
            return;
        }
        if (c.In is { Count: 0 })
        {
            e.Add(new($"{path}.in", "is empty, so the parameter would never be active", "list at least one value, or remove the condition"));
        }

        if (parent.Type == ParameterType.Categorical && parent.Values is { } values)
        {
            if (c.EqualTo is { } eq && !values.Contains(eq))
            {
                e.Add(new($"{path}.equals", $"{eq} is not one of {c.Parameter}'s values", $"use one of: {string.Join(", ", values)}"));
            }

            for (var i = 0; i < (c.In?.Count ?? 0); i++)
            {
                if (!values.Contains(c.In![i]))
                {
                    e.Add(new($"{path}.in[{i}]", $"{c.In[i]} is not one of {c.Parameter}'s values", $"use values from: {string.Join(", ", values)}"));
                }
            }
        }
    }

    // The chain name -> parent -> ... when it leads back to name; null when it ends.
    private static List<string>? CycleThrough(string name, Dictionary<string, ParameterSpec> byName)
    {
        var chain = new List<string> { name };
        var current = name;
        while (byName.TryGetValue(current, out var spec) && spec.Condition is { } c)
        {
            if (c.Parameter == name)
            {
                return chain;
            }

            if (chain.Contains(c.Parameter))
            {
                return null; // a cycle that does not pass through name
            }

            chain.Add(c.Parameter);
            current = c.Parameter;
        }
        return null;
    }
}
