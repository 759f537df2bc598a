//! A long video shared between workers. The worker that holds its job cuts
//! it into pieces on the tracker's anchors ([`janu_pipeline::segments::plan_every`]),
//! records them (`upload_pieces`), calls helpers through the queue, and then
//! tracks pieces itself like any helper: take a free piece, track it, store
//! its frames. Once every piece is stored it joins them, in order, into the
//! frames one pass would have given (pieces start where the tracker starts
//! afresh anyway), and the analysis runs on those as on any video: holds and
//! breaths that cross a cut are counted once because the joined frames are
//! analysed as one.
//!
//! Pieces have leases like jobs: a worker that dies on one loses it to the
//! next worker that looks, after the lease. The job's worker never waits on
//! a piece nobody works on: it takes free pieces itself, so a job finishes
//! with no helper at all.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use janu_body::Frame;
use janu_media::VideoOptions;
use janu_pipeline::segments::{self, Segment};
use janu_pipeline::{EstimatorSource as _, LazyEstimator, Progress, Stage};
use janu_store::{JobId, JobQueue, Store, StoreError, UploadPiece};

use crate::ServerError;
use crate::analysis::{Prepared, UPLOAD_ANALYSIS_FPS};

/// Length of one shared piece: a minute of video is about 15 s of one
/// worker's time, long enough that model loading and the handing over cost
/// little, short enough that an hour's class spreads over 60 workers.
pub const SHARED_PIECE_S: f64 = 60.0;
/// A video is shared when it is longer than this many pieces; shorter ones
/// are tracked by their own worker on every core of its machine.
pub const SHARE_AFTER_PIECES: f64 = 2.0;
/// Most helpers one job calls: beyond this the pieces' database traffic and
/// each helper's copy of the upload cost more than the help.
pub const MAX_HELPERS: usize = 16;
/// How often the job's worker looks whether pieces other workers hold are
/// done, once it has none left to take.
pub const PIECE_POLL: Duration = Duration::from_millis(500);

/// What tracking pieces needs from the worker.
pub(crate) struct PieceWork<'a> {
    /// The worker's name (it holds pieces under it).
    pub name: &'a str,
    /// The history and its pieces.
    pub store: &'a Store,
    /// Piece leases last this long.
    pub lease: Duration,
    /// The worker's model.
    pub estimator: &'a Mutex<LazyEstimator>,
    /// For waiting on the database from this blocking thread.
    pub runtime: &'a tokio::runtime::Handle,
    /// The queue helpers are called on.
    pub queue: &'a JobQueue,
    /// Length of a piece, seconds.
    pub piece_s: f64,
}

/// Whether a video of `duration_s` is shared in pieces of `piece_s`.
pub fn is_shared(duration_s: Option<f64>, piece_s: f64) -> bool {
    piece_s > 0.0 && duration_s.is_some_and(|d| d > piece_s * SHARE_AFTER_PIECES)
}

fn read_options() -> VideoOptions {
    VideoOptions {
        target_fps: Some(UPLOAD_ANALYSIS_FPS),
        ..Default::default()
    }
}

impl PieceWork<'_> {
    /// As the job's worker: cut the video at `file` (job `id`, `duration_s`
    /// long) into pieces, call helpers, track pieces until all are
    /// stored, and hand back `prepared` with the joined frames. `progress`
    /// hears how far the pieces are.
    ///
    /// # Errors
    /// [`StoreError::JobGone`] (as a [`ServerError::Store`]) when the job
    /// ended meanwhile; a piece that cannot be tracked (a damaged video),
    /// as the one-pass analysis would fail; store errors.
    pub fn track_all(
        &self,
        id: JobId,
        prepared: Prepared,
        file: &Path,
        duration_s: f64,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Prepared, ServerError> {
        let plan: Vec<(f64, Option<f64>)> = segments::plan_every(duration_s, self.piece_s)
            .iter()
            .map(|s| (s.start_s, s.end_s))
            .collect();
        let pieces = self
            .runtime
            .block_on(self.store.plan_upload_pieces(id, &plan))?;
        if pieces.is_empty() {
            return Err(StoreError::JobGone(id.0).into());
        }
        let open = pieces.iter().filter(|p| !p.done).count();
        let helpers = open.saturating_sub(1).min(MAX_HELPERS);
        self.runtime.block_on(
            self.queue
                .call_helpers(id, u32::try_from(helpers).unwrap_or(0)),
        )?;
        let total = (duration_s * UPLOAD_ANALYSIS_FPS).round() as u64;
        let name = prepared.name().to_owned();
        loop {
            let pieces = self.runtime.block_on(self.store.upload_pieces(id))?;
            if pieces.is_empty() {
                return Err(StoreError::JobGone(id.0).into());
            }
            let done_s: f64 = pieces
                .iter()
                .filter(|p| p.done)
                .map(|p| span(p, duration_s))
                .sum();
            progress(Progress {
                stage: Stage::Landmarks,
                done: ((done_s * UPLOAD_ANALYSIS_FPS).round() as u64).min(total),
                total: Some(total),
            });
            if pieces.iter().all(|p| p.done) {
                break;
            }
            if !self.track_next(id, file, &name)? {
                std::thread::sleep(PIECE_POLL);
            }
        }
        let frames = self.joined(id, &name)?;
        prepared
            .with_tracked_frames(frames)
            .map_err(crate::analysis::pipeline_error)
    }

    /// As a helper: track free pieces of job `id` (its video at `file`,
    /// named `name` to the user) until none is free.
    ///
    /// # Errors
    /// As [`PieceWork::track_all`].
    pub fn help(&self, id: JobId, file: &Path, name: &str) -> Result<usize, ServerError> {
        let mut tracked = 0;
        while self.track_next(id, file, name)? {
            tracked += 1;
        }
        Ok(tracked)
    }

    /// Take the next free piece of job `id` and track it. False when none
    /// was free.
    fn track_next(&self, id: JobId, file: &Path, name: &str) -> Result<bool, ServerError> {
        let Some(piece) = self
            .runtime
            .block_on(self.store.take_upload_piece(id, self.name, self.lease))?
        else {
            return Ok(false);
        };
        let segment = Segment {
            start_s: piece.start_s,
            end_s: piece.end_s,
        };
        let frames = {
            let mut lazy = crate::worker::lock(self.estimator);
            let estimator = lazy
                .estimator()
                .map_err(|e| ServerError::Internal(format!("loading the pose model: {e}")))?;
            let mut last = Instant::now();
            segments::track_segment(estimator, file, &read_options(), segment, &mut |_| {
                if last.elapsed() >= self.lease / 4 {
                    last = Instant::now();
                    let _ = self
                        .runtime
                        .block_on(self.store.touch_upload_piece(id, piece.seq, self.name));
                }
            })
            .map_err(|e| piece_error(&e, file, name))?
        };
        let mut bytes = Vec::new();
        janu_body::file::write_exact_jsonl(&mut bytes, &frames)
            .map_err(|e| ServerError::Internal(format!("a piece's frames: {e}")))?;
        self.runtime
            .block_on(self.store.finish_upload_piece(id, piece.seq, &bytes))?;
        Ok(true)
    }

    /// Every piece's frames, in order.
    fn joined(&self, id: JobId, name: &str) -> Result<Vec<Frame>, ServerError> {
        let pieces = self.runtime.block_on(self.store.upload_pieces(id))?;
        let mut frames = Vec::new();
        for p in &pieces {
            let bytes = self
                .runtime
                .block_on(self.store.upload_piece_frames(id, p.seq))?
                .ok_or(StoreError::JobGone(id.0))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                ServerError::Internal(format!("piece {} of {name}: not text", p.seq))
            })?;
            for (i, line) in text.lines().enumerate() {
                let frame = janu_body::file::parse_line(line).map_err(|e| {
                    ServerError::Internal(format!("piece {} of {name}, line {}: {e}", p.seq, i + 1))
                })?;
                frames.push(frame);
            }
        }
        if frames.is_empty() {
            return Err(ServerError::Unprocessable(format!(
                "{name}: the video has no frames Janu could read"
            )));
        }
        Ok(frames)
    }
}

/// Seconds piece `p` covers of a video `duration_s` long.
fn span(p: &UploadPiece, duration_s: f64) -> f64 {
    (p.end_s.unwrap_or(duration_s).min(duration_s) - p.start_s).max(0.0)
}

/// A piece that could not be tracked, as the one-pass analysis words it.
fn piece_error(e: &segments::SegmentError, file: &Path, name: &str) -> ServerError {
    let message = e.to_string().replace(&*file.to_string_lossy(), name);
    match e {
        segments::SegmentError::Media(_) => ServerError::Unprocessable(message),
        _ => ServerError::Internal(message),
    }
}
