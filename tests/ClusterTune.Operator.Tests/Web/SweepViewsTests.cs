using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Web;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Web;

/// <summary>What the page is given: rungs, stopped trials, curves, budget.</summary>
public sealed class SweepViewsTests
{
    public static TheoryData<EarlyStoppingType, int?, int?, int?, int, int[]> RungCases => new()
    {
        { EarlyStoppingType.Asha, 1, 9, 3, 9, [1, 3] },
        { EarlyStoppingType.Asha, 1, 27, 3, 9, [1, 3, 9] },
        { EarlyStoppingType.Hyperband, 2, 16, 2, 16, [2, 4, 8] },
        { EarlyStoppingType.Median, null, null, null, 9, [] },
        { EarlyStoppingType.None, null, null, null, 9, [] },
    };

    [Theory]
    [MemberData(nameof(RungCases))]
    public void Rungs_are_the_epochs_the_stopping_rule_compares_at(EarlyStoppingType type, int? min, int? max, int? eta, int epochs, int[] expected)
    {
        var spec = Job(epochs).Spec;
        spec.EarlyStopping = new EarlyStoppingSpec { Type = type, MinResource = min, MaxResource = max, ReductionFactor = eta };
        Assert.Equal(expected, SweepViews.Rungs(FineTuneJobDefaults.Apply(spec)));
    }

    [Fact]
    public void Detail_marks_stopped_trials_orders_curves_and_burns_down_the_budget()
    {
        var start = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var job = Job(3);
        job.Spec.Budget = new BudgetSpec { MaxTrials = 4, MaxDuration = "10m" };
        job.Status = new FineTuneJobStatus { Phase = FineTuneJobPhase.Running, StartTime = start, Trials = new TrialCounts { Total = 2, Succeeded = 1, EarlyStopped = 1 } };
        Trial[] trials =
        [
            new()
            {
                Metadata = new V1ObjectMeta { Name = "j-1" }, Spec = new TrialSpec { Index = 1, Params = new() { ["lrFactor"] = 0.1 } },
                Status = new TrialStatus { Phase = TrialPhase.EarlyStopped, CompletionTime = start.AddMinutes(2),
                    Observations = [new() { Epoch = 1, Value = 0.2 }, new() { Epoch = 1, Value = 0.25 }, new() { Epoch = 2, Value = double.NaN }] },
            },
            new()
            {
                Metadata = new V1ObjectMeta { Name = "j-0" }, Spec = new TrialSpec { Index = 0, Params = new() { ["lrFactor"] = 1.0 } },
                Status = new TrialStatus { Phase = TrialPhase.Succeeded, CompletionTime = start.AddMinutes(1),
                    Observations = [new() { Epoch = 2, Value = 0.5 }, new() { Epoch = 1, Value = 0.3 }] },
            },
        ];
        var d = SweepViews.Detail(job, trials, start.AddMinutes(3));
        Assert.Equal(["j-0", "j-1"], d.Trials.Select(t => t.Name));
        Assert.False(d.Trials[0].Stopped);
        Assert.True(d.Trials[1].Stopped);
        Assert.Equal([new CurvePoint(1, 0.3), new CurvePoint(2, 0.5)], d.Trials[0].Curve);
        // The last value of an epoch wins; NaN points are not drawn.
        Assert.Equal([new CurvePoint(1, 0.25)], d.Trials[1].Curve);
        Assert.Equal(new double[] { 60, 120 }, d.Budget.FinishedAtSeconds);
        Assert.Equal(180, d.Budget.ElapsedSeconds);
        Assert.Equal(600, d.Budget.MaxDurationSeconds);
        Assert.Equal((4, 2), (d.Budget.MaxTrials, d.Budget.TrialsCreated));
        Assert.Equal("Running", d.Summary.Phase);
        // Integral values are integers in the JSON (as in the trial's spec), others doubles.
        Assert.Equal(1L, d.Trials[0].Params["lrFactor"]);
        Assert.Equal(0.1, d.Trials[1].Params["lrFactor"]);
    }

    /// <summary>Rows: lrFactor and loraLrFactor values (null = the default float ranges), the lrFactor axis' categories (empty = numeric, log).</summary>
    [Theory]
    [InlineData(new[] { 0.3, 1, 3 }, new[] { 3.0, 10 }, new[] { 0.3, 1, 3, 10 })]
    [InlineData(null, null, new double[0])]
    public void LoRA_trials_lrFactor_shares_the_lrFactor_axis(double[]? full, double[]? lora, double[] categories)
    {
        var job = Job(3);
        if (full is not null && lora is not null)
        {
            job.Spec.SearchSpace = new SearchSpace
            {
                LrFactor = new ParameterSpec { Type = ParameterType.Categorical, Values = [.. full.Select(v => (ParamValue)v)] },
                LoraLrFactor = new ParameterSpec { Type = ParameterType.Categorical, Values = [.. lora.Select(v => (ParamValue)v)] },
            };
        }

        var d = SweepViews.Detail(job, [], DateTimeOffset.UnixEpoch);
        Assert.Equal(["freezeDepth", "lrFactor", "loraRank"], d.Parameters.Select(p => p.Name));
        var axis = d.Parameters[1];
        Assert.Equal(categories, axis.Categories.Select(Convert.ToDouble));
        Assert.Equal(categories.Length == 0, axis.Numeric && axis.Log);
    }

    private static FineTuneJob Job(int epochs) => new()
    {
        Metadata = new V1ObjectMeta { Name = "j", NamespaceProperty = "default" },
        Spec = new FineTuneJobSpec
        {
            Model = new ModelSpec { BaseCheckpointUri = "/m" },
            Dataset = new DatasetSpec { TrainUri = "/d" },
            Trainer = new TrainerSpec { Image = "t", Epochs = epochs },
            SearchSpace = new SearchSpace(),
        },
    };
}
