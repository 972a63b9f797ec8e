using k8s.Models;

namespace ClusterTune.Kubernetes.Informers;

/// <summary>
/// An object the server holds that does not fit the C# model (e.g. a number beyond int32 in a field the model types
/// as int). The informer leaves it out of its cache and reports it once per resourceVersion instead of failing.
/// </summary>
/// <param name="Key">Its cache key.</param>
/// <param name="Reference">apiVersion, kind, namespace, name, uid and resourceVersion, for an Event about it.</param>
/// <param name="Error">Why it could not be decoded (names the JSON path where the serializer knows it).</param>
public sealed record UndecodableObject(string Key, V1ObjectReference Reference, string Error);
