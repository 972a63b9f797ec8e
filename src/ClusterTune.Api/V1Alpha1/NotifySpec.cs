using System.ComponentModel;
using ClusterTune.Api.Schema;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>One webhook: the operator POSTs a signed JSON event to <see cref="Url"/> when the job reaches a state listed in <see cref="On"/>.</summary>
public sealed class NotifySpec
{
    [RequiredField, MaxLength(FieldLimits.Uri)]
    [Description("The http(s) URL the event is POSTed to.")]
    public string Url { get; set; } = "";

    [RequiredField, MaxItems(3)]
    [Description("The states to notify about: Succeeded, Failed, BudgetExhausted.")]
    public List<NotifyEvent> On { get; set; } = [];

    [Description("A Secret key in the job's namespace (allowed by the operator's --allow-secret) whose value signs each body: header X-ClusterTune-Signature: sha256=<hex HMAC-SHA256 of \"<timestamp>.<body>\">. Absent: unsigned.")]
    public V1SecretKeySelector? SecretRef { get; set; }
}
