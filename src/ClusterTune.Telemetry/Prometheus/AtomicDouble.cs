namespace ClusterTune.Telemetry.Prometheus;

/// <summary>Lock-free add/set on a double stored as its 64-bit pattern.</summary>
internal static class AtomicDouble
{
    public static void Add(ref long bits, double amount)
    {
        while (true)
        {
            long old = Interlocked.Read(ref bits);
            long next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(old) + amount);
            if (Interlocked.CompareExchange(ref bits, next, old) == old)
            {
                return;
            }
        }
    }

    public static void Set(ref long bits, double value) => Interlocked.Exchange(ref bits, BitConverter.DoubleToInt64Bits(value));
}
