using System.Diagnostics;
using ClusterTune.Cli.Commands;
using ClusterTune.Cli.Local;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using ClusterTune.Testing;
using k8s;
using k8s.Models;

namespace ClusterTune.Cli.Tests.Node;

/// <summary>`ctune node`: its flags, and the real command against the embedded API server over HTTP through a kubeconfig.</summary>
public sealed class NodeCommandTests
{
    private static readonly Dictionary<string, string?> Env = new() { ["HOME"] = "/home/u" };

    private static NodeAgentOptions Parse(params string[] args) =>
        NodeCommand.Options(CommandArgs.Parse(args, ["--name", "--work-dir", "--cpu", "--memory", "--gpus", "--image-command", "--path-map"], []),
            Env.GetValueOrDefault, hostName: "Build-Box", bundledTrainer: "/opt/ctune/trainer/ClusterTune.Trainer");

    private static string Describe(NodeAgentOptions o) =>
        $"{o.NodeName} {o.WorkRoot} cpu={o.Cpu} memory={o.Memory} gpus={o.Gpus} schedule={o.SchedulePods} " +
        $"images=[{string.Join("; ", o.ImageCommands.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={string.Join(' ', i.Value)}"))}] " +
        $"paths=[{string.Join("; ", o.PathMappings.Select(p => $"{p.ContainerPrefix}={p.HostPrefix}"))}]";

    public static TheoryData<string[], string> GoodFlags => new()
    {
        {
            [],
            "build-box /home/u/.cache/clustertune/node/build-box cpu=CPUS memory=MEM gpus=0 schedule=False images=[] paths=[/var/cache/clustertune=/home/u/.cache/clustertune]"
        },
        {
            ["--name", "gpu-1", "--work-dir", "/tmp/n", "--cpu", "1500m", "--memory", "8Gi", "--gpus", "2"],
            "gpu-1 /tmp/n cpu=1500m memory=8Gi gpus=2 schedule=False images=[] paths=[/var/cache/clustertune=/home/u/.cache/clustertune]"
        },
        {
            ["--name=n.example.com", "--image-command", "busybox=/bin/sh", "--image-command=python:3.12=/usr/bin/python3 -u"],
            "n.example.com /home/u/.cache/clustertune/node/n.example.com cpu=CPUS memory=MEM gpus=0 schedule=False " +
            "images=[busybox=/bin/sh; python:3.12=/usr/bin/python3 -u] paths=[/var/cache/clustertune=/home/u/.cache/clustertune]"
        },
        {
            ["--path-map", "/data=/srv/data", "--path-map", "/var/cache/clustertune/=/mnt/cache", "--name", "a"],
            "a /home/u/.cache/clustertune/node/a cpu=CPUS memory=MEM gpus=0 schedule=False images=[] paths=[/var/cache/clustertune=/mnt/cache; /data=/srv/data]"
        },
    };

    [Theory]
    [MemberData(nameof(GoodFlags))]
    public void Good_flags_become_agent_options(string[] args, string expected)
    {
        var o = Parse(args);
        var want = expected.Replace("CPUS", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("MEM", LocalCluster.DefaultMemory);
        Assert.Equal(want, Describe(o));
    }

    [Fact]
    public void The_bundled_trainer_is_mapped_to_every_tag_of_the_trainer_image_when_it_exists()
    {
        var trainer = Path.GetTempFileName();
        try
        {
            var o = NodeCommand.Options(CommandArgs.Parse(["--name", "a"], ["--name"], []), Env.GetValueOrDefault, bundledTrainer: trainer);
            Assert.Equal([trainer, "train"], o.ImageCommands["clustertune/trainer"]);
        }
        finally
        {
            File.Delete(trainer);
        }
    }

    public static TheoryData<string, string> BadFlags => new()
    {
        { "--cpus 4", "unknown flag --cpus" },
        { "--name", "--name needs a value" },
        { "--name --cpu 2", "--name needs a value" },
        { "--name=", "--name needs a non-empty value" },
        { "--name Node_1", "--name: 'Node_1' is not a valid node name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit" },
        { "worker-1", "unexpected argument 'worker-1'; every setting is a flag, e.g. --name worker-1" },
        { "-n default", "--namespace: a node runs the pods bound to it in every namespace; drop the flag" },
        { "--cpu four", "--cpu must be a positive quantity such as 4 or 1500m, got 'four'" },
        { "--cpu 0", "--cpu must be a positive quantity such as 4 or 1500m, got '0'" },
        { "--memory 8GB", "--memory must be a positive quantity such as 8Gi or 512Mi, got '8GB'" },
        { "--gpus 1.5", "--gpus must be a whole number ≥ 0, got '1.5'" },
        { "--image-command busybox", "--image-command: expected IMAGE=COMMAND, e.g. busybox=/bin/sh, got 'busybox'" },
        { "--image-command =/bin/sh", "--image-command: expected IMAGE=COMMAND, e.g. busybox=/bin/sh, got '=/bin/sh'" },
        { "--path-map /data", "--path-map: expected CONTAINER_PATH=HOST_PATH, e.g. /data=/srv/data, got '/data'" },
        { "--path-map data=/srv/data", "--path-map: the container path 'data' must be absolute, e.g. /data=/srv/data" },
    };

    [Theory]
    [MemberData(nameof(BadFlags))]
    public void Bad_flags_name_the_flag_and_the_fix(string args, string message)
    {
        var e = Assert.ThrowsAny<Exception>(() => Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.IsType<UsageException>(e);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Bad_flags_and_a_bad_kubeconfig_exit_2_with_the_message_and_the_usage()
    {
        var dir = Directory.CreateTempSubdirectory("ctune-node-flags").FullName;
        try
        {
            var (code, err) = await CtuneAsync(["node", "--gpus=-1"]);
            Assert.Equal(2, code);
            Assert.StartsWith("ctune node: --gpus must be a whole number ≥ 0, got '-1'\nusage: ctune node", err.ReplaceLineEndings("\n"));

            var missing = Path.Combine(dir, "nope");
            (code, err) = await CtuneAsync(["node", "--name", "a", "--kubeconfig", missing]);
            Assert.Equal(2, code);
            Assert.StartsWith($"ctune node: --kubeconfig: '{missing}' does not exist; pass the path of a kubeconfig file with --kubeconfig\n", err.ReplaceLineEndings("\n"));

            var kubeconfig = Path.Combine(dir, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
                users: [{name: u, user: {}}]
                contexts: [{name: kind-a, context: {cluster: c, user: u}}]
                current-context: kind-a
                """);
            (code, err) = await CtuneAsync(["node", "--name", "a", "--kubeconfig", kubeconfig, "--context", "prod"]);
            Assert.Equal(2, code);
            Assert.StartsWith($"ctune node: --context: kubeconfig context 'prod' not found; known: kind-a (in {kubeconfig})\n", err.ReplaceLineEndings("\n"));

            (code, err) = await CtuneAsync(["node", "--help"]);
            Assert.Equal(0, code);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Node_runs_bound_pods_as_processes_and_stops_them_on_cancel()
    {
        await using var api = await EmbeddedApiServerFixture.StartAsync();
        var kubeconfig = api.WriteKubeconfig();
        var work = Path.Combine(api.TempDirectory, "node");
        using var client = KubeConnection.Create(KubeConnection.ForServer(api.BaseAddress));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        using var err = new StringWriter();
        var run = Task.Run(() => Dispatcher.RunAsync(
            ["node", "--kubeconfig", kubeconfig, "--name", "node-e2e", "--work-dir", work, "--cpu", "2", "--memory", "1Gi",
             "--image-command", "busybox=/bin/sh", "--path-map", "/data=" + api.TempDirectory],
            TextWriter.Null, TextWriter.Synchronized(err), stop.Token));

        try
        {
            await WaitUntilAsync(async () => IsReady(await client.TryGetAsync<V1Node>("node-e2e", null)), run, err, "node-e2e Ready");
            var node = await client.GetAsync<V1Node>("node-e2e", null);
            Assert.Equal("2", node.Status.Allocatable["cpu"].ToString());
            Assert.Equal("1Gi", node.Status.Allocatable["memory"].ToString());

            // Bound through spec.nodeName; the image runs /bin/sh with the container's args, /data mapped to the temp dir.
            await File.WriteAllTextAsync(Path.Combine(api.TempDirectory, "greeting"), "hello from the node");
            var hello = await client.CreateAsync(Pod("hello", "node-e2e", "cat $GREETING; echo; echo pod=$POD_NAME"));
            await WaitUntilAsync(async () => (await client.GetAsync<V1Pod>("hello", "default")).Status?.Phase == "Succeeded", run, err, "hello Succeeded");
            hello = await client.GetAsync<V1Pod>("hello", "default");
            Assert.Equal(0, hello.Status.ContainerStatuses.Single().State.Terminated.ExitCode);
            var log = await File.ReadAllTextAsync(Path.Combine(work, "pods", $"default_hello_{hello.Metadata.Uid}", "logs", "main.log"));
            Assert.Equal("hello from the node\npod=hello\n", log);
            Assert.True(IsReady(await client.GetAsync<V1Node>("node-e2e", null)), "the node stays Ready");

            // Bound through pods/binding, as a scheduler does; it runs until the node stops.
            await client.CreateAsync(Pod("sleeper", null, "sleep 300 & wait"));
            await client.CoreV1.CreateNamespacedPodBindingAsync(new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = "sleeper" },
                Target = new V1ObjectReference { Kind = "Node", Name = "node-e2e" },
            }, "sleeper", "default");
            await WaitUntilAsync(async () => (await client.GetAsync<V1Pod>("sleeper", "default")).Status?.Phase == "Running", run, err, "sleeper Running");
            var sleeper = await client.GetAsync<V1Pod>("sleeper", "default");
            var pidFile = Path.Combine(work, "pods", $"default_sleeper_{sleeper.Metadata.Uid}", "pid");
            var group = int.Parse((await File.ReadAllTextAsync(pidFile)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            await WaitUntilAsync(() => Task.FromResult(ProcessesInGroup(group).Count >= 2), run, err, "sh and sleep started");

            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(15)));
            await AssertGroupGoneAsync(group);
            sleeper = await client.GetAsync<V1Pod>("sleeper", "default");
            Assert.NotNull(sleeper.Status.ContainerStatuses.Single().State.Terminated);
            Assert.Contains("ctune node: registering node node-e2e on http://127.0.0.1:", err.ToString(), StringComparison.Ordinal);
            Assert.Contains("ctune node: node node-e2e stopped", err.ToString(), StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        }
        finally
        {
            await stop.CancelAsync();
            await run.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task The_ctune_process_stops_its_pods_and_exits_0_on_sigterm()
    {
        await using var api = await EmbeddedApiServerFixture.StartAsync();
        var kubeconfig = api.WriteKubeconfig();
        var work = Path.Combine(api.TempDirectory, "node");
        using var client = KubeConnection.Create(KubeConnection.ForServer(api.BaseAddress));
        var dll = Path.Combine(AppContext.BaseDirectory, "ctune.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "node", "--kubeconfig", kubeconfig, "--name", "node-proc", "--work-dir", work, "--image-command", "busybox=/bin/sh" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync().ContinueWith(_ => process.ExitCode, TaskScheduler.Default);
        using var said = new StringWriter();
        try
        {
            await WaitUntilAsync(async () => IsReady(await client.TryGetAsync<V1Node>("node-proc", null)), exited, said, "node-proc Ready");
            await client.CreateAsync(Pod("sleeper", "node-proc", "sleep 300 & wait"));
            await WaitUntilAsync(async () => (await client.GetAsync<V1Pod>("sleeper", "default")).Status?.Phase == "Running", exited, said, "sleeper Running");
            var sleeper = await client.GetAsync<V1Pod>("sleeper", "default");
            var pidFile = Path.Combine(work, "pods", $"default_sleeper_{sleeper.Metadata.Uid}", "pid");
            var group = int.Parse((await File.ReadAllTextAsync(pidFile)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            await WaitUntilAsync(() => Task.FromResult(ProcessesInGroup(group).Count >= 2), exited, said, "sh and sleep started");

            Assert.Equal(0, Kill(process.Id, 15));
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(15)), "ctune node did not exit within 15 s of SIGTERM");
            var err = await errors;
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{err}");
            await AssertGroupGoneAsync(group);
            Assert.NotNull((await client.GetAsync<V1Pod>("sleeper", "default")).Status.ContainerStatuses.Single().State.Terminated);
            // The log lines go to stderr: registered, each pod started and finished, stopped.
            Assert.Contains("Node agent node-proc running", err);
            Assert.Contains("Started pod default/sleeper as process", err);
            Assert.Contains("Pod default/sleeper process", err);
            Assert.Contains("ctune node: node node-proc stopped", err);
            Assert.Equal("", await output);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static V1Pod Pod(string name, string? node, string script) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            NodeName = node,
            RestartPolicy = "Never",
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = "busybox:1.36",
                    Args = ["-c", script],
                    Env =
                    [
                        new V1EnvVar { Name = "GREETING", Value = "/data/greeting" },
                        new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                    ],
                },
            ],
        },
    };

    private static bool IsReady(V1Node? node) => node?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>
    /// The agent SIGKILLs the pod's process group when its leader exits; kill(2) returns before the signal is
    /// delivered, so the rest of the group may take a moment to die.
    /// </summary>
    private static async Task AssertGroupGoneAsync(int group)
    {
        var clock = Stopwatch.StartNew();
        List<string> left;
        while ((left = ProcessesInGroup(group)).Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Task.Delay(50);
        }

        Assert.True(left.Count == 0, $"processes left in group {group} {clock.ElapsedMilliseconds} ms after exit: {string.Join("; ", left)}");
    }

    /// <summary>Live (not zombie) processes whose process group is <paramref name="group"/>, from /proc.</summary>
    private static List<string> ProcessesInGroup(int group)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            // pid (comm) state ppid pgrp ...: comm may hold spaces, so parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] is not ("Z" or "X") && int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) == group)
            {
                found.Add(stat.Trim());
            }
        }

        return found;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Task<int> run, StringWriter err, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            if (run.IsCompleted)
            {
                Assert.Fail($"ctune node exited with {await run} while waiting for {what}:\n{err}");
            }

            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"timed out waiting for {what}; ctune node said:\n{err}");
    }

    private static async Task<(int Code, string Err)> CtuneAsync(string[] args)
    {
        using var err = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var code = await Dispatcher.RunAsync(args, TextWriter.Null, err, timeout.Token);
        return (code, err.ToString());
    }
}
