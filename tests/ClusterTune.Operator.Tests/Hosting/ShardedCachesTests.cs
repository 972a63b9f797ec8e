using ClusterTune.Api.Contract;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.ControlPlane;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Planning;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>A silo's caches hold the Trials of the shards it owns, listed by label selector from a real (embedded) API server.</summary>
public sealed class ShardedCachesTests
{
    // A real (embedded) API server with the CRDs, and a client of it with the test namespace made.
    private static async Task<EmbeddedApiServer> ServerAsync()
    {
        var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { Port = 0 });
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            server.InstallCrds(yaml);
        }
        return server;
    }

    private static async Task<k8s.Kubernetes> ClientAsync(EmbeddedApiServer server, params DelegatingHandler[] handlers)
    {
        var client = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress), extraHandlers: handlers);
        await client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        return client;
    }

    private static string JobInShard(Func<int, bool> fits, string prefix) =>
        Enumerable.Range(0, 10_000).Select(i => $"{prefix}-{i}").First(n => fits(JobShards.Of(Ns, n)));

    private static Trial TrialOf(string job, bool labelled = true)
    {
        var t = Trial(0);
        t.Metadata.Name = ResourceNames.Trial(job, 0);
        t.Metadata.Uid = null;
        t.Metadata.Labels![LabelKeys.Job] = job;
        t.Metadata.Labels[LabelKeys.Trial] = t.Metadata.Name;
        if (labelled)
        {
            t.Metadata.Labels[LabelKeys.Shard] = JobShards.Label(Ns, job);
        }

        t.Spec.JobName = job;
        return t;
    }

    [Fact]
    public async Task Caches_list_only_their_shards_and_a_change_of_shards_lists_only_what_it_gains_and_moves_the_handlers()
    {
        await using var server = await ServerAsync();
        var client = await ClientAsync(server);
        var a = JobInShard(_ => true, "a");
        var b = JobInShard(s => s != JobShards.Of(Ns, a), "b");
        var (shardA, shardB) = (JobShards.Of(Ns, a), JobShards.Of(Ns, b));
        var legacy = JobInShard(s => s != shardA && s != shardB, "old");
        foreach (var t in new[] { TrialOf(a), TrialOf(b), TrialOf(legacy, labelled: false) })
        {
            await client.CreateAsync(t);
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var caches = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        var added = new List<string>();
        caches.AddTrialHandler(new InformerHandler<Trial>(OnAdd: t => { lock (added) { added.Add(t.Spec.JobName); } }));
        HashSet<int> AllBut(int shard) => [.. Enumerable.Range(0, JobShards.Count).Where(s => s != shard)];
        caches.StartWith(AllBut(shardB));
        var run = caches.RunAsync(stop.Token);
        await caches.WaitForSyncAsync(stop.Token);

        Assert.Equal([a], caches.Trials.List().Select(t => t.Spec.JobName));
        Assert.Equal((true, false), (caches.Covers(Ns, a), caches.Covers(Ns, b)));
        Assert.False(await caches.WaitForShardAsync(shardB, TimeSpan.FromMilliseconds(300), stop.Token));

        // Gaining a shard lists only that shard, as a second group beside the first.
        var waiting = caches.WaitForShardAsync(shardB, TimeSpan.FromSeconds(30), stop.Token);
        await caches.SetShardsAsync(Enumerable.Range(0, JobShards.Count).ToHashSet(), stop.Token);
        Assert.True(await waiting);
        Assert.Equal([a, b], caches.Trials.List().Select(t => t.Spec.JobName).Order());
        Assert.Equal(2, caches.Trials.Informers.Count);
        lock (added)
        {
            Assert.Equal([a, b], added); // the handler is on the new group too, and nothing was listed twice
        }

        // Losing one shard of many: it is no longer owned (its grains were released), and nothing is relisted.
        await caches.SetShardsAsync(AllBut(shardA), stop.Token);
        Assert.Equal((false, true), (caches.Covers(Ns, a), caches.Covers(Ns, b)));
        Assert.Equal(2, caches.Trials.Informers.Count);

        // Keeping one shard of the many watched: the owned set is listed afresh as one group.
        await caches.SetShardsAsync(new HashSet<int> { shardB }, stop.Token);
        Assert.Equal([b], caches.Trials.List().Select(t => t.Spec.JobName));
        Assert.Single(caches.Trials.Informers);

        // A trial created now reaches the caches only if its shard is cached.
        await client.CreateAsync(TrialOf(JobInShard(s => s == shardB, "b2")));
        await client.CreateAsync(TrialOf(JobInShard(s => s == shardA, "a2")));
        await Eventually(() => caches.Trials.Count == 2);
        Assert.DoesNotContain(caches.Trials.List(), t => JobShards.Of(Ns, t.Spec.JobName) == shardA);

        // All shards: no selector, so objects made before shards existed are listed too.
        await caches.SetShardsAsync(null, stop.Token);
        Assert.Equal(5, caches.Trials.Count);
        Assert.Contains(caches.Trials.List(), t => t.Spec.JobName == legacy);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10)); // every group's informers stop with it
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    // A reconcile that runs before the informer shows the Trials the last one created plans on them as created:
    // here the cache never shows them (their shard is not this silo's), the sharpest form of that lag.
    [Fact]
    public async Task A_job_reconcile_does_not_create_again_the_trials_its_cache_does_not_show_yet()
    {
        var posts = new RequestCounter(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/" + ClusterTune.Api.V1Alpha1.Trial.Plural, StringComparison.Ordinal));
        await using var server = await ServerAsync();
        var client = await ClientAsync(server, posts);
        var job = Job();
        job.Metadata.Uid = null;
        job.Metadata.Finalizers = [Finalizers.Cleanup];
        await client.CreateAsync(job);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var caches = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        caches.StartWith(new HashSet<int> { (JobShards.Of(Ns, JobName) + 1) % JobShards.Count });
        var run = caches.RunAsync(stop.Token);
        await caches.WaitForSyncAsync(stop.Token);
        var root = Directory.CreateTempSubdirectory("ct-expect-").FullName;
        // The actions read back what they create through the caches (CacheView.Created), as OperatorRuntime wires them.
        var reconciler = new FineTuneJobReconciler(caches, new ApiActions(client, new Kubernetes.Recording.EventRecorder(client, "test"), caches),
            new ClusterTune.Operator.Checkpoints.CheckpointManager(root, TimeProvider.System), () => new OperatorOptions { CheckpointRoot = root }, TimeProvider.System);

        var before = caches.Jobs.Get(Ns, JobName)!.Metadata.ResourceVersion;
        await reconciler.ReconcileAsync(ObjectKey.Of(Ns, JobName), stop.Token);
        var first = posts.Count;
        await Eventually(() => caches.Jobs.Get(Ns, JobName)!.Metadata.ResourceVersion != before); // its status write is cached
        await reconciler.ReconcileAsync(ObjectKey.Of(Ns, JobName), stop.Token);

        Assert.Equal(2, first); // parallelism 2
        Assert.Equal(first, posts.Count);
        await stop.CancelAsync();
        await run;
    }

    // A re-created job's trial (status not yet written) must not adopt the final state of the deleted job's pod of the
    // same name: pod names do not carry the owner, so the owner reference decides.
    [Fact]
    public async Task A_new_trial_does_not_adopt_a_deleted_namesake_pod_of_another_trial()
    {
        await using var server = await ServerAsync();
        var client = await ClientAsync(server);
        var job = Job();
        job.Metadata.Uid = null;
        job.Metadata.Finalizers = [Finalizers.Cleanup];
        job = await client.CreateAsync(job);
        var trial = Trial(0);
        trial.Metadata.Uid = null;
        trial.Metadata.OwnerReferences = [ClusterTune.Operator.Planning.JobPlanner.Owner(job)];
        trial.Metadata.Labels![LabelKeys.Shard] = JobShards.Label(Ns, JobName);
        trial = await client.CreateAsync(trial);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var caches = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        var run = caches.RunAsync(stop.Token);
        await caches.WaitForSyncAsync(stop.Token);
        // The old job's pod of the same name ended with a result, and was deleted with its job.
        var old = Terminated(1, 0, message: Result(objective: 0.99), started: At(0), finished: At(1));
        old.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "clustertune.io/v1alpha1", Kind = "Trial", Name = trial.Metadata.Name, Uid = "the-old-trial", Controller = true }];
        caches.DeletedPods.Add(old);
        var root = Directory.CreateTempSubdirectory("ct-namesake-").FullName;
        var reconciler = new TrialReconciler(caches, new ApiActions(client, new Kubernetes.Recording.EventRecorder(client, "test")),
            () => new OperatorOptions { CheckpointRoot = root }, TimeProvider.System, () => "token");

        await reconciler.ReconcileAsync(ObjectKey.Of(Ns, trial.Metadata.Name!), stop.Token);

        var stored = await client.GetAsync<Trial>(trial.Metadata.Name!, Ns);
        Assert.NotEqual(TrialPhase.Succeeded, stored.Status?.Phase); // it did not finish with the old run's result
        Assert.NotNull(await client.TryGetAsync<V1Pod>(ResourceNames.Pod(JobName, 0, 1), Ns)); // it started its own pod
        await stop.CancelAsync();
        await run;
    }

    // A trial whose end is recorded and whose pod is gone is reconciled from the caches alone: a silo taking over a shard of
    // finished sweeps used to GET (404) the pod of every finished trial. A running trial's missing pod is still read live
    // (the cache may lag the create), and found gone it is retried.
    [Fact]
    public async Task An_ended_trial_whose_pod_is_gone_is_reconciled_without_a_live_read_of_the_pod()
    {
        var podGets = new RequestCounter(r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains("/pods/", StringComparison.Ordinal));
        await using var server = await ServerAsync();
        var client = await ClientAsync(server, podGets);
        var job = Job();
        job.Metadata.Uid = null;
        job.Metadata.Finalizers = [Finalizers.Cleanup];
        job = await client.CreateAsync(job);
        var trials = new List<Trial>();
        foreach (var (index, status) in new[] { (0, Done(0, 0.9).Status!), (1, Status(TrialPhase.Running, epoch: 1)) })
        {
            var t = Trial(index);
            t.Metadata.Uid = null;
            t.Metadata.OwnerReferences = [JobPlanner.Owner(job)];
            t.Metadata.Labels![LabelKeys.Shard] = JobShards.Label(Ns, JobName);
            t = await client.CreateAsync(t);
            status.PodName = ResourceNames.Pod(JobName, index, 1); // never created
            trials.Add(await client.PatchStatusAsync<Trial>(t.Metadata.Name!, new { status }, Ns));
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var caches = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        var run = caches.RunAsync(stop.Token);
        await caches.WaitForSyncAsync(stop.Token);
        var root = Directory.CreateTempSubdirectory("ct-ended-").FullName;
        var reconciler = new TrialReconciler(caches, new ApiActions(client, new Kubernetes.Recording.EventRecorder(client, "test")),
            () => new OperatorOptions { CheckpointRoot = root }, TimeProvider.System, () => "token");

        await reconciler.ReconcileAsync(ObjectKey.Of(Ns, trials[0].Metadata.Name!), stop.Token);
        Assert.Equal(0, podGets.Count);
        Assert.Equal(TrialPhase.Succeeded, (await client.GetAsync<Trial>(trials[0].Metadata.Name!, Ns)).Status!.Phase);

        await reconciler.ReconcileAsync(ObjectKey.Of(Ns, trials[1].Metadata.Name!), stop.Token);
        Assert.Equal(1, podGets.Count);
        Assert.Equal(2, (await client.GetAsync<Trial>(trials[1].Metadata.Name!, Ns)).Status!.Attempts); // its lost pod is retried
        await stop.CancelAsync();
        await run;
    }

    // The sweep page lists the other shards' trials once per CacheSweepSource.RemoteFor on the injected clock.
    [Fact]
    public async Task The_sweep_page_reuses_one_list_of_the_other_shards_trials_for_five_seconds_of_its_clock()
    {
        await using var server = await ServerAsync();
        // Lists (not watches) of the other shards' trials.
        var lists = new RequestCounter(r => r.Method == HttpMethod.Get && Uri.UnescapeDataString(r.RequestUri!.Query).Contains("notin", StringComparison.Ordinal)
                                            && !r.RequestUri.Query.Contains("watch=true", StringComparison.Ordinal));
        var client = await ClientAsync(server, lists);
        var remote = JobInShard(s => s != 0, "remote");
        await client.CreateAsync(TrialOf(remote));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var caches = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        caches.StartWith(new HashSet<int> { 0 });
        var run = caches.RunAsync(stop.Token);
        await caches.WaitForSyncAsync(stop.Token);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        var source = new ClusterTune.Operator.Web.CacheSweepSource(caches, client, time);
        var job = new FineTuneJob { Metadata = new V1ObjectMeta { Name = remote, NamespaceProperty = Ns, Uid = "job-uid" } };

        Assert.Single(await source.TrialsAsync(job, stop.Token));
        var second = TrialOf(remote);
        second.Metadata.Name = ResourceNames.Trial(remote, 1);
        second.Metadata.Labels![LabelKeys.Trial] = second.Metadata.Name;
        await client.CreateAsync(second);
        time.Advance(ClusterTune.Operator.Web.CacheSweepSource.RemoteFor - TimeSpan.FromMilliseconds(1));
        Assert.Single(await source.TrialsAsync(job, stop.Token)); // the same list
        Assert.Equal(1, lists.Count);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await source.TrialsAsync(job, stop.Token)).Count);
        Assert.Equal(2, lists.Count);
        await stop.CancelAsync();
        await run;
    }

    // Counts the requests that match (and passes every request on).
    private sealed class RequestCounter(Func<HttpRequestMessage, bool> matches) : DelegatingHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (matches(request))
            {
                Interlocked.Increment(ref _count);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    // A reconcile that runs again before the watch delivered its last write must plan on that write, not on the version
    // it replaced: else its next write carries a stale resourceVersion and is refused with 409 (0.07–0.12 writes per
    // trial in the scale bench). The watch is stopped here, so the cache stays behind for as long as the test needs.
    [Fact]
    public async Task Reads_see_this_silos_own_trial_write_until_the_cache_catches_up()
    {
        await using var server = await ServerAsync();
        var client = await ClientAsync(server);
        var created = await client.CreateAsync(TrialOf("own"));
        var caches = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        using (var stop = new CancellationTokenSource())
        {
            var running = caches.RunAsync(stop.Token);
            await caches.WaitForSyncAsync(CancellationToken.None);
            await stop.CancelAsync();
            await running;
        }

        var api = new ApiActions(client, new Kubernetes.Recording.EventRecorder(client, "test"), caches);
        var key = ObjectKey.Of(created);
        var first = caches.Trials.Get(key)!;
        Assert.True(await api.PatchAsync(first, ApiCopy.With(first, t => t.Status = new TrialStatus { Phase = TrialPhase.Running }), status: true, CancellationToken.None));
        var read = caches.Trials.Get(key)!;
        Assert.NotEqual(first.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal(TrialPhase.Running, read.Status!.Phase);
        Assert.Equal(read.Metadata.ResourceVersion, Assert.Single(caches.Trials.ListByLabel(LabelKeys.Job, "own")).Metadata.ResourceVersion);
        Assert.Equal(first.Metadata.ResourceVersion, caches.Trials.Informers.Single().Get(key)!.Metadata.ResourceVersion); // the watch is behind

        // The next write goes on from the version read: accepted, not 409.
        Assert.True(await api.PatchAsync(read, ApiCopy.With(read, t => t.Status!.Epoch = 1), status: true, CancellationToken.None));
        Assert.Equal(1, caches.Trials.Get(key)!.Status!.Epoch);

        // Once the cache holds a later version than the one a write replaced, the cache's copy is read again.
        var later = await client.PatchStatusAsync<Trial>(created.Metadata.Name!, new { status = new { epoch = 2 } }, Ns);
        var relisted = new OperatorCaches(client, Ns, TimeProvider.System, NullLoggerFactory.Instance);
        using var stopRelisted = new CancellationTokenSource();
        var relisting = relisted.RunAsync(stopRelisted.Token);
        await relisted.WaitForSyncAsync(CancellationToken.None);
        var apiRelisted = new ApiActions(client, new Kubernetes.Recording.EventRecorder(client, "test"), relisted);
        var current = relisted.Trials.Get(key)!;
        Assert.Equal(later.Metadata.ResourceVersion, current.Metadata.ResourceVersion);
        Assert.True(await apiRelisted.PatchAsync(current, ApiCopy.With(current, t => t.Status!.Epoch = 3), status: true, CancellationToken.None));
        for (var waited = 0; relisted.Trials.Informers.Single().Get(key)?.Status?.Epoch != 3; waited += 50)
        {
            Assert.True(waited < 10_000, "the watch did not deliver the write within 10 s");
            await Task.Delay(50);
        }

        Assert.Same(relisted.Trials.Informers.Single().Get(key), relisted.Trials.Get(key));
        await stopRelisted.CancelAsync();
        await relisting;
    }
}
