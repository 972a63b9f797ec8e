using ClusterTune.Kubernetes.Retry;

namespace ClusterTune.Kubernetes.Tests;

public sealed class RetryPolicyTests
{
    private static readonly RetryOptions Options = new()
    {
        MaxAttempts = 5,
        BaseDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(10),
        MaxRetryAfter = TimeSpan.FromSeconds(60),
    };

    public static TheoryData<string, Failure, int, int?, bool, bool> Table => new()
    {
        // name, failure, status, retryAfterSeconds, idempotent, expectRetry
        { "429 retried even for a non-idempotent write", Failure.HttpStatus, 429, null, false, true },
        { "503 with Retry-After retried for any write", Failure.HttpStatus, 503, 2, false, true },
        { "503 without Retry-After not retried for generateName create", Failure.HttpStatus, 503, null, false, false },
        { "503 without Retry-After retried for a read", Failure.HttpStatus, 503, null, true, true },
        { "500 retried for a read", Failure.HttpStatus, 500, null, true, true },
        { "500 not retried for a non-idempotent write", Failure.HttpStatus, 500, null, false, false },
        { "504 retried for a read", Failure.HttpStatus, 504, null, true, true },
        { "409 never retried blindly", Failure.HttpStatus, 409, null, true, false },
        { "404 never retried", Failure.HttpStatus, 404, null, true, false },
        { "422 never retried", Failure.HttpStatus, 422, null, true, false },
        { "connection refused retried for any request", Failure.NotSent, 0, null, false, true },
        { "reset after send retried for a read", Failure.MaybeProcessed, 0, null, true, true },
        { "reset after send not retried for a non-idempotent write", Failure.MaybeProcessed, 0, null, false, false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides_which_failures_are_retried(string name, Failure failure, int status, int? retryAfterSeconds, bool idempotent, bool expectRetry)
    {
        var d = RetryPolicy.Decide(Options, 0, failure, status,
            retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : null, idempotent, 0.5);
        Assert.True(expectRetry == d.Retry, $"{name}: {d.Why}");
        if (d.Retry)
        {
            Assert.True(d.Delay > TimeSpan.Zero, $"{name}: a retry must wait (no hot loop)");
        }
    }

    [Fact]
    public void Stops_after_MaxAttempts()
    {
        Assert.True(RetryPolicy.Decide(Options, 3, Failure.HttpStatus, 429, null, true, 0).Retry);
        Assert.False(RetryPolicy.Decide(Options, 4, Failure.HttpStatus, 429, null, true, 0).Retry);
    }

    [Theory]
    [InlineData(3, 3000)]
    [InlineData(0, 200)]      // Retry-After: 0 is floored to the base delay
    [InlineData(3600, 60000)] // a huge hint is clamped
    public void Honours_Retry_After_within_bounds(int seconds, int expectedMs)
    {
        var d = RetryPolicy.Decide(Options, 0, Failure.HttpStatus, 429, TimeSpan.FromSeconds(seconds), false, 0.9);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), d.Delay);
    }

    [Theory]
    [InlineData(0, 0.0, 100)]
    [InlineData(0, 0.999, 199.9)]
    [InlineData(1, 0.0, 200)]
    [InlineData(3, 0.5, 1200)]
    [InlineData(6, 0.0, 5000)]   // 200·64 = 12.8 s capped at 10 s, jittered into [5 s, 10 s)
    [InlineData(60, 0.0, 5000)]
    public void Backoff_is_exponential_jittered_and_capped(int attempt, double jitter, double expectedMs)
    {
        Assert.Equal(expectedMs, RetryPolicy.Backoff(Options, attempt, jitter).TotalMilliseconds, 3);
    }

    [Fact]
    public void Stateful_backoff_grows_to_the_cap_and_resets()
    {
        var b = new ExponentialBackoff(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(30), new Random(7));
        var delays = Enumerable.Range(0, 10).Select(_ => b.Next()).ToList();
        Assert.InRange(delays[0].TotalMilliseconds, 400, 800);
        Assert.All(delays, d => Assert.InRange(d.TotalSeconds, 0.4, 30));
        Assert.InRange(delays[^1].TotalSeconds, 15, 30);
        b.Reset();
        Assert.InRange(b.Next().TotalMilliseconds, 400, 800);
    }

    [Theory]
    [InlineData("5", 5.0)]
    [InlineData(" 120 ", 120.0)]
    [InlineData("Sun, 22 Nov 2026 06:00:30 GMT", 30.0)]
    [InlineData("Sun, 22 Nov 2026 05:00:00 GMT", 0.0)]
    public void Parses_Retry_After(string header, double expectedSeconds)
    {
        var now = new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryAfter.Parse(header, now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-3")]
    public void Ignores_absent_or_malformed_Retry_After(string? header)
    {
        Assert.Null(RetryAfter.Parse(header, DateTimeOffset.UnixEpoch));
    }
}

public sealed class IdempotencyTests
{
    [Theory]
    [InlineData("GET", null, null, true)]
    [InlineData("DELETE", null, null, true)]
    [InlineData("PUT", "application/json", """{"metadata":{"name":"a","resourceVersion":"3"}}""", true)]
    [InlineData("PATCH", "application/merge-patch+json", """{"metadata":{"labels":{"a":"b"}}}""", true)]
    [InlineData("POST", "application/json", """{"metadata":{"name":"sweep-a-0"}}""", true)]
    [InlineData("POST", "application/json", """{"metadata":{"generateName":"trial-"}}""", false)]
    [InlineData("POST", "application/json", """{"metadata":{"name":""}}""", false)]
    [InlineData("POST", "application/json", "not json", false)]
    [InlineData("PATCH", "application/json-patch+json", """[{"op":"test","path":"/a","value":1},{"op":"remove","path":"/a"}]""", true)]
    [InlineData("PATCH", "application/json-patch+json", """[{"op":"add","path":"/a/-","value":1}]""", false)]
    public void A_request_is_retried_after_a_lost_answer_only_when_repeating_it_is_harmless(string method, string? mediaType, string? body, bool idempotent) =>
        Assert.Equal(idempotent, Retry.RetryHandler.IsIdempotent(new HttpMethod(method), mediaType, body is null ? null : System.Text.Encoding.UTF8.GetBytes(body)));
}
