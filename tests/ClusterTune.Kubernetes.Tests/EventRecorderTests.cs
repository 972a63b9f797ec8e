using ClusterTune.Kubernetes.Recording;
using ClusterTune.Kubernetes.Tests.Support;
using k8s;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

public sealed class EventRecorderTests(EmbeddedServerFixture fx) : IClassFixture<EmbeddedServerFixture>
{
    [Fact]
    public async Task Records_events_about_an_object_with_unique_names_even_in_the_same_instant()
    {
        var ns = await fx.NewNamespaceAsync("events");
        using var c = fx.NewClient(ns);
        var pod = await c.CreateAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = ns }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] } });
        var time = new FakeTimeProvider();
        var log = new ListLogger();
        var recorder = new EventRecorder(c, "clustertune-operator", "replica-1", time, log);
        Assert.True(await recorder.RecordAsync(pod, "Normal", "TrialStarted", "trial sweep-a-0 started"));
        Assert.True(await recorder.RecordAsync(pod, "Warning", "TrialFailed", new string('x', 5000)));

        var events = (await c.ListAsync<Corev1Event>(ns)).Items.OrderBy(e => e.Metadata.Name).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.StartsWith("p.", e.Metadata.Name));
        Assert.NotEqual(events[0].Metadata.Name, events[1].Metadata.Name);
        var started = events.Single(e => e.Reason == "TrialStarted");
        Assert.Equal(("Pod", "p", pod.Metadata.Uid, "Normal"), (started.InvolvedObject.Kind, started.InvolvedObject.Name, started.InvolvedObject.Uid, started.Type));
        Assert.Equal("clustertune-operator", started.Source!.Component);
        Assert.Equal(time.GetUtcNow().UtcDateTime, started.FirstTimestamp);
        Assert.Equal(1024, events.Single(e => e.Reason == "TrialFailed").Message!.Length);
        // Each recorded event is also a log line: the operator's log reads as its decisions.
        Assert.Equal((Microsoft.Extensions.Logging.LogLevel.Information, $"Pod {ns}/p: Normal TrialStarted: trial sweep-a-0 started"), log.Lines[0]);
        Assert.StartsWith($"Pod {ns}/p: Warning TrialFailed: xxx", log.Lines[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_write_is_reported_not_thrown_and_bad_types_are_rejected()
    {
        using var c = fx.NewClient();
        var recorder = new EventRecorder(c, "clustertune-operator");
        var ghost = new V1Pod { Metadata = new V1ObjectMeta { Name = "ghost", NamespaceProperty = "no-such-namespace" } };
        Assert.False(await recorder.RecordAsync(ghost, "Normal", "X", "y"));
        await Assert.ThrowsAsync<ArgumentException>(() => recorder.RecordAsync(ghost, "Info", "X", "y"));
    }
}

internal sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<(Microsoft.Extensions.Logging.LogLevel Level, string Text)> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
