namespace ClusterTune.Operator;

/// <summary>The operator's security flags (see docs/security.md), kept apart from <see cref="OperatorFlags"/>.</summary>
internal static class SecurityFlags
{
    public const string Usage = """
                                    [--metrics-token-file PATH] [--allow-service-account [NS/]NAME|*]...
                                    [--allow-secret [NS/]NAME|*]... [--trial-run-as-user UID]
        """;

    /// <summary>Applies <paramref name="flag"/> = <paramref name="value"/>; null when it is not a security flag, an error message when the value is bad.</summary>
    public static (OperatorOptions? Options, string? Error) Apply(OperatorOptions options, string flag, string value) => flag switch
    {
        "--metrics-token-file" => (options with { MetricsTokenFile = value }, null),
        // Repeatable, and comma-separated lists are taken too (Helm renders a list either way).
        "--allow-service-account" => (options with { AllowedServiceAccounts = [.. options.AllowedServiceAccounts, .. Split(value)] }, null),
        "--allow-secret" => (options with { AllowedSecrets = [.. options.AllowedSecrets, .. Split(value)] }, null),
        "--trial-run-as-user" when long.TryParse(value, out var uid) && uid > 0 => (options with { TrialRunAsUser = uid }, null),
        "--trial-run-as-user" => (null, $"--trial-run-as-user takes a user id above 0 (restricted Pod Security forbids root), got '{value}'"),
        _ => (null, null),
    };

    private static IEnumerable<string> Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
