namespace ClusterTune.ControlPlane.Resources;

/// <summary>The built-in (non-CRD) resources the embedded server serves.</summary>
internal static class BuiltInResources
{
    public static IEnumerable<ResourceType> All()
    {
        yield return Core("pods", "pod", "Pod", true, ["po"], ["all"], ["status", "binding", "log"]);
        yield return Core("namespaces", "namespace", "Namespace", false, ["ns"], [], ["status", "finalize"]);
        yield return Core("nodes", "node", "Node", false, ["no"], [], ["status"]);
        yield return Core("events", "event", "Event", true, ["ev"], [], []);
        yield return EventsV1.Type();
        yield return Core("configmaps", "configmap", "ConfigMap", true, ["cm"], [], []);
        yield return Core("secrets", "secret", "Secret", true, [], [], []);
        yield return Core("services", "service", "Service", true, ["svc"], ["all"], ["status"]);
        yield return Core("serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"], [], []);
        yield return Core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, ["pvc"], [], ["status"]);
        // What an operator install applies (stored and served; no controller acts on them here).
        yield return Grouped("apps", "deployments", "deployment", "Deployment", true, ["deploy"], ["status"]);
        yield return Grouped("policy", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, ["pdb"], ["status"]);
        yield return Grouped("rbac.authorization.k8s.io", "roles", "role", "Role", true, [], []);
        yield return Grouped("rbac.authorization.k8s.io", "rolebindings", "rolebinding", "RoleBinding", true, [], []);
        yield return Grouped("rbac.authorization.k8s.io", "clusterroles", "clusterrole", "ClusterRole", false, [], []);
        yield return Grouped("rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, [], []);
        yield return new ResourceType
        {
            Group = "",
            Version = "v1",
            Plural = "bindings",
            Singular = "binding",
            Kind = "Binding",
            Namespaced = true,
            Verbs = ["create"],
        };
        yield return new ResourceType
        {
            Group = "coordination.k8s.io",
            Version = "v1",
            Plural = "leases",
            Singular = "lease",
            Kind = "Lease",
            Namespaced = true,
        };
        foreach (var review in AccessReviews.Types())
        {
            yield return review;
        }

        yield return new ResourceType
        {
            Group = "apiextensions.k8s.io",
            Version = "v1",
            Plural = "customresourcedefinitions",
            Singular = "customresourcedefinition",
            Kind = "CustomResourceDefinition",
            Namespaced = false,
            ShortNames = ["crd", "crds"],
            Categories = ["api-extensions"],
            Subresources = ["status"],
            TracksGeneration = true,
        };
    }

    private static ResourceType Grouped(string group, string plural, string singular, string kind, bool namespaced, string[] shortNames, string[] sub) =>
        Typed(group, plural, singular, kind, namespaced, shortNames, [], sub, tracksGeneration: sub.Length > 0);

    private static ResourceType Core(string plural, string singular, string kind, bool namespaced, string[] shortNames, string[] categories, string[] sub) =>
        Typed("", plural, singular, kind, namespaced, shortNames, categories, sub);

    private static ResourceType Typed(string group, string plural, string singular, string kind, bool namespaced, string[] shortNames, string[] categories, string[] sub,
        bool tracksGeneration = false) =>
        new()
        {
            Group = group,
            Version = "v1",
            Plural = plural,
            Singular = singular,
            Kind = kind,
            Namespaced = namespaced,
            ShortNames = shortNames,
            Categories = categories,
            Subresources = sub,
            TracksGeneration = tracksGeneration,
        };
}
