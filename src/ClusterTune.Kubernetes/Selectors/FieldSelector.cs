namespace ClusterTune.Kubernetes.Selectors;

/// <summary>Builds field selector strings (only = and != exist for fields).</summary>
public static class FieldSelector
{
    /// <summary>"a=1,b!=2" from (field, value, negate) triples; values may not contain ',' or '='.</summary>
    public static string Build(params (string Field, string Value, bool NotEqual)[] terms)
    {
        foreach (var t in terms)
        {
            if (t.Value.IndexOfAny([',', '=']) >= 0 || t.Field.Length == 0)
            {
                throw new ArgumentException($"Field selector term '{t.Field}' = '{t.Value}' is invalid: fields are non-empty, values may not contain ',' or '='.");
            }
        }
        return string.Join(",", terms.Select(t => t.NotEqual ? $"{t.Field}!={t.Value}" : $"{t.Field}={t.Value}"));
    }

    /// <summary>"field=value".</summary>
    public static string Equal(string field, string value) => Build((field, value, false));
}
