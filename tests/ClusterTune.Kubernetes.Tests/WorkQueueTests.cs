using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Tests.Support;

namespace ClusterTune.Kubernetes.Tests;

public sealed class WorkQueueTests
{
    private static WorkQueue<string> NewQueue(FakeTimeProvider time) =>
        new(new ItemExponentialRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1)), time);

    [Fact]
    public async Task Duplicate_adds_before_processing_collapse_into_one_item()
    {
        using var q = NewQueue(new FakeTimeProvider());
        q.Add("ns/a");
        q.Add("ns/b");
        q.Add("ns/a");
        q.Add("ns/a");
        Assert.Equal(2, q.Len);
        var (first, _) = await q.GetAsync();
        var (second, _) = await q.GetAsync();
        Assert.Equal(["ns/a", "ns/b"], new[] { first, second });
        Assert.Equal(0, q.Len);
    }

    [Fact]
    public async Task A_key_added_while_processing_is_not_handed_out_until_Done()
    {
        using var q = NewQueue(new FakeTimeProvider());
        q.Add("k");
        var (key, _) = await q.GetAsync();
        q.Add("k");
        Assert.Equal(0, q.Len);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await q.GetAsync(cts.Token));
        q.Done(key);
        Assert.Equal(1, q.Len);
        var (again, shutdown) = await q.GetAsync();
        Assert.Equal("k", again);
        Assert.False(shutdown);
    }

    [Fact]
    public async Task Concurrent_workers_never_hold_the_same_key_at_once()
    {
        using var q = new WorkQueue<int>(new ItemExponentialRateLimiter<int>(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10)));
        var inFlight = new int[5];
        var violations = 0;
        var processed = 0;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 2000; i++)
            {
                q.Add(i % 5);
                if (i % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        });
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (k, shutdown) = await q.GetAsync();
                if (shutdown)
                {
                    return;
                }

                if (Interlocked.Increment(ref inFlight[k]) > 1)
                {
                    Interlocked.Increment(ref violations);
                }

                await Task.Yield();
                Interlocked.Decrement(ref inFlight[k]);
                Interlocked.Increment(ref processed);
                q.Done(k);
            }
        })).ToArray();
        await producer;
        q.ShutDown();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, violations);
        Assert.InRange(processed, 5, 2000);
    }

    [Fact]
    public async Task AddAfter_waits_on_the_injected_clock_and_the_earliest_time_wins()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.AddAfter("k", TimeSpan.FromSeconds(10));
        q.AddAfter("k", TimeSpan.FromSeconds(3));
        q.AddAfter("k", TimeSpan.FromSeconds(20));
        Assert.Equal(1, q.WaitingCount);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, q.Len);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, q.Len);
        Assert.Equal(0, q.WaitingCount);
        var (k, _) = await q.GetAsync();
        Assert.Equal("k", k);
    }

    [Fact]
    public void AddRateLimited_backs_off_exponentially_per_item_until_Forget()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.AddRateLimited("a");              // 5 ms
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, q.Len);
        q.AddRateLimited("b");              // b: 5 ms
        q.AddRateLimited("b");              // b: 10 ms requested, 5 ms pending wins
        Assert.Equal(2, q.NumRequeues("b"));
        q.AddRateLimited("b");              // 20 ms
        Assert.Equal(3, q.NumRequeues("b"));
        q.Forget("b");
        Assert.Equal(0, q.NumRequeues("b"));
        Assert.Equal(1, q.NumRequeues("a"));
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(7, 640)]
    [InlineData(8, 1000)]
    [InlineData(40, 1000)]
    public void Item_exponential_limiter_doubles_then_caps(int previousFailures, int expectedMs)
    {
        var l = new ItemExponentialRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        for (var i = 0; i < previousFailures; i++)
        {
            l.When("x");
        }

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), l.When("x"));
    }

    [Fact]
    public void Token_bucket_allows_the_burst_then_spaces_by_qps_and_refills_with_time()
    {
        var time = new FakeTimeProvider();
        var l = new TokenBucketRateLimiter<string>(qps: 10, burst: 3, time);
        Assert.Equal(TimeSpan.Zero, l.When("a"));
        Assert.Equal(TimeSpan.Zero, l.When("b"));
        Assert.Equal(TimeSpan.Zero, l.When("c"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), l.When("d"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), l.When("e"));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, l.When("f"));
    }

    [Fact]
    public void Default_controller_limiter_takes_the_larger_of_item_and_overall_delays()
    {
        var time = new FakeTimeProvider();
        var l = RateLimiters.DefaultController<string>(time);
        Assert.Equal(TimeSpan.FromMilliseconds(5), l.When("a"));
        for (var i = 0; i < 120; i++)
        {
            l.When("k" + i);
        }
        // The bucket (10 qps, burst 100) is overdrawn by 21 tokens now: 2.1 s beats item "z"'s 5 ms.
        Assert.True(l.When("z") >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ShutDown_lets_workers_drain_then_reports_shutdown_and_ignores_new_adds()
    {
        var time = new FakeTimeProvider();
        using var q = NewQueue(time);
        q.Add("a");
        q.AddAfter("later", TimeSpan.FromSeconds(1));
        q.ShutDown();
        q.Add("b");
        time.Advance(TimeSpan.FromSeconds(5));
        var (k, shut) = await q.GetAsync();
        Assert.Equal(("a", false), (k, shut));
        var waiters = Enumerable.Range(0, 3).Select(_ => q.GetAsync().AsTask()).ToArray();
        var results = await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(results, r => Assert.True(r.Shutdown));
        Assert.True(q.ShuttingDown);
    }
}
