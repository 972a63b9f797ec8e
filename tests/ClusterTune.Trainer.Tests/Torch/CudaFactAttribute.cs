using TorchSharp;

namespace ClusterTune.Trainer.Tests.Torch;

/// <summary>A fact that runs only where TorchSharp reports a CUDA device, and says why it was skipped elsewhere.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!torch.cuda.is_available())
        {
            Skip = "no CUDA device: TorchSharp reports torch.cuda.is_available() = false (no GPU on this machine, or the build references "
                + "libtorch-cpu-linux-x64; build with -p:TorchBackend=cuda on a GPU machine where TorchSharp-cuda-linux is served)";
        }
    }
}
