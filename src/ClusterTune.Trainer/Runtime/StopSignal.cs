using System.Runtime.InteropServices;

namespace ClusterTune.Trainer.Runtime;

/// <summary>
/// Turns SIGTERM/SIGINT into a cooperative stop request: the loop finishes its current step, checkpoints and exits
/// with status "stopped" instead of the runtime killing the process mid-write.
/// </summary>
public sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
        ];
    }

    public CancellationToken Token => _source.Token;

    public bool StopRequested => _source.IsCancellationRequested;

    /// <summary>Requests a stop as a signal would (also used by tests and by a step cap).</summary>
    public void Request() => _source.Cancel();

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _source.Cancel();
    }
}
