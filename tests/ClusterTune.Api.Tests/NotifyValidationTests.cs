using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

/// <summary>spec.notify and spec.warmStartFrom: bad values name the field path and a fix; an unknown event is refused by the CRD schema too.</summary>
public sealed class NotifyValidationTests
{
    private static NotifySpec N(string url, params NotifyEvent[] on) => new() { Url = url, On = [.. on] };

    public static TheoryData<string, Action<FineTuneJob>, string?> Cases() => new()
    {
        { "two webhooks", j => j.Spec.Notify = [N("https://hooks.example.com/a", NotifyEvent.Succeeded, NotifyEvent.Failed), N("http://receiver.ns.svc:8080/", NotifyEvent.BudgetExhausted)], null },
        { "signed", j => j.Spec.Notify = [new NotifySpec { Url = "https://x.example.com/", On = [NotifyEvent.Failed], SecretRef = new V1SecretKeySelector { Name = "hook.key", Key = "hmac" } }], null },
        { "relative url", j => j.Spec.Notify = [N("/hooks", NotifyEvent.Succeeded)], "spec.notify[0].url" },
        { "not a url", j => j.Spec.Notify = [N("hooks example", NotifyEvent.Succeeded)], "spec.notify[0].url" },
        { "ftp url", j => j.Spec.Notify = [N("ftp://x.example.com/", NotifyEvent.Succeeded)], "spec.notify[0].url" },
        { "credentials in url", j => j.Spec.Notify = [N("https://u:p@x.example.com/", NotifyEvent.Succeeded)], "spec.notify[0].url" },
        { "huge url", j => j.Spec.Notify = [N("https://x.example.com/" + new string('a', 5000), NotifyEvent.Succeeded)], "spec.notify[0].url" },
        { "no events", j => j.Spec.Notify = [N("https://x.example.com/")], "spec.notify[0].on" },
        { "unknown event", j => j.Spec.Notify = [N("https://x.example.com/", (NotifyEvent)7)], "spec.notify[0].on[0]" },
        { "event twice", j => j.Spec.Notify = [N("https://x.example.com/", NotifyEvent.Failed, NotifyEvent.Failed)], "spec.notify[0].on[1]" },
        { "null entry", j => j.Spec.Notify = [N("https://x.example.com/", NotifyEvent.Failed), null!], "spec.notify[1]" },
        { "nine webhooks", j => j.Spec.Notify = [.. Enumerable.Range(0, 9).Select(i => N($"https://x{i}.example.com/", NotifyEvent.Failed))], "spec.notify" },
        { "bad secret name", j => j.Spec.Notify = [new NotifySpec { Url = "https://x.example.com/", On = [NotifyEvent.Failed], SecretRef = new V1SecretKeySelector { Name = "Bad_Name" } }], "spec.notify[0].secretRef.name" },
        { "empty secret key", j => j.Spec.Notify = [new NotifySpec { Url = "https://x.example.com/", On = [NotifyEvent.Failed], SecretRef = new V1SecretKeySelector { Name = "k", Key = "" } }], "spec.notify[0].secretRef.key" },
        { "warm start", j => j.Spec.WarmStartFrom = ["mnist-sweep", "mnist-sweep-2"], null },
        { "warm start bad name", j => j.Spec.WarmStartFrom = ["Mnist_Sweep"], "spec.warmStartFrom[0]" },
        { "warm start twice", j => j.Spec.WarmStartFrom = ["a", "a"], "spec.warmStartFrom[1]" },
        { "warm start nine", j => j.Spec.WarmStartFrom = [.. Enumerable.Range(0, 9).Select(i => $"s{i}")], "spec.warmStartFrom" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Notify_and_warm_start_are_validated_with_the_field_path(string name, Action<FineTuneJob> change, string? path)
        => TestJobs.AssertValidation(name, change, path);
}
