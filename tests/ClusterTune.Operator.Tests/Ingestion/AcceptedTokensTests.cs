using ClusterTune.Operator.Ingestion;
using ClusterTune.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace ClusterTune.Operator.Tests.Ingestion;

public sealed class AcceptedTokensTests
{
    private static readonly TrialKey Trial = new("ns", "job", "job-3");

    // An acceptance is reused for exactly the same trial, pod and token, and only within its lifetime.
    [Theory]
    [InlineData("job-3", "job-3-1", "t0ken", 0, true)]
    [InlineData("job-3", "job-3-1", "t0ken", 29, true)]
    [InlineData("job-3", "job-3-1", "t0ken", 30, false)]
    [InlineData("job-3", "job-3-1", "other", 0, false)]
    [InlineData("job-3", "job-3-2", "t0ken", 0, false)]
    [InlineData("job-3", null, "t0ken", 0, false)]
    [InlineData("job-4", "job-3-1", "t0ken", 0, false)]
    public void Reuses_an_acceptance_only_for_the_same_credentials_within_its_lifetime(string trial, string? pod, string token, int secondsLater, bool reused)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var accepted = new AcceptedTokens(time);
        accepted.Add(Trial, "job-3-1", "t0ken");
        time.Advance(TimeSpan.FromSeconds(secondsLater));
        Assert.Equal(reused, accepted.Contains(Trial with { Trial = trial }, pod, token));
    }

    [Fact]
    public void Past_its_capacity_it_drops_expired_acceptances_and_keeps_live_ones()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var accepted = new AcceptedTokens(time);
        for (var i = 0; i < AcceptedTokens.Capacity - 1; i++)
        {
            accepted.Add(Trial with { Trial = $"old-{i}" }, null, "t");
        }

        time.Advance(AcceptedTokens.Lifetime);
        accepted.Add(Trial, "live", "t");
        accepted.Add(Trial, "new", "t");
        Assert.Equal(2, accepted.Count);
        Assert.True(accepted.Contains(Trial, "live", "t"));
        Assert.True(accepted.Contains(Trial, "new", "t"));
    }
}
