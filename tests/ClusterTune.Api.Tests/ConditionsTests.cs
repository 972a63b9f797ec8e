using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class ConditionsTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);

    private static V1Condition Running(string status, string reason, long gen = 1) =>
        new() { Type = ConditionTypes.Running, Status = status, Reason = reason, Message = reason, ObservedGeneration = gen };

    [Fact]
    public void Adds_a_new_condition_at_now()
    {
        var list = Conditions.Set(null, Running(ConditionStatus.True, ConditionReasons.TrialsRunning), T0);
        Assert.Equal(T0, Assert.Single(list).LastTransitionTime);
    }

    [Fact]
    public void Same_status_keeps_the_transition_time_but_updates_reason_and_generation()
    {
        var list = Conditions.Set(null, Running(ConditionStatus.True, ConditionReasons.TrialsRunning), T0);
        list = Conditions.Set(list, Running(ConditionStatus.True, ConditionReasons.WaitingForTrials, gen: 2), T1);
        var c = Assert.Single(list);
        Assert.Equal(T0, c.LastTransitionTime);
        Assert.Equal(ConditionReasons.WaitingForTrials, c.Reason);
        Assert.Equal(2, c.ObservedGeneration);
    }

    [Fact]
    public void Status_change_moves_the_transition_time_and_leaves_other_types_alone()
    {
        var list = Conditions.Set(null, new V1Condition { Type = ConditionTypes.Validated, Status = ConditionStatus.True, Reason = ConditionReasons.SpecValid }, T0);
        list = Conditions.Set(list, Running(ConditionStatus.True, ConditionReasons.TrialsRunning), T0);
        var before = list.ToList();
        list = Conditions.Set(list, Running(ConditionStatus.False, ConditionReasons.Finished), T1);
        Assert.Equal(T1, Conditions.Find(list, ConditionTypes.Running)!.LastTransitionTime);
        Assert.Same(before[0], list[0]);
        Assert.True(Conditions.IsTrue(list, ConditionTypes.Validated));
        Assert.False(Conditions.IsTrue(list, ConditionTypes.Running));
        Assert.Equal(ConditionStatus.True, before[1].Status); // the input list was not modified
    }

    [Fact]
    public void Catalog_values_are_unique_and_camel_case()
    {
        foreach (var catalog in new[] { typeof(ConditionTypes), typeof(ConditionReasons), typeof(TrialReasons), typeof(EventReasons) })
        {
            var values = catalog.GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
            Assert.NotEmpty(values);
            Assert.Equal(values.Count, values.Distinct().Count());
            Assert.All(values, v => Assert.Matches("^[A-Z][A-Za-z0-9]*$", v));
        }
        Assert.Equal(typeof(ConditionTypes).GetFields().Count(f => f.IsLiteral), ConditionTypes.All.Count);
        Assert.Equal("clustertune.io/cleanup", Finalizers.Cleanup);
    }
}
