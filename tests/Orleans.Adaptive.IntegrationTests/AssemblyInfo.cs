// These tests start silo processes, Redis and the demo; on a 2-core machine running them side by side starves the
// silos' failure detectors and measures contention instead of behaviour, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
