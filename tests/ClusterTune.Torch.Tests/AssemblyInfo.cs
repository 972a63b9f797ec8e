// libtorch tests share process-wide state (global generator, thread count, RSS); run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
