using System.Diagnostics;
using ClusterTune.Api.Contract;
using ClusterTune.Testing;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Runtime;
using ClusterTune.Trainer.Tests.Training;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Tests.Checkpointing;

/// <summary>
/// Weights nobody here trained: Debian's PyTorch builds clustertune-cnn-v1 (src/ClusterTune.Trainer/python) with its own
/// initialisation and writes bare safetensors files (torch_export.py); the trainer loads them under PyTorch's names and
/// must compute the same logits, and a file with other names or shapes fails naming the tensor.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PretrainedImportTests : IDisposable
{
    private readonly string _dir = TestData.TempDir("import");

    public PretrainedImportTests()
    {
        var script = RepoPaths.Combine("tests", "ClusterTune.Trainer.Tests", "Checkpointing", "torch_export.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, _dir]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = python.StandardError.ReadToEndAsync();
        python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"torch_export.py failed (is python3-torch installed? `make deps` installs it): {stderr.Result}");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    // Tolerance 1e-4: LibTorch 1.13 (Debian) and 2.10 (TorchSharp, channels-last convolutions) sum in different
    // orders (measured 2.9e-5 on logits of about 0.1); a wrong mapping or layout is off by about the logits' size.
    [Theory]
    [InlineData("plain.safetensors", "logits", 1e-4)]
    // Every name under "model." and stored as float16: the wrapper is stripped and F16 becomes float32.
    [InlineData("lightning-f16.safetensors", "half_logits", 1e-4)]
    public void ImportedWeightsGiveThePyTorchModelsLogits(string file, string expectedName, double tolerance)
    {
        var (tensors, _) = PretrainedImport.Load(Path.Combine(_dir, file));
        var expected = Checkpoint.ReadSafetensors(Path.Combine(_dir, "expected.safetensors"));
        try
        {
            using var model = new ReferenceCnn(10);
            TrialCheckpoint.CopyInto(model, tensors, _ => true, file);
            model.eval();
            using var _ = no_grad();
            using var logits = model.forward(expected["input"]);
            var difference = (logits - expected[expectedName]).abs().max().item<float>();
            Assert.True(difference < tolerance, $"largest logit difference from PyTorch {difference:G3}");
            Assert.True(expected[expectedName].abs().max().item<float>() > 0.01, "the reference logits must not be trivially zero");
        }
        finally
        {
            foreach (var t in tensors.Values.Concat(expected.Values))
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void ATrialFineTunesFromABareSafetensorsFileAndRecordsIt()
    {
        var file = Path.Combine(_dir, "plain.safetensors");
        var options = TrainerRun.Options(_dir, """{"freezeDepth":1,"lrFactor":0.1}""", epochs: 1, evalLimit: 50) with { ModelPath = file };
        var log = new StringWriter();
        Assert.True(Program.Run(options, log) == ExitCodes.Succeeded, log.ToString());
        Assert.Contains("importing 12 tensors from bare safetensors", log.ToString());
        var manifest = Checkpoint.ReadManifest(Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName));
        Assert.Equal(file, manifest.ParentCheckpoint);
        Assert.Equal(0.002, manifest.PretrainingLr); // from the file's __metadata__
    }

    [Theory]
    // No pretraining LR anywhere: the trial refuses with the variable to set.
    [InlineData("lightning-f16.safetensors", ExitCodes.Usage, TrialEnv.PretrainingLearningRate)]
    // torchvision-style names the model does not have: the names are listed with where the mapping is documented.
    [InlineData("other-names.safetensors", ExitCodes.Failed, "holds tensors this model does not have (features.")]
    [InlineData("bad-shape.safetensors", ExitCodes.Failed, "tensor 'blocks.3.fc.weight' has shape [576, 128] but the model needs [128, 576]")]
    public void AFileThatDoesNotFitFailsNamingWhatToFix(string file, int exit, string message)
    {
        var options = TrainerRun.Options(_dir, "{}", epochs: 1, evalLimit: 50) with { ModelPath = Path.Combine(_dir, file) };
        var log = new StringWriter();
        Assert.Equal(exit, Program.Run(options, log));
        Assert.Contains(message, log.ToString());
        Assert.False(Directory.Exists(Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName)), "nothing may be trained from a file that does not fit");
    }

    [Fact]
    public void ATruncatedFileIsRefusedBeforeParsing()
    {
        var file = Path.Combine(_dir, "truncated.safetensors");
        var bytes = File.ReadAllBytes(Path.Combine(_dir, "plain.safetensors"));
        File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => PretrainedImport.Load(file));
        Assert.Contains("truncated safetensors file", e.Message);
    }
}
