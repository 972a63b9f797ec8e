namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// Lets the first k writes of an operator through, then behaves like a dead process: every later request fails
/// before it reaches the server. Models "the operator crashed right after its k-th write".
/// </summary>
internal sealed class CrashAfterWrites(int k)
{
    private readonly int _k = k;
    private int _writes;

    /// <summary>Completes once the k-th write got its answer.</summary>
    public TaskCompletionSource Crashed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A handler to put in the operator's client pipeline.</summary>
    public DelegatingHandler Handler() => new CountingHandler(this);

    private sealed class CountingHandler(CrashAfterWrites owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (owner.Crashed.Task.IsCompleted)
            {
                throw new OperationCanceledException("the operator has crashed");
            }

            var isWrite = request.Method != HttpMethod.Get && !request.RequestUri!.AbsolutePath.EndsWith("/events", StringComparison.Ordinal);
            var response = await base.SendAsync(request, cancellationToken);
            if (isWrite && Interlocked.Increment(ref owner._writes) == owner._k)
            {
                owner.Crashed.TrySetResult();
            }

            return response;
        }
    }
}
