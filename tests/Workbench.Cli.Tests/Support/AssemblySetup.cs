// The runner redirects Console and torch state is process-wide: these tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
