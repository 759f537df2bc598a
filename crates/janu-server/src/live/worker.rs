//! The work behind one live connection, off the async runtime.
//!
//! Each connection gets its own thread, which leases a pose estimator from the
//! [`EstimatorPool`] (at most [`MAX_LIVE_SESSIONS`] at once; an estimator is
//! loaded once and reused by later connections) and owns a [`LiveCoach`].
//! Frames reach it through a [`Slot`] that holds only the newest frame: when a
//! frame arrives while the worker is busy, the waiting one is dropped and
//! counted, so nothing queues and the feedback is always about a recent
//! picture.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Instant;

use janu_analysis::SessionReport;
use janu_analysis::live::{LiveCoach, LiveOptions};
use janu_body::Frame;
use janu_store::{Source, Store, User};
use janu_vision::{EstimatorOptions, ModelSize, PoseEstimate, PoseEstimator, VisionError};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::protocol::{Feedback, ServerMessage, Summary, SummaryFinding, Timing};
use crate::ServerError;

/// Live sessions served at once per server: each runs the pose model about 15
/// times a second, and the machines Janu targets have 2 cores.
pub const MAX_LIVE_SESSIONS: usize = 2;
/// Threads the pose model uses in a live session: one frame at a time, so both
/// cores shorten the wait for its feedback.
pub const LIVE_MODEL_THREADS: usize = 2;
/// Least person-visible time, seconds, for a session to be saved: less is a
/// test of the camera, not a practice.
pub const MIN_SAVED_PERSON_S: f64 = 5.0;
/// Longest live session, seconds: an hour of frames is about 60 MB of
/// landmarks kept for the final analysis; the session is then stopped and
/// saved.
pub const MAX_SESSION_S: f64 = 3600.0;
/// Findings listed in the summary (the saved report has all of them).
pub const SUMMARY_FINDINGS: usize = 3;
/// Media name of live sessions in the history.
pub const LIVE_MEDIA_NAME: &str = "live camera";

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An estimator the pool can hand to a session's thread.
pub type LiveEstimator = Box<dyn PoseEstimate + Send>;

/// How the pool makes an estimator for a model size.
type Loader = dyn Fn(ModelSize) -> Result<LiveEstimator, VisionError> + Send + Sync;

/// Pose estimators for live sessions, loaded on first use and reused. By
/// default they are the real pose model ([`EstimatorPool::default`]); any
/// [`PoseEstimate`] can stand in ([`EstimatorPool::new`]).
pub struct EstimatorPool {
    load: Box<Loader>,
    inner: Mutex<PoolState>,
}

impl std::fmt::Debug for EstimatorPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = lock(&self.inner);
        f.debug_struct("EstimatorPool")
            .field("idle", &s.idle.len())
            .field("leased", &s.leased)
            .finish_non_exhaustive()
    }
}

impl Default for EstimatorPool {
    /// The real pose model, with [`LIVE_MODEL_THREADS`] threads.
    fn default() -> Self {
        Self::new(|model| {
            let estimator = PoseEstimator::new(EstimatorOptions {
                model,
                threads: LIVE_MODEL_THREADS,
                ..Default::default()
            })?;
            Ok(Box::new(estimator))
        })
    }
}

#[derive(Default)]
struct PoolState {
    /// Loaded estimators not in use, with the model each runs.
    idle: Vec<(ModelSize, LiveEstimator)>,
    leased: usize,
}

/// An estimator taken from the pool; it goes back (reset) when dropped.
pub struct Lease {
    pool: Arc<EstimatorPool>,
    model: ModelSize,
    estimator: Option<LiveEstimator>,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("model", &self.model)
            .field("loaded", &self.estimator.is_some())
            .finish_non_exhaustive()
    }
}

impl EstimatorPool {
    /// A pool whose estimators `load` makes, once per model size in use.
    pub fn new(
        load: impl Fn(ModelSize) -> Result<LiveEstimator, VisionError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            load: Box::new(load),
            inner: Mutex::default(),
        }
    }

    /// Reserve a place for one session.
    ///
    /// # Errors
    /// [`ServerError::Busy`] when [`MAX_LIVE_SESSIONS`] are running.
    pub fn lease(self: &Arc<Self>, model: ModelSize) -> Result<Lease, ServerError> {
        let mut s = lock(&self.inner);
        if s.leased >= MAX_LIVE_SESSIONS {
            return Err(ServerError::Busy);
        }
        s.leased += 1;
        let pos = s.idle.iter().position(|(m, _)| *m == model);
        let estimator = pos.map(|i| s.idle.swap_remove(i).1);
        Ok(Lease {
            pool: Arc::clone(self),
            model,
            estimator,
        })
    }

    /// Sessions running now.
    pub fn leased(&self) -> usize {
        lock(&self.inner).leased
    }
}

impl Lease {
    /// The estimator, loading it (and on first use installing the models).
    ///
    /// # Errors
    /// [`ServerError::Internal`] when the model cannot be loaded.
    pub fn estimator(&mut self) -> Result<&mut dyn PoseEstimate, ServerError> {
        let estimator = match self.estimator.take() {
            Some(e) => e,
            None => (self.pool.load)(self.model).map_err(|e| {
                ServerError::Internal(format!("loading the pose model: {}", e.message()))
            })?,
        };
        Ok(self.estimator.insert(estimator).as_mut())
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut s = lock(&self.pool.inner);
        s.leased = s.leased.saturating_sub(1);
        if let Some(mut e) = self.estimator.take() {
            e.reset();
            s.idle.push((self.model, e));
        }
    }
}

/// A frame as received, waiting for the worker.
#[derive(Debug)]
pub struct Incoming {
    /// The client's frame id.
    pub id: u32,
    /// Capture time on the client's clock, milliseconds.
    pub captured_ms: f64,
    /// The picture is mirrored.
    pub mirrored: bool,
    /// The picture's bytes (JPEG, PNG or WebP).
    pub picture: Vec<u8>,
    /// When it arrived.
    pub arrived: Instant,
}

/// What the connection tells the worker besides frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Control {
    /// Pictures are (not) mirrored from now on.
    Mirrored(bool),
    /// Finish: analyse, save, summarise.
    Stop,
    /// The client is gone: save if worth it, send nothing.
    Gone,
}

#[derive(Debug, Default)]
struct SlotState {
    frame: Option<Incoming>,
    dropped: u32,
    controls: VecDeque<Control>,
}

/// The newest frame and the control messages, between the connection and its
/// worker.
#[derive(Debug, Default)]
pub struct Slot {
    state: Mutex<SlotState>,
    wake: Condvar,
}

impl Slot {
    /// Put a frame in, replacing (and counting as dropped) a waiting one.
    pub fn put(&self, frame: Incoming) {
        let mut s = lock(&self.state);
        if s.frame.replace(frame).is_some() {
            s.dropped += 1;
        }
        drop(s);
        self.wake.notify_one();
    }

    /// Count a frame dropped before it reached the slot (rate limit).
    pub fn count_dropped(&self) {
        lock(&self.state).dropped += 1;
    }

    /// Send a control message.
    pub fn control(&self, c: Control) {
        lock(&self.state).controls.push_back(c);
        self.wake.notify_one();
    }

    /// Wait for a control message or a frame; controls first.
    fn take(&self) -> Taken {
        let mut s = lock(&self.state);
        loop {
            if let Some(c) = s.controls.pop_front() {
                return Taken::Control(c);
            }
            if let Some(f) = s.frame.take() {
                let dropped = std::mem::take(&mut s.dropped);
                return Taken::Frame(f, dropped);
            }
            s = self.wake.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Drops counted since the last frame taken, plus a frame still waiting
    /// (discarded).
    fn discard(&self) -> u32 {
        let mut s = lock(&self.state);
        let waiting = u32::from(s.frame.take().is_some());
        std::mem::take(&mut s.dropped) + waiting
    }
}

enum Taken {
    Control(Control),
    Frame(Incoming, u32),
}

/// Everything a worker needs.
pub struct Worker {
    /// Frames and controls in.
    pub slot: Arc<Slot>,
    /// Messages out (to the socket).
    pub out: mpsc::Sender<ServerMessage>,
    /// The estimator place.
    pub lease: Lease,
    /// Where the session is saved.
    pub store: Store,
    /// The server's runtime, to save through.
    pub runtime: tokio::runtime::Handle,
    /// The user practising.
    pub user: User,
    /// Whether pictures start mirrored.
    pub mirrored: bool,
}

impl Worker {
    /// Run until stopped or gone. Sends `ready` once the model is loaded, a
    /// `feedback` per frame taken, and a `summary` after `stop`.
    pub fn run(mut self) {
        let model = format!("{:?}", self.lease.model).to_lowercase();
        if let Err(e) = self.lease.estimator() {
            tracing::error!(error = %e, "live coaching: the pose model could not be loaded");
            let _ = self.out.blocking_send(ServerMessage::error(
                "internal",
                "the pose model could not be loaded; the server log has the details",
                None,
                true,
            ));
            return;
        }
        let _ = self.out.blocking_send(ServerMessage::Ready {
            model,
            max_frame_bytes: super::MAX_FRAME_BYTES,
            max_fps: super::MAX_FPS,
            suggested_fps: super::SUGGESTED_FPS,
            suggested_width: super::SUGGESTED_WIDTH,
            mirrored: self.mirrored,
        });
        let mut session = Session::new(self.mirrored);
        loop {
            match self.slot.take() {
                Taken::Control(Control::Mirrored(m)) => session.coach.set_mirrored(m),
                Taken::Control(Control::Stop) => {
                    let summary = self.finish(&mut session);
                    let _ = self.out.blocking_send(ServerMessage::Summary(summary));
                    return;
                }
                Taken::Control(Control::Gone) => {
                    let _ = self.finish(&mut session);
                    return;
                }
                Taken::Frame(frame, dropped) => {
                    session.dropped += u64::from(dropped);
                    let id = frame.id;
                    let msg = match self.process(&mut session, &frame, dropped) {
                        Ok(fb) => ServerMessage::Feedback(fb),
                        Err(e) => ServerMessage::error("bad_frame", e, Some(id), false),
                    };
                    if self.out.blocking_send(msg).is_err() {
                        // The connection is gone; it sends `Gone` next.
                        continue;
                    }
                    if session.last_t >= MAX_SESSION_S {
                        let _ = self.out.blocking_send(ServerMessage::error(
                            "too_long",
                            format!(
                                "a live session lasts at most {} minutes; this one is saved now",
                                MAX_SESSION_S / 60.0
                            ),
                            None,
                            false,
                        ));
                        let summary = self.finish(&mut session);
                        let _ = self.out.blocking_send(ServerMessage::Summary(summary));
                        return;
                    }
                }
            }
        }
    }

    fn process(
        &mut self,
        session: &mut Session,
        frame: &Incoming,
        dropped: u32,
    ) -> Result<Feedback, String> {
        let started = Instant::now();
        let queue_ms = ms(started - frame.arrived);
        // The size is checked from the picture's header, before decoding.
        let options = janu_media::ImageOptions {
            max_pixels: super::MAX_FRAME_PIXELS,
            ..janu_media::ImageOptions::default()
        };
        let image = janu_media::decode_image_with(&frame.picture, &options).map_err(|e| match e {
            janu_media::MediaError::ImageTooLarge { width, height, .. } => format!(
                "frame {}: {width} x {height} pixels is more than the live limit of {} pixels; send a smaller picture (about {} pixels wide)",
                frame.id,
                super::MAX_FRAME_PIXELS,
                super::SUGGESTED_WIDTH
            ),
            e => format!("frame {}: {e}", frame.id),
        })?;
        let (w, h) = image.dimensions();
        let decoded = Instant::now();
        let t = session.time_of(frame);
        let estimator = self.lease.estimator().map_err(|e| e.public_message())?;
        let estimate = estimator
            .track_live(&image, t)
            .map_err(|e| format!("frame {}: pose model: {}", frame.id, e.message()))?;
        if estimate.pose.is_none() {
            // Nobody: start the next frame from the detector with fresh filters.
            estimator.reset();
        }
        let modelled = Instant::now();
        if frame.mirrored != session.coach.options().mirrored {
            session.coach.set_mirrored(frame.mirrored);
        }
        let landmarks = estimate.pose.as_ref().map(janu_web::picture_points);
        let update = session.coach.push(&Frame {
            t,
            width: w,
            height: h,
            pose: estimate.pose,
        });
        session.frames += 1;
        let coached = Instant::now();
        Ok(Feedback {
            frame: frame.id,
            captured_ms: frame.captured_ms,
            dropped,
            landmarks,
            update,
            timing: Timing {
                queue_ms,
                decode_ms: ms(decoded - started),
                model_ms: ms(modelled - decoded),
                coach_ms: ms(coached - modelled),
                total_ms: ms(coached - frame.arrived),
            },
        })
    }

    /// Analyse the whole session and save it (one transaction) when a person
    /// was seen long enough.
    fn finish(&mut self, session: &mut Session) -> Summary {
        session.dropped += u64::from(self.slot.discard());
        let (mut summary, report) = summarize(&session.coach, session.frames, session.dropped);
        if let Some(report) = report {
            let saved = crate::analysis::new_session(
                self.user.id,
                &report,
                LIVE_MEDIA_NAME,
                session.started_at,
            )
            .and_then(|mut new| {
                new.source = Source::Live;
                self.runtime
                    .block_on(self.store.save_session(&new))
                    .map_err(ServerError::from)
            });
            record_save(&mut summary, saved.map(|id| id.0));
        }
        summary
    }
}

/// The summary of a live session followed by `coach` (`frames` analysed,
/// `dropped` not), and its report when it is worth saving: a person in view
/// for [`MIN_SAVED_PERSON_S`] and an analysis that succeeds (else the
/// summary says why not).
pub(crate) fn summarize(
    coach: &LiveCoach,
    frames: u64,
    dropped: u64,
) -> (Summary, Option<SessionReport>) {
    let mut summary = Summary {
        saved: false,
        session_id: None,
        url: None,
        reason: None,
        duration_s: round2(coach.frames().last().map_or(0.0, |f| f.t)),
        frames,
        dropped,
        sides: coach.sides_done().to_vec(),
        findings: Vec::new(),
        camera_advice: None,
    };
    if coach.person_seconds() < MIN_SAVED_PERSON_S {
        summary.reason = Some(format!(
            "you were in view for {:.0} s; sessions under {MIN_SAVED_PERSON_S:.0} s are not saved",
            coach.person_seconds()
        ));
        return (summary, None);
    }
    let report = match coach.finish() {
        Ok(r) => r,
        Err(e) => {
            summary.reason = Some(format!("the session could not be analysed: {e}"));
            return (summary, None);
        }
    };
    summary.findings = report
        .findings
        .iter()
        .take(SUMMARY_FINDINGS)
        .map(|f| SummaryFinding {
            id: f.id.clone(),
            title: f.title.clone(),
            side: f.side.map(|s| s.to_string()),
            message: f.message.clone(),
        })
        .collect();
    summary.camera_advice = report.camera.advice.clone();
    (summary, Some(report))
}

/// Put the outcome of saving into `summary`.
pub(crate) fn record_save(summary: &mut Summary, saved: Result<i64, ServerError>) {
    match saved {
        Ok(id) => {
            summary.saved = true;
            summary.session_id = Some(id);
            summary.url = Some(format!("/sessions/{id}"));
        }
        Err(e) => {
            tracing::error!(error = %e, "live coaching: saving a session failed");
            summary.reason = Some(e.public_message());
        }
    }
}

/// One session's state inside the worker.
struct Session {
    coach: LiveCoach,
    started_at: OffsetDateTime,
    /// The first frame's capture time and arrival, for frame times.
    first: Option<(f64, Instant)>,
    last_t: f64,
    frames: u64,
    dropped: u64,
}

impl Session {
    fn new(mirrored: bool) -> Self {
        Self {
            coach: LiveCoach::new(LiveOptions {
                mirrored,
                ..LiveOptions::default()
            }),
            started_at: OffsetDateTime::now_utc(),
            first: None,
            last_t: 0.0,
            frames: 0,
            dropped: 0,
        }
    }

    /// The frame's time in seconds from the first frame: the client's capture
    /// clock when it is sane, else the arrival time; never going back.
    fn time_of(&mut self, f: &Incoming) -> f64 {
        let (c0, a0) = *self.first.get_or_insert((f.captured_ms, f.arrived));
        let by_client = (f.captured_ms - c0) / 1000.0;
        let by_arrival = f.arrived.saturating_duration_since(a0).as_secs_f64();
        let t = if by_client.is_finite() && (by_client - by_arrival).abs() < CLOCK_SLACK_S {
            by_client
        } else {
            by_arrival
        };
        self.last_t = t.max(self.last_t);
        self.last_t
    }
}

/// A client clock further than this from the arrival times (seconds) is not
/// trusted: a network stalls for a second or two, never for ten.
const CLOCK_SLACK_S: f64 = 10.0;

fn ms(d: std::time::Duration) -> f32 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() as f32 / 100.0
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use image::RgbImage;
    use janu_vision::Estimate;

    use super::*;

    /// Finds nobody, and counts its resets.
    struct Empty {
        resets: Arc<AtomicUsize>,
    }

    impl PoseEstimate for Empty {
        fn estimate_image(&mut self, _image: &RgbImage) -> Result<Estimate, VisionError> {
            Ok(Estimate {
                pose: None,
                people_detected: 0,
                detector_ran: true,
                roi: None,
            })
        }

        fn track(&mut self, image: &RgbImage, _t: f64) -> Result<Estimate, VisionError> {
            self.estimate_image(image)
        }

        fn track_live(&mut self, image: &RgbImage, _t: f64) -> Result<Estimate, VisionError> {
            self.estimate_image(image)
        }

        fn reset(&mut self) {
            self.resets.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A pool of [`Empty`] estimators, with how many were loaded and reset.
    fn counted() -> (Arc<EstimatorPool>, Arc<AtomicUsize>, Arc<AtomicUsize>) {
        let loads = Arc::new(AtomicUsize::new(0));
        let resets = Arc::new(AtomicUsize::new(0));
        let (l, r) = (Arc::clone(&loads), Arc::clone(&resets));
        let pool = EstimatorPool::new(move |_| {
            l.fetch_add(1, Ordering::SeqCst);
            Ok(Box::new(Empty {
                resets: Arc::clone(&r),
            }))
        });
        (Arc::new(pool), loads, resets)
    }

    #[test]
    fn a_loaded_model_is_reset_and_reused_by_the_next_session_of_its_size() {
        let (pool, loads, resets) = counted();
        let mut first = pool.lease(ModelSize::Full).unwrap();
        first.estimator().unwrap();
        first.estimator().unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 1, "loaded once per lease");
        drop(first);
        assert_eq!(resets.load(Ordering::SeqCst), 1, "reset on its way back");
        assert_eq!(pool.leased(), 0);

        let mut again = pool.lease(ModelSize::Full).unwrap();
        again.estimator().unwrap();
        assert_eq!(loads.load(Ordering::SeqCst), 1, "the idle one is reused");
        let mut lite = pool.lease(ModelSize::Lite).unwrap();
        lite.estimator().unwrap();
        assert_eq!(
            loads.load(Ordering::SeqCst),
            2,
            "another size loads its own"
        );
    }

    #[test]
    fn sessions_beyond_the_limit_are_refused_as_busy_until_one_ends() {
        let (pool, _, _) = counted();
        let held: Vec<Lease> = (0..MAX_LIVE_SESSIONS)
            .map(|_| pool.lease(ModelSize::Full).unwrap())
            .collect();
        assert!(matches!(
            pool.lease(ModelSize::Full),
            Err(ServerError::Busy)
        ));
        drop(held);
        assert!(pool.lease(ModelSize::Full).is_ok());
    }

    #[test]
    fn a_model_that_cannot_load_is_an_internal_error_that_says_so() {
        let pool = Arc::new(EstimatorPool::new(|_| {
            Err(VisionError::ModelCache("no room to unpack".into()))
        }));
        let mut lease = pool.lease(ModelSize::Full).unwrap();
        let Err(ServerError::Internal(message)) = lease.estimator() else {
            panic!("a failed load must be an internal error");
        };
        assert!(message.starts_with("loading the pose model"), "{message}");
        assert!(message.contains("no room to unpack"), "{message}");
        drop(lease);
        assert_eq!(pool.leased(), 0, "a failed lease frees its place");
    }
}
