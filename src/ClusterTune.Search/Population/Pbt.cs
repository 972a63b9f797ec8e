namespace ClusterTune.Search.Population;

/// <summary>
/// The decision of population-based training at one boundary (Jaderberg et al. 2017, truncation selection): who
/// exploits whom and with which explored parameters. Pure; the randomness is the caller's seeded generator.
/// </summary>
public static class Pbt
{
    /// <summary>
    /// Ranks <paramref name="members"/> by score (ties: lower index ranks higher); each of the bottom ⌈q·n⌉ (at most
    /// ⌊n/2⌋, so top and bottom never overlap) takes a donor drawn uniformly from the top ⌈q·n⌉, and explores its parameters.
    /// </summary>
    public static IReadOnlyList<PbtExploit> Decide(IReadOnlyList<PbtMember> members, SearchSpace space, PbtConfig config, Random rng)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(rng);
        var ranked = members.OrderByDescending(m => m.Score).ThenBy(m => m.Index).ToList();
        var k = Math.Min((int)Math.Ceiling(config.QuantileFraction * ranked.Count - 1e-9), ranked.Count / 2);
        var exploits = new List<PbtExploit>();
        if (k == 0)
        {
            return exploits;
        }

        // Bottom members in index order, so the draws do not depend on how ties among them were broken.
        foreach (var loser in ranked.Skip(ranked.Count - k).OrderBy(m => m.Index))
        {
            var donor = ranked[rng.Next(k)];
            exploits.Add(new PbtExploit(loser.Index, donor.Index, Explore(donor.Params, space, config, rng)));
        }

        return exploits;
    }

    /// <summary>
    /// Perturbs <paramref name="parameters"/>: numbers × a factor drawn from config.Factors (clamped to the range,
    /// integers rounded, steps kept), categorical values resampled with config.ResampleProbability or else moved to
    /// a neighbouring value. Parameters the space does not know are copied.
    /// </summary>
    public static IReadOnlyDictionary<string, object> Explore(IReadOnlyDictionary<string, object> parameters, SearchSpace space, PbtConfig config, Random rng)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(space);
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            result[name] = space.Find(name) is { } spec ? Perturb(spec, value, config, rng) : value;
        }

        return result;
    }

    private static object Perturb(ParameterSpec spec, object value, PbtConfig config, Random rng)
    {
        if (spec.Type == ParameterType.Categorical)
        {
            var values = spec.Values ?? [];
            if (values.Count < 2)
            {
                return value;
            }

            if (rng.NextDouble() < config.ResampleProbability)
            {
                return values[rng.Next(values.Count)];
            }

            var at = Math.Max(0, values.ToList().FindIndex(v => SearchSpace.ValuesEqual(v, value)));
            var next = at == 0 ? 1 : at == values.Count - 1 ? at - 1 : at + (rng.Next(2) == 0 ? -1 : 1);
            return values[next];
        }

        var factor = config.Factors[rng.Next(config.Factors.Count)];
        var x = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) * factor;
        if (spec.Step is { } step && step > 0 && spec.Min is { } lo)
        {
            x = lo + Math.Round((x - lo) / step) * step;
        }

        x = Math.Clamp(x, spec.Min ?? double.MinValue, spec.Max ?? double.MaxValue);
        return spec.Type == ParameterType.Int ? (long)Math.Round(x) : x;
    }
}
