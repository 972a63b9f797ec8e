namespace ClusterTune.Operator.Tests.Hosting;

public sealed class SecurityFlagsTests
{
    [Fact]
    public void Security_flags_reach_the_options_and_lists_accumulate()
    {
        var flags = OperatorFlags.Parse(["--metrics-token-file", "/etc/metrics/token", "--allow-service-account", "ml/trainer",
            "--allow-service-account", "a,b", "--allow-secret", "hf-token", "--trial-run-as-user", "1001"]);
        Assert.Null(flags.Error);
        Assert.Equal("/etc/metrics/token", flags.Options.MetricsTokenFile);
        Assert.Equal(["ml/trainer", "a", "b"], flags.Options.AllowedServiceAccounts);
        Assert.Equal(["hf-token"], flags.Options.AllowedSecrets);
        Assert.Equal(1001, flags.Options.TrialRunAsUser);
    }

    [Fact]
    public void Defaults_allow_nothing_beyond_the_default_service_account()
    {
        var o = OperatorFlags.Parse([]).Options;
        Assert.Equal((0, 0, null, 65532L), (o.AllowedServiceAccounts.Count, o.AllowedSecrets.Count, o.MetricsTokenFile, o.TrialRunAsUser));
    }

    [Theory]
    [InlineData("--trial-run-as-user", "0", "restricted Pod Security forbids root")]
    [InlineData("--trial-run-as-user", "x", "--trial-run-as-user")]
    [InlineData("--no-such-flag", "1", "unknown flag --no-such-flag")]
    public void Bad_values_name_the_flag(string flag, string value, string expected) =>
        Assert.Contains(expected, OperatorFlags.Parse([flag, value]).Error);

    [Fact]
    public void The_usage_lists_the_security_flags() =>
        Assert.Contains("[--metrics-token-file PATH]", OperatorFlags.Usage.Split('\n').Select(l => l.Trim()).First(l => l.Contains("metrics-token", StringComparison.Ordinal)));
}
