using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class TrialPodPolicyTests
{
    private static V1EnvVar SecretEnv(string secret) =>
        new() { Name = "HF_TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = "token" } } };

    public static TheoryData<string, string?, string?, string[], string[], string[]> Cases => new()
    {
        // name, serviceAccountName, secret in env[0], allowed SAs, allowed secrets, expected error paths
        { "nothing borrowed", null, null, [], [], [] },
        { "default SA is always allowed", "default", null, [], [], [] },
        { "other SA refused by default", "admin", null, [], [], ["spec.trainer.serviceAccountName"] },
        { "SA allowed by name", "trainer", null, ["trainer"], [], [] },
        { "SA allowed in this namespace", "trainer", null, [$"{Ns}/trainer"], [], [] },
        { "SA allowed only in another namespace", "trainer", null, ["other/trainer"], [], ["spec.trainer.serviceAccountName"] },
        { "any SA", "admin", null, ["*"], [], [] },
        { "secretKeyRef refused by default", null, "db", [], [], ["spec.trainer.env[0].valueFrom.secretKeyRef"] },
        { "secret allowed", null, "hf", [], [$"{Ns}/hf"], [] },
        { "other secret refused", null, "db", [], ["hf"], ["spec.trainer.env[0].valueFrom.secretKeyRef"] },
        { "both refused", "admin", "db", [], [], ["spec.trainer.serviceAccountName", "spec.trainer.env[0].valueFrom.secretKeyRef"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Service_accounts_and_secrets_need_the_operators_allowance(string name, string? sa, string? secret, string[] allowedSas, string[] allowedSecrets, string[] expected)
    {
        var job = Job(s =>
        {
            s.Trainer.ServiceAccountName = sa;
            s.Trainer.Env = secret is null ? null : [SecretEnv(secret)];
        });
        var errors = TrialPodPolicy.Check(job, new OperatorOptions { AllowedServiceAccounts = allowedSas, AllowedSecrets = allowedSecrets });
        Assert.True(expected.SequenceEqual(errors.Select(e => e.Path)), $"{name}: {string.Join("; ", errors)}");
    }

    [Fact]
    public void A_refused_job_is_invalid_with_a_message_naming_the_field_and_the_flag()
    {
        var job = Job(s => s.Trainer.ServiceAccountName = "admin");
        var plan = PlanJob(job);
        var validated = plan.Status.Conditions!.Single(c => c.Type == ClusterTune.Api.V1Alpha1.ConditionTypes.Validated);
        Assert.Equal(("False", ClusterTune.Api.V1Alpha1.ConditionReasons.SpecInvalid), (validated.Status, validated.Reason));
        Assert.Contains("spec.trainer.serviceAccountName", validated.Message);
        Assert.Contains($"--allow-service-account {Ns}/admin", validated.Message);
        Assert.Contains(plan.Events, e => e.Reason == ClusterTune.Api.V1Alpha1.EventReasons.SpecInvalid && e.Message.Contains("--allow-service-account", StringComparison.Ordinal));
        Assert.Empty(plan.TrialsToCreate);
    }
}
