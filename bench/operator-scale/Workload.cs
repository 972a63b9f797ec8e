using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>
/// The sweeps of the bench: TPE over lrFactor × freezeDepth × loraRank with median early stopping, each job with
/// <see cref="BenchOptions.History"/> finished trials already in the API (so the sampler works over a real history)
/// and <see cref="BenchOptions.NewTrials"/> more to run. The objective is a known function of the parameters plus noise.
/// </summary>
internal sealed record Seeded(TimeSpan Took, IReadOnlyList<(string Dir, string Trial)> BestCheckpoints);

internal static class Workload
{
    public const string Namespace = "default";
    public const string Image = "clustertune/simulated-trainer:bench";

    /// <summary>Trial-to-trial noise of the objective: wide enough that TPE's proposals still lose to the median sometimes.</summary>
    public const double NoiseAmplitude = 0.3;

    public static string JobName(int j) => $"scale-{j:D4}";

    public static FineTuneJob Job(int j, BenchOptions o) => new()
    {
        ApiVersion = $"{ApiGroup.Group}/{ApiGroup.Version}",
        Kind = FineTuneJob.KindName,
        Metadata = new V1ObjectMeta { Name = JobName(j), NamespaceProperty = Namespace },
        Spec = new FineTuneJobSpec
        {
            Model = new ModelSpec { BaseCheckpointUri = "/models/base" },
            Dataset = new DatasetSpec { TrainUri = "/data/train" },
            Trainer = new TrainerSpec { Image = Image, Epochs = o.Epochs },
            Objective = new ObjectiveSpec { Metric = "accuracy", Direction = ObjectiveDirection.Maximize },
            SearchSpace = new SearchSpace
            {
                LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 1e-3, Max = 1, Scale = ParameterScale.Log },
                FreezeDepth = new ParameterSpec { Type = ParameterType.Int, Min = 0, Max = 4 },
                LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [ParamValue.Of(0L), ParamValue.Of(4L), ParamValue.Of(8L), ParamValue.Of(16L)] },
            },
            Algorithm = new AlgorithmSpec { Name = AlgorithmName.Tpe, Seed = j },
            EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Median },
            Budget = new BudgetSpec { MaxTrials = o.History + o.NewTrials, Parallelism = o.Parallelism },
            RetryPolicy = new RetryPolicy { MaxAttempts = 2 },
        },
    };

    /// <summary>Accuracy after <paramref name="epoch"/> epochs: best near lrFactor 0.1, freezeDepth 0, rank 8; rises with epochs.</summary>
    public static double Accuracy(double lrFactor, long freezeDepth, long loraRank, int epoch, int epochs, double noise)
    {
        var final = 0.95 - Math.Abs(Math.Log10(lrFactor) + 1) / 4 - freezeDepth / 50.0 - Math.Abs(Math.Log2(loraRank + 1) - 3) / 40 + noise;
        return final * (1 - 0.5 * Math.Pow(0.5, epoch)) / (1 - 0.5 * Math.Pow(0.5, epochs));
    }

    /// <summary>A finished trial of job <paramref name="job"/>'s history (index <paramref name="i"/>), without status (create strips it).</summary>
    public static (Trial Trial, TrialStatus Status) HistoryTrial(FineTuneJob job, int i, BenchOptions o, string checkpointRoot, Random rng, DateTimeOffset now)
    {
        var lr = Math.Pow(10, -3 + 3 * rng.NextDouble());
        var freeze = (long)rng.Next(0, 5);
        var rank = new[] { 0L, 4L, 8L, 16L }[rng.Next(4)];
        var noise = (rng.NextDouble() - 0.5) * NoiseAmplitude;
        // A third of a realistic history was stopped early by the median rule.
        var stoppedAt = rng.NextDouble() < 0.33 ? rng.Next(1, o.Epochs) : o.Epochs;
        var name = ResourceNames.Trial(job.Metadata.Name!, i);
        var dir = Path.Combine(checkpointRoot, Namespace, job.Metadata.Name!, "trials", name);
        var observations = Enumerable.Range(1, stoppedAt).Select(e => new Observation { Epoch = e, Step = e * 100L, Value = Math.Round(Accuracy(lr, freeze, rank, e, o.Epochs, noise), 5) }).ToList();
        var objective = observations.Max(x => x.Value);
        var start = now - TimeSpan.FromMinutes(5 * (o.History - i + 1));
        var trial = new Trial
        {
            ApiVersion = $"{ApiGroup.Group}/{ApiGroup.Version}",
            Kind = Trial.KindName,
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = Namespace,
                Labels = new Dictionary<string, string>
                {
                    [LabelKeys.Job] = job.Metadata.Name!,
                    [LabelKeys.Trial] = name,
                    [LabelKeys.TrialIndex] = i.ToString(CultureInfo.InvariantCulture),
                    [LabelKeys.Shard] = JobShards.Label(Namespace, job.Metadata.Name!),
                    [LabelKeys.ManagedBy] = LabelKeys.ManagedByValue,
                },
                OwnerReferences = [JobPlanner.Owner(job)],
            },
            Spec = new TrialSpec
            {
                JobName = job.Metadata.Name!,
                Index = i,
                Params = new Dictionary<string, ParamValue>
                {
                    [KnobNames.LrFactor] = ParamValue.Of(lr),
                    [KnobNames.FreezeDepth] = ParamValue.Of(freeze),
                    [KnobNames.LoraRank] = ParamValue.Of(rank),
                },
                Epochs = o.Epochs,
                Stop = stoppedAt < o.Epochs ? true : null,
            },
        };
        var status = new TrialStatus
        {
            ObservedGeneration = 1,
            Phase = stoppedAt < o.Epochs ? TrialPhase.EarlyStopped : TrialPhase.Succeeded,
            Observations = observations,
            Attempts = 1,
            PodName = $"{name}-1",
            Epoch = stoppedAt,
            Objective = objective,
            Metrics = new Dictionary<string, double> { ["accuracy"] = objective },
            CheckpointUri = Path.Combine(dir, "best"),
            LastCheckpointUri = Path.Combine(dir, "last"),
            Reason = stoppedAt < o.Epochs ? TrialReasons.EarlyStopped : TrialReasons.Completed,
            Message = stoppedAt < o.Epochs ? $"stopped at epoch {stoppedAt}" : $"completed {o.Epochs} epochs",
            StartTime = start,
            CompletionTime = start + TimeSpan.FromMinutes(3),
            GpuSeconds = 0,
        };
        return (trial, status);
    }

    /// <summary>Creates the jobs and their histories through the API (create, then /status: create ignores status, as on a real server).</summary>
    public static async Task<Seeded> SeedAsync(IKubernetes client, BenchOptions o, string checkpointRoot)
    {
        var bestCheckpoints = new System.Collections.Concurrent.ConcurrentBag<(string Dir, string Trial)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 32 };
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Jobs), parallel, async (j, ct) =>
        {
            var job = await client.CreateAsync(Job(j, o), ct);
            var rng = new Random(j * 7919 + 17);
            (Trial Trial, TrialStatus Status)? best = null;
            for (var i = 0; i < o.History; i++)
            {
                var (trial, status) = HistoryTrial(job, i, o, checkpointRoot, rng, now);
                var created = await client.CreateAsync(trial, ct);
                created.Status = status;
                await client.ReplaceAsync(created, status: true, ct);
                if (best is null || status.Objective > best.Value.Status.Objective)
                {
                    best = (trial, status);
                }
            }
            // Only the best history trial can be promoted: give it the checkpoint a trainer would have left.
            if (best is { } b)
            {
                bestCheckpoints.Add((b.Status.CheckpointUri!, b.Trial.Metadata.Name!));
            }
        });
        return new Seeded(clock.Elapsed, bestCheckpoints.ToList());
    }

    /// <summary>
    /// Puts the seeded state back before a configuration runs: the previous run's new trials and pods deleted, each
    /// job's status and finalizer cleared (a job never reconciled), the history's best checkpoints present.
    /// </summary>
    public static async Task ResetAsync(IKubernetes client, BenchOptions o, Seeded seeded)
    {
        foreach (var (dir, trial) in seeded.BestCheckpoints)
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "model.safetensors"), $"{{\"trial\":\"{trial}\"}}");
        }
        var pods = await client.ListAllAsync<V1Pod>(Namespace, $"{LabelKeys.ManagedBy}={LabelKeys.ManagedByValue}");
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 32 };
        await Parallel.ForEachAsync(pods, parallel, async (p, ct) => await client.DeleteAsync<V1Pod>(p.Metadata.Name!, Namespace, new V1DeleteOptions { GracePeriodSeconds = 0 }, ct));
        // The server runs without its garbage collector here, so the previous configuration's token Secrets (owned by
        // the Trials deleted below) would stay, and the next configuration's pod of the same name would find its
        // Secret taken: a 409 and a patch per trial (the "patch secrets" of earlier 3-silo runs, which always ran second).
        var secrets = await client.ListAllAsync<V1Secret>(Namespace, $"{LabelKeys.ManagedBy}={LabelKeys.ManagedByValue}");
        await Parallel.ForEachAsync(secrets, parallel, async (s, ct) => await client.DeleteAsync<V1Secret>(s.Metadata.Name!, Namespace, null, ct));
        await Parallel.ForEachAsync(Enumerable.Range(0, o.Jobs), parallel, async (j, ct) =>
        {
            for (var i = o.History; i < o.History + o.NewTrials; i++)
            {
                try
                {
                    await client.DeleteAsync<Trial>(ResourceNames.Trial(JobName(j), i), Namespace, null, ct);
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.IsNotFound())
                {
                }
            }
            var job = await client.GetAsync<FineTuneJob>(JobName(j), Namespace, ct);
            if (job.Status is null && job.Metadata.Finalizers is null or { Count: 0 })
            {
                return;
            }

            await client.MergePatchAsync<FineTuneJob>(job.Metadata.Name!, new { metadata = new { finalizers = (string[]?)null } }, Namespace, ct);
            job = await client.GetAsync<FineTuneJob>(JobName(j), Namespace, ct);
            job.Status = new FineTuneJobStatus();
            await client.ReplaceAsync(job, status: true, ct);
        });
    }
}
