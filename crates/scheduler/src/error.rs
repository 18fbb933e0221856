//! [`SchedulerError`]: why a batch could not run, or stored aggregates could not be used.

/// A boxed error from the trial runner or the block sink, which the scheduler does not know.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a batch stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    /// A shard written other than `K/N` with `0 ≤ K < N`.
    #[error("bad shard `{given}`: expected K/N with 0 <= K < N, e.g. 3/8")]
    BadShard {
        /// What was given.
        given: String,
    },
    /// More shards than trials: some shard would be empty.
    #[error("{shards} shards for {trials} trials: every shard needs at least one trial")]
    TooManyShards {
        /// Number of shards.
        shards: u64,
        /// Number of trials.
        trials: u64,
    },
    /// A batch size outside what the counters hold.
    #[error("--trials must be between 1 and {max}, not {given}")]
    Trials {
        /// What was given.
        given: u64,
        /// The largest allowed.
        max: u64,
    },
    /// The rayon pool could not be built.
    #[error("cannot start {threads} worker threads: {message}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// rayon's message.
        message: String,
    },
    /// One trial failed.
    #[error("trial {trial} failed: {source}")]
    Trial {
        /// The trial index.
        trial: u64,
        /// The runner's error.
        source: BoxError,
    },
    /// A trial's trajectory does not have the batch's shape.
    #[error("trial {trial} does not fit the batch: {problem}")]
    Shape {
        /// The trial index.
        trial: u64,
        /// What differs.
        problem: String,
    },
    /// The block sink (writing rows and checkpoints) failed.
    #[error("{0}")]
    Sink(BoxError),
    /// Two aggregates of different shapes.
    #[error("cannot merge aggregates of different metrics or calendars")]
    MergeShape,
    /// Stored aggregates that cannot be what this version wrote.
    #[error("stored aggregates are inconsistent: {0}")]
    Stored(String),
}
