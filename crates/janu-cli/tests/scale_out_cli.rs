//! Many processes on one queue: Postgres, two `janu serve` replicas that only
//! queue (`JANU_WORKERS=0`) and three `janu worker` processes, each with a
//! data folder of its own as if on its own machine. Sixty uploads of videos
//! made from real photos go through both replicas; one worker is killed
//! (SIGKILL) in the middle of a job and replaced, and one replica is stopped
//! and started again during the run. Every upload ends as exactly one saved
//! session with its key frames, nothing is lost or saved twice, and no
//! upload bytes or scratch files are left anywhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{json_body, login};
use janu_store::Store;

/// Uploads in the run.
const UPLOADS: usize = 60;
/// Client threads sending them.
const CLIENTS: usize = 4;
/// The job lease the processes run with: short, so the killed worker's job
/// moves on within seconds.
const LEASE_S: &str = "4";
/// Longest wait for everything to be analysed (debug build, 2 cores).
const RUN_LIMIT: Duration = Duration::from_secs(900);
const HANDLE: &str = "ana";
const PASSWORD: &str = "a long passphrase";

/// A process started for the test, killed when dropped.
struct Proc {
    child: Child,
    /// `HOST:PORT` for a server.
    addr: String,
    dir: PathBuf,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, as a service manager stops it; wait for it to exit.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn env(db: &str) -> Vec<(&'static str, String)> {
    vec![
        ("JANU_DATABASE", db.to_owned()),
        ("JANU_JOB_LEASE_S", LEASE_S.to_owned()),
        ("JANU_QUEUE", "1000".to_owned()),
    ]
}

fn replica(db: &str, dir: &Path) -> Proc {
    let env = env(db);
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.push(("JANU_WORKERS", "0"));
    let (child, addr) = common::spawn_serve(dir, &env);
    Proc {
        child,
        addr,
        dir: dir.to_path_buf(),
    }
}

fn worker(db: &str, dir: &Path) -> Proc {
    let child = Command::new(env!("CARGO_BIN_EXE_janu"))
        .args(["worker", "--data-dir"])
        .arg(dir)
        .env_remove("JANU_CONFIG")
        .envs(env(db))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Proc {
        child,
        addr: String::new(),
        dir: dir.to_path_buf(),
    }
}

/// One request; `None` when the server cannot be reached or hangs up (a
/// replica restarting).
fn try_http(addr: &str, request: &[u8]) -> Option<String> {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
    s.write_all(request).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).into_owned();
    (!text.is_empty()).then_some(text)
}

/// Small videos from real photos (two photos, one second each, 15 fps).
fn videos(out: &Path) -> Option<Vec<Vec<u8>>> {
    let root = janu_testkit::shared_data("photos")?;
    let photos = janu_testkit::spread_photos(&root, 6);
    assert!(photos.len() >= 6, "six photos in {}", root.display());
    let spec = janu_media::PanZoomSpec {
        width: 480,
        height: 360,
        fps: 15.0,
        seconds_per_photo: 1.0,
        ..janu_media::PanZoomSpec::hd720()
    };
    let mut all = Vec::new();
    for (i, pair) in photos.chunks(2).enumerate() {
        let path = out.join(format!("class-{i}.mp4"));
        janu_media::pan_zoom_video(pair, &path, &spec).unwrap();
        all.push(std::fs::read(&path).unwrap());
    }
    Some(all)
}

/// Everything under `dir` that is upload bytes or scratch: job files and
/// worker scratch folders.
fn leftovers(dir: &Path) -> Vec<String> {
    let uploads = dir.join("uploads");
    std::fs::read_dir(uploads)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("job-") || n.starts_with(".work-"))
                .collect()
        })
        .unwrap_or_default()
}

async fn count(store: &Store, sql: &str) -> i64 {
    let Store::Postgres(pool) = store else {
        panic!("a Postgres store")
    };
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[test]
fn replicas_and_workers_share_one_queue_through_a_kill_and_a_restart() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = rt.block_on(janu_testkit::postgres::PostgresDb::create()) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let Some(videos) = videos(tmp.path()) else {
        return;
    };
    let machine = |name: &str| {
        let d = tmp.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let mut add = Command::new(env!("CARGO_BIN_EXE_janu"))
        .args([
            "users",
            "add",
            HANDLE,
            "--password-stdin",
            "--database",
            &db.url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut add.stdin.take().unwrap(), PASSWORD.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());

    let a = replica(&db.url, &machine("replica-a"));
    let b = replica(&db.url, &machine("replica-b"));
    let mut workers: Vec<Proc> = (0..3)
        .map(|i| worker(&db.url, &machine(&format!("worker-{i}"))))
        .collect();
    let answer = login(&a.addr, HANDLE, PASSWORD);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let token = json_body(&answer)["token"].as_str().unwrap().to_owned();

    // The clients: upload after upload, alternating replicas, moving to the
    // other replica when one does not answer.
    let addrs = Arc::new(Mutex::new(vec![a.addr.clone(), b.addr.clone()]));
    let next = Arc::new(Mutex::new(0_usize));
    let accepted = Arc::new(Mutex::new(Vec::<u64>::new()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (addrs, next, accepted) = (addrs.clone(), next.clone(), accepted.clone());
            let (token, videos) = (token.clone(), videos.clone());
            std::thread::spawn(move || {
                loop {
                    let n = {
                        let mut g = next.lock().unwrap();
                        if *g >= UPLOADS {
                            return;
                        }
                        *g += 1;
                        *g - 1
                    };
                    let body = &videos[n % videos.len()];
                    for attempt in 0.. {
                        assert!(attempt < 200, "upload {n} never accepted");
                        let addr = addrs.lock().unwrap()[(n + attempt) % 2].clone();
                        let mut request = format!(
                            "POST /api/uploads?name=class-{n}.mp4 HTTP/1.1\r\nHost: {addr}\r\n\
                             Authorization: Bearer {token}\r\nContent-Type: video/mp4\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        request.extend_from_slice(body);
                        match try_http(&addr, &request) {
                            Some(answer) if answer.starts_with("HTTP/1.1 202") => {
                                let id = json_body(&answer)["id"].as_u64().unwrap();
                                accepted.lock().unwrap().push(id);
                                break;
                            }
                            Some(answer) if answer.starts_with("HTTP/1.1 503") => {}
                            Some(answer) => panic!("upload {n}: {answer}"),
                            None => {}
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            })
        })
        .collect();

    let store = rt.block_on(Store::open(&db.url)).unwrap();
    let started = Instant::now();
    // 1. A worker killed in the middle of a job (the row names its pid).
    let victim = loop {
        assert!(started.elapsed() < RUN_LIMIT, "no job ever ran");
        let running = rt.block_on(store.recent_upload_jobs(100)).unwrap();
        let busy: Vec<u32> = running
            .iter()
            .filter(|j| j.state == janu_store::UploadState::Running)
            .filter_map(|j| j.worker.as_deref()?.rsplit('-').nth(1)?.parse().ok())
            .collect();
        if let Some(i) = workers.iter().position(|w| busy.contains(&w.pid())) {
            break workers.remove(i);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let victim_dir = victim.dir.clone();
    victim.kill();
    // Its machine comes back with a new worker process.
    workers.push(worker(&db.url, &victim_dir));

    // 2. Replica b stopped once half the uploads are in, and started again.
    while accepted.lock().unwrap().len() < UPLOADS / 2 {
        assert!(started.elapsed() < RUN_LIMIT, "uploads stalled");
        std::thread::sleep(Duration::from_millis(50));
    }
    let b_dir = b.dir.clone();
    b.stop();
    std::thread::sleep(Duration::from_millis(500));
    let b = replica(&db.url, &b_dir);
    addrs.lock().unwrap()[1] = b.addr.clone();
    for c in clients {
        c.join().unwrap();
    }

    // 3. Everything analysed.
    loop {
        let stats = rt.block_on(store.queue_stats()).unwrap();
        if stats.queued == 0 && stats.running == 0 {
            break;
        }
        assert!(
            started.elapsed() < RUN_LIMIT,
            "still {} queued, {} running",
            stats.queued,
            stats.running
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let ids = accepted.lock().unwrap().clone();
    assert_eq!(ids.len(), UPLOADS);
    let distinct: std::collections::BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), UPLOADS, "each upload is its own job");
    let mut sessions = std::collections::BTreeSet::new();
    let mut by_worker = std::collections::BTreeMap::<String, usize>::new();
    let mut retried = 0;
    for id in &ids {
        let job = rt
            .block_on(store.upload_job(janu_store::JobId(i64::try_from(*id).unwrap())))
            .unwrap()
            .unwrap();
        assert_eq!(job.state, janu_store::UploadState::Done, "{job:?}");
        assert!(sessions.insert(job.session.unwrap()), "one session per job");
        retried += usize::from(job.attempts > 1);
        *by_worker.entry(job.worker.unwrap_or_default()).or_default() += 1;
    }
    eprintln!(
        "{UPLOADS} uploads analysed in {:.1} s; {retried} ran again; per worker: {by_worker:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(retried >= 1, "the killed worker's job ran again elsewhere");
    assert!(by_worker.len() >= 3, "the work was shared: {by_worker:?}");
    let (n_sessions, n_media, n_chunks) = rt.block_on(async {
        (
            count(&store, "SELECT count(*) FROM sessions").await,
            count(&store, "SELECT count(*) FROM session_media").await,
            count(&store, "SELECT count(*) FROM upload_chunks").await,
        )
    });
    assert_eq!(n_sessions, UPLOADS as i64, "nothing lost, nothing twice");
    assert_eq!(n_media, UPLOADS as i64, "every session has its key frames");
    assert_eq!(n_chunks, 0, "no upload bytes left in the database");
    // Any replica answers for any job, and the progress is the row's.
    let job = json_body(
        &try_http(
            &b.addr,
            format!(
                "GET /api/jobs/{} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
                 Connection: close\r\n\r\n",
                ids[0], b.addr
            )
            .as_bytes(),
        )
        .unwrap(),
    );
    assert_eq!(job["state"], "done", "{job}");

    // 4. Stopped the usual way, no process leaves files behind; the killed
    //    one's scratch folder went when its machine's next worker started.
    let dirs: Vec<PathBuf> = workers
        .iter()
        .map(|w| w.dir.clone())
        .chain([a.dir.clone(), b.dir.clone()])
        .collect();
    for w in workers {
        w.stop();
    }
    a.stop();
    b.stop();
    for d in dirs {
        assert!(
            leftovers(&d).is_empty(),
            "{}: {:?}",
            d.display(),
            leftovers(&d)
        );
    }
    rt.block_on(store.close());
}
