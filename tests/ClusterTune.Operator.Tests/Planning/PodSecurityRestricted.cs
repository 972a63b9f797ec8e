using k8s.Models;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>
/// The Pod Security Standards "restricted" profile (which includes "baseline"), written from the specification
/// (kubernetes.io/docs/concepts/security/pod-security-standards, policy version latest) as one check per rule. Each
/// returns the rule's name when the pod breaks it. Init and ephemeral containers are checked like containers.
/// </summary>
internal static class PodSecurityRestricted
{
    private static readonly HashSet<string> RestrictedVolumeTypes =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    private static readonly HashSet<string> BaselineCapabilities =
        ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];

    private static readonly HashSet<string> SafeSysctls =
        ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
         "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
         "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];

    /// <summary>Each rule of the profile: its name and whether <c>pod</c> satisfies it.</summary>
    public static readonly IReadOnlyList<(string Rule, Func<V1Pod, bool> Holds)> Rules =
    [
        // Baseline
        ("baseline: HostProcess", p => p.Spec.SecurityContext?.WindowsOptions?.HostProcess != true && All(p).All(c => c.SecurityContext?.WindowsOptions?.HostProcess != true)),
        ("baseline: host namespaces", p => p.Spec.HostNetwork != true && p.Spec.HostPID != true && p.Spec.HostIPC != true),
        ("baseline: privileged containers", p => All(p).All(c => c.SecurityContext?.Privileged != true)),
        ("baseline: capabilities", p => All(p).All(c => (c.SecurityContext?.Capabilities?.Add ?? []).All(BaselineCapabilities.Contains))),
        ("baseline: hostPath volumes", p => (p.Spec.Volumes ?? []).All(v => v.HostPath is null)),
        ("baseline: host ports", p => All(p).All(c => (c.Ports ?? []).All(port => port.HostPort is null or 0))),
        ("baseline: AppArmor", p => AppArmorOk(p.Spec.SecurityContext?.AppArmorProfile) && All(p).All(c => AppArmorOk(c.SecurityContext?.AppArmorProfile))),
        ("baseline: SELinux", p => SeLinuxOk(p.Spec.SecurityContext?.SeLinuxOptions) && All(p).All(c => SeLinuxOk(c.SecurityContext?.SeLinuxOptions))),
        ("baseline: /proc mount type", p => All(p).All(c => c.SecurityContext?.ProcMount is null or "Default")),
        ("baseline: seccomp", p => p.Spec.SecurityContext?.SeccompProfile?.Type != "Unconfined" && All(p).All(c => c.SecurityContext?.SeccompProfile?.Type != "Unconfined")),
        ("baseline: sysctls", p => (p.Spec.SecurityContext?.Sysctls ?? []).All(s => SafeSysctls.Contains(s.Name))),
        // Restricted
        ("restricted: volume types", p => (p.Spec.Volumes ?? []).All(v => RestrictedVolumeTypes.Contains(VolumeType(v)))),
        ("restricted: privilege escalation", p => All(p).All(c => c.SecurityContext?.AllowPrivilegeEscalation == false)),
        ("restricted: running as non-root", p => All(p).All(c => (c.SecurityContext?.RunAsNonRoot ?? p.Spec.SecurityContext?.RunAsNonRoot) == true)),
        ("restricted: running as non-root user", p => p.Spec.SecurityContext?.RunAsUser != 0 && All(p).All(c => c.SecurityContext?.RunAsUser != 0)),
        ("restricted: seccomp", p => All(p).All(c => (c.SecurityContext?.SeccompProfile?.Type ?? p.Spec.SecurityContext?.SeccompProfile?.Type) is "RuntimeDefault" or "Localhost")),
        ("restricted: capabilities", p => All(p).All(c => c.SecurityContext?.Capabilities?.Drop?.Contains("ALL") == true
            && (c.SecurityContext.Capabilities.Add ?? []).All(a => a == "NET_BIND_SERVICE"))),
    ];

    /// <summary>The rules <paramref name="pod"/> breaks.</summary>
    public static IReadOnlyList<string> Violations(V1Pod pod) => Rules.Where(r => !r.Holds(pod)).Select(r => r.Rule).ToList();

    private static IEnumerable<V1Container> All(V1Pod p) => [.. p.Spec.Containers, .. p.Spec.InitContainers ?? []];

    private static bool AppArmorOk(V1AppArmorProfile? profile) => profile?.Type is null or "RuntimeDefault" or "Localhost";

    private static bool SeLinuxOk(V1SELinuxOptions? o) =>
        o is null || (o.Type is null or "" or "container_t" or "container_init_t" or "container_kvm_t" or "container_engine_t" && string.IsNullOrEmpty(o.User) && string.IsNullOrEmpty(o.Role));

    private static string VolumeType(V1Volume v) =>
        v.ConfigMap is not null ? "configMap" : v.Csi is not null ? "csi" : v.DownwardAPI is not null ? "downwardAPI" : v.EmptyDir is not null ? "emptyDir"
        : v.Ephemeral is not null ? "ephemeral" : v.PersistentVolumeClaim is not null ? "persistentVolumeClaim" : v.Projected is not null ? "projected"
        : v.Secret is not null ? "secret" : v.HostPath is not null ? "hostPath" : "other";
}
