using System.Collections.Concurrent;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>Counts an operator's API writes by resource (the path segment after the namespace), events included.</summary>
internal sealed class WriteCounter
{
    public ConcurrentDictionary<string, int> ByResource { get; } = new();

    /// <summary>A handler to put in the operator's client pipeline.</summary>
    public DelegatingHandler Handler() => new CountingHandler(this);

    private sealed class CountingHandler(WriteCounter owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Get && response.IsSuccessStatusCode)
            {
                var parts = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
                var i = Array.IndexOf(parts, "namespaces");
                var resource = i >= 0 && i + 2 < parts.Length ? parts[i + 2] : parts[^1];
                if (i >= 0 && i + 4 < parts.Length)
                {
                    resource += "/" + parts[i + 4];
                }

                owner.ByResource.AddOrUpdate(resource, 1, (_, n) => n + 1);
            }
            return response;
        }
    }
}
