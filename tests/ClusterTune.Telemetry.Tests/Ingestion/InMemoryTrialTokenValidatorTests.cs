using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Telemetry.Tests.Ingestion;

public sealed class InMemoryTrialTokenValidatorTests
{
    private static readonly TrialKey T = new("ns", "job", "t1");

    [Theory]
    [InlineData("ns", "t1", "secret", null, TrialAuthorization.Accepted)]
    [InlineData("ns", "t1", "secret", "pod-1", TrialAuthorization.Accepted)]
    [InlineData("ns", "t1", "secret", "pod-2", TrialAuthorization.PodMismatch)]
    [InlineData("ns", "t1", "wrong", "pod-1", TrialAuthorization.InvalidToken)]
    [InlineData("ns", "t1", null, "pod-1", TrialAuthorization.InvalidToken)]
    [InlineData("ns", "t1", "secre", null, TrialAuthorization.InvalidToken)]
    [InlineData("other", "t1", "secret", null, TrialAuthorization.UnknownTrial)]
    [InlineData("ns", "t2", "secret", null, TrialAuthorization.UnknownTrial)]
    public async Task Authorizes_by_trial_token_and_pod(string ns, string trial, string? token, string? pod, TrialAuthorization expected)
    {
        var v = new InMemoryTrialTokenValidator();
        v.Register(T, "secret", "pod-1");
        Assert.Equal(expected, await v.AuthorizeAsync(new TrialKey(ns, "job", trial), pod, token, default));
    }

    [Fact]
    public async Task Removed_trials_are_unknown()
    {
        var v = new InMemoryTrialTokenValidator();
        v.Register(T, "secret");
        Assert.True(v.Remove(T));
        Assert.Equal(TrialAuthorization.UnknownTrial, await v.AuthorizeAsync(T, null, "secret", default));
    }
}
