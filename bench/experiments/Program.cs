using System.Diagnostics;
using System.Globalization;
using ClusterTune.Experiments;
using ClusterTune.Experiments.Experiments;

// `make experiments`: real sweeps run by the operator in local mode (`ctune run`) on the shipped data, then
// docs/experiments.md and its figures written from scratch. Not a test, not part of `make test`.
string? ctune = null, cache = null, doc = "docs/experiments.md", command = "make experiments";
var scale = ExperimentScale.Full;
var reuse = false;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--ctune":
            ctune = Next();
            break;
        case "--cache-dir":
            cache = Next();
            break;
        case "--doc":
            doc = Next();
            break;
        case "--command":
            command = Next();
            break;
        case "--quick":
            scale = ExperimentScale.Smoke;
            break;
        case "--reuse":
            reuse = true;
            break;
        default:
            Console.Error.WriteLine($"experiments: unknown argument {args[i]}\nusage: experiments --ctune PATH [--cache-dir DIR] [--doc docs/experiments.md] [--quick] [--reuse] [--command TEXT]");
            return 2;
    }
}

if (ctune is null || !File.Exists(ctune))
{
    Console.Error.WriteLine($"experiments: --ctune must name the built ctune (make build), got '{ctune}'");
    return 2;
}

cache ??= Environment.GetEnvironmentVariable("CT_CACHE") is { Length: > 0 } c ? c : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clustertune");
var lr = new LrSweeps(scale);
// The list a new workload extends: each experiment names its sweeps and renders one section (table + figure).
IReadOnlyList<IExperiment> experiments =
[
    new PretrainedVsScratch(scale),
    new LrFactorRule(lr),
    new LoraShare(lr),
    new FreezingDepth(lr),
    new Similarity(scale),
    new TextWorkload(scale),
];

var clock = Stopwatch.StartNew();
var runner = new SweepRunner(ctune, cache, Path.Combine(cache, scale.Quick ? "experiments-quick" : "experiments"), reuse, Console.Out);
var results = new Dictionary<string, IReadOnlyList<TrialResult>>(StringComparer.Ordinal);
var timings = new List<(SweepDefinition Sweep, SweepRun Run)>();
foreach (var sweep in experiments.SelectMany(e => e.Sweeps))
{
    if (results.ContainsKey(sweep.Name))
    {
        continue;
    }

    var run = await runner.RunAsync(sweep, CancellationToken.None);
    results[sweep.Name] = run.Trials;
    timings.Add((sweep, run));
}

var docDir = Path.GetDirectoryName(Path.GetFullPath(doc))!;
var imageDir = Path.Combine(docDir, "experiments");
if (Directory.Exists(imageDir))
{
    Directory.Delete(imageDir, recursive: true);
}

var figures = new Figures(imageDir, "experiments");
var sections = experiments.Select(e => (e, Body: e.Render(results, figures))).ToList();
await File.WriteAllTextAsync(doc, ExperimentsDoc.Write(sections, timings, clock.Elapsed, command, scale));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"experiments: {results.Values.Sum(r => r.Count)} trials in {timings.Count} sweeps, {clock.Elapsed.TotalMinutes:0.0} min; wrote {doc} and {imageDir}"));
return 0;
