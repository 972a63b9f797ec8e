namespace ClusterTune.Kubernetes.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls a condition until it holds or the timeout passes (then fails with the description).</summary>
    public static Task TrueAsync(Func<bool> condition, string what, double timeoutSeconds = 10) => TrueAsync(condition, () => what, timeoutSeconds);

    /// <summary>As above, describing the state at the moment of failure.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string> what, double timeoutSeconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out after {timeoutSeconds} s waiting for: {what()}");
            }

            await Task.Delay(20);
        }
    }
}
