using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// What a run trains, chosen by architecture: the reference CNN on images (Fashion-MNIST → few-label MNIST) or the
/// text encoder on e-mails (masked tokens on the SpamAssassin corpus → few-label spam filtering). The architecture is
/// the base checkpoint's, or CT_MODEL_ARCHITECTURE for a run from scratch (default the CNN).
/// </summary>
public abstract class Workload
{
    public abstract string Architecture { get; }

    /// <summary>Data set name recorded in manifests.</summary>
    public abstract string Dataset { get; }

    public abstract TrialData FineTuneData(TrialOptions options);

    public abstract TrialData PretrainData(TrialOptions options);

    /// <summary>The model for <paramref name="classCount"/> outputs; <paramref name="perToken"/> for masked-token pretraining.</summary>
    public abstract FineTuneModel Build(int classCount, FineTuneKnobs knobs, Device device, bool perToken = false);

    /// <summary>Files written with every checkpoint besides the tensors (the text vocabulary).</summary>
    public virtual IReadOnlyList<Checkpoint.FileWriter> ExtraFiles => [];

    /// <summary>The workload of a run: from the base checkpoint (manifest or bare file metadata) or the options.</summary>
    public static Workload Resolve(TrialOptions options)
    {
        var expected = options.ModelArchitecture;
        if (options.ModelPath is not { } path)
        {
            return For(expected ?? ReferenceCnn.Architecture, options, null, "CT_MODEL_ARCHITECTURE");
        }

        if (PretrainedImport.IsBareFile(path))
        {
            var (_, architecture) = PretrainedImport.ReadArchitecture(path);
            return For(architecture ?? expected ?? ReferenceCnn.Architecture, options, null, path);
        }

        var manifest = Checkpoint.ReadManifest(path);
        if (expected is not null && expected != manifest.Architecture)
        {
            throw new TrialConfigurationException($"{path} holds a '{manifest.Architecture}' model but {TrialEnv.ModelArchitecture}='{expected}'");
        }

        var vocabulary = Checkpoint.VerifiedFile(path, manifest, Vocabulary.FileName) is { } file ? Vocabulary.Read(file) : null;
        return For(manifest.Architecture, options, vocabulary, path);
    }

    private static Workload For(string architecture, TrialOptions options, Vocabulary? vocabulary, string source) => architecture switch
    {
        ReferenceCnn.Architecture => new ImageWorkload(),
        TextEncoder.Architecture when options.ModelPath is { } p && vocabulary is null =>
            throw new TrialConfigurationException($"{p} has no {Vocabulary.FileName}: a {TextEncoder.Architecture} base must be a checkpoint directory with its vocabulary"),
        TextEncoder.Architecture => new TextWorkload(vocabulary ?? TextWorkload.BuildVocabulary(options.DataPath)),
        _ => throw new TrialConfigurationException(
            $"{source} names architecture '{architecture}'; this trainer builds '{ReferenceCnn.Architecture}' or '{TextEncoder.Architecture}'"),
    };
}

/// <summary>The reference workload: <see cref="ReferenceCnn"/>, pretrained on Fashion-MNIST, fine-tuned on few-label MNIST.</summary>
public sealed class ImageWorkload : Workload
{
    public override string Architecture => ReferenceCnn.Architecture;

    public override string Dataset => "mnist";

    public override TrialData FineTuneData(TrialOptions options) => TrialData.FewLabelMnist(options);

    public override TrialData PretrainData(TrialOptions options) => TrialData.Fashion(options);

    public override FineTuneModel Build(int classCount, FineTuneKnobs knobs, Device device, bool perToken = false) => new ReferenceCnn(classCount, knobs, device);
}

/// <summary>The text workload: <see cref="TextEncoder"/>, masked-token pretraining on SpamAssassin's unlabelled groups, few-label spam filtering.</summary>
public sealed class TextWorkload(Vocabulary vocabulary) : Workload
{
    /// <summary>Vocabulary size (specials included) and the fewest occurrences a token needs.</summary>
    public const int VocabularySize = 4000;
    public const int MinCount = 3;

    public Vocabulary Vocabulary => vocabulary;

    public override string Architecture => TextEncoder.Architecture;

    public override string Dataset => "spam-assassin";

    public override IReadOnlyList<Checkpoint.FileWriter> ExtraFiles => [new(Vocabulary.FileName, vocabulary.Write)];

    /// <summary>The vocabulary of the pretraining corpus (deterministic, so a run from scratch encodes like a pretrained base).</summary>
    public static Vocabulary BuildVocabulary(string dataPath) => Vocabulary.Build(TrialData.PretrainingCorpus(dataPath), VocabularySize, MinCount);

    public override TrialData FineTuneData(TrialOptions options) => TrialData.FewLabelSpam(options, vocabulary);

    public override TrialData PretrainData(TrialOptions options) => TrialData.MaskedSpamCorpus(options, vocabulary);

    public override FineTuneModel Build(int classCount, FineTuneKnobs knobs, Device device, bool perToken = false) =>
        new TextEncoder(vocabulary.Count, classCount, knobs, perToken, device);
}
