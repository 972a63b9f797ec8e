using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using FsCheck;
using FsCheck.Fluent;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class BestTrialSelectorTests
{
    [Fact]
    public void Best_is_finite_optimal_succeeded_and_the_lowest_index_among_ties()
    {
        // Objectives from a small set so ties are common; NaN and infinities included; some trials not Succeeded.
        var objective = Gen.Elements(0.1, 0.5, 0.5, 0.9, double.NaN, double.PositiveInfinity, double.NegativeInfinity);
        var trial = Gen.Zip(objective, Gen.Elements(TrialPhase.Succeeded, TrialPhase.Succeeded, TrialPhase.Failed, TrialPhase.Running));
        var prop = Prop.ForAll(Gen.ListOf(trial).Select(l => l.ToList()).ToArbitrary(), Gen.Elements(ObjectiveDirection.Minimize, ObjectiveDirection.Maximize).ToArbitrary(), (list, direction) =>
        {
            var trials = list.Select((x, i) => Trial(i, new TrialStatus { Phase = x.Item2, Objective = x.Item1 })).Reverse().ToList();
            var best = BestTrialSelector.Select(trials, direction);
            var eligible = list.Select((x, i) => (x.Item1, x.Item2, i)).Where(x => x.Item2 == TrialPhase.Succeeded && double.IsFinite(x.Item1)).ToList();
            if (eligible.Count == 0)
            {
                return best is null;
            }

            var target = direction == ObjectiveDirection.Minimize ? eligible.Min(x => x.Item1) : eligible.Max(x => x.Item1);
            var index = eligible.Where(x => x.Item1 == target).Min(x => x.i);
            return best is not null && best.Spec.Index == index && best.Status!.Objective == target;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), prop);
    }
}
