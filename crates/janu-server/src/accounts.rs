//! Accounts: passwords (argon2id), random tokens for signed-in browsers and
//! programs (stored as SHA-256), the sign-in rate limit, and the operations the
//! server and the `janu users` command share (add a user, reset a password).
//!
//! Why two hashes: a password is chosen by a person and may be guessable, so it
//! gets argon2id, slow and memory-hard by design; a token is 256 random bits,
//! which no one can guess, so a fast SHA-256 of it is enough and lets a request
//! be checked with one indexed lookup.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use janu_store::{NewUser, Page, SessionId, Store, User};
use sha2::{Digest, Sha256};

use crate::ServerError;
use crate::user::normalize_handle;

/// Shortest password accepted: NIST SP 800-63B's minimum for a chosen secret.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest password accepted: a passphrase fits; megabytes would only make the
/// hash slow.
pub const PASSWORD_MAX_CHARS: usize = 256;
/// Random bytes in a token: 256 bits, beyond guessing.
pub const TOKEN_BYTES: usize = 32;
/// The start of a personal API token, so a leaked one is recognisable in a log
/// or a secret scanner.
pub const API_TOKEN_PREFIX: &str = "janu_pat_";
/// Failed sign-ins allowed per handle within [`LOGIN_WINDOW`]: enough for a
/// person who mistypes, far too few to guess a password.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// Failed sign-ins allowed per client address within [`LOGIN_WINDOW`],
/// whatever the handles: a studio's shared network makes a few people's
/// mistakes add up, and one client trying one password on many handles
/// (spraying) is stopped.
pub const MAX_FAILED_LOGINS_PER_ADDRESS: u32 = 30;
/// The window [`MAX_FAILED_LOGINS`] is counted over.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys (handles and addresses) the rate limiter remembers at most; past that the oldest windows
/// are dropped, so a flood of made-up handles cannot grow memory without bound.
pub const LIMITER_MAX_KEYS: usize = 10_000;
/// Password hashes computed at once: each argon2id hash takes 19 MiB and tens
/// of milliseconds of a core, so a flood of sign-ins queues here instead of
/// taking the machine's memory.
pub const HASHES_AT_ONCE: usize = 2;

/// A fresh random token: [`TOKEN_BYTES`] from the operating system, URL-safe
/// base64 without padding (43 characters).
///
/// # Errors
/// [`ServerError::Internal`] when the operating system has no randomness.
pub fn new_token() -> Result<String, ServerError> {
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServerError::Internal(format!("no randomness from the system: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// What the store keeps of a token: its SHA-256 as lower-case hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a new password's length.
///
/// # Errors
/// [`ServerError::BadRequest`] saying what is wrong.
pub fn check_new_password(password: &str) -> Result<(), ServerError> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(ServerError::BadRequest(format!(
            "the password is too short: at least {PASSWORD_MIN_CHARS} characters"
        )));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(ServerError::BadRequest(format!(
            "the password is too long: at most {PASSWORD_MAX_CHARS} characters"
        )));
    }
    Ok(())
}

/// The argon2id hash (PHC string, salt included) of a password. Slow on
/// purpose: call it from a blocking thread ([`Hasher`] does).
///
/// # Errors
/// [`ServerError::BadRequest`] for a password of the wrong length;
/// [`ServerError::Internal`] when there is no randomness for the salt.
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    check_new_password(password)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| ServerError::Internal(format!("no randomness from the system: {e}")))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| ServerError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServerError::Internal(format!("password hash: {e}")))
}

/// Whether `password` matches the stored `hash` (false for a hash that does
/// not parse: nobody can sign in with it).
pub fn verify_password(hash: &str, password: &str) -> bool {
    if password.chars().count() > PASSWORD_MAX_CHARS {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash no password matches (of a random token, made once), verified when
/// the handle is unknown so that a wrong handle takes as long as a wrong
/// password: the time of an answer does not tell which handles exist.
static DECOY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    new_token()
        .and_then(|t| hash_password(&t))
        .unwrap_or_default()
});

/// Runs password hashes on blocking threads, [`HASHES_AT_ONCE`] at a time.
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<tokio::sync::Semaphore>,
}

impl Default for Hasher {
    fn default() -> Self {
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(HASHES_AT_ONCE)),
        }
    }
}

impl Hasher {
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServerError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ServerError::Internal("the password hasher is closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ServerError::Internal(format!("password hash: {e}")))
    }

    /// [`hash_password`] off the async threads.
    ///
    /// # Errors
    /// As [`hash_password`].
    pub async fn hash(&self, password: String) -> Result<String, ServerError> {
        self.run(move || hash_password(&password)).await?
    }

    /// [`verify_password`] against `hash`, or against a decoy when there is
    /// no hash (unknown user, or no password set), so both take the same time.
    ///
    /// # Errors
    /// [`ServerError::Internal`] when the blocking pool is gone.
    pub async fn verify(
        &self,
        hash: Option<String>,
        password: String,
    ) -> Result<bool, ServerError> {
        self.run(move || match hash {
            Some(h) => verify_password(&h, &password),
            None => {
                let _ = verify_password(&DECOY_HASH, &password);
                false
            }
        })
        .await
    }
}

/// Failed sign-ins per key (a handle, or a client address) over a window of
/// [`LOGIN_WINDOW`] from the first failure.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// What a limit counts: failures for a handle, or from a client address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitKey {
    /// A handle, limited to [`MAX_FAILED_LOGINS`].
    Handle(String),
    /// A client address, limited to [`MAX_FAILED_LOGINS_PER_ADDRESS`].
    Address(std::net::IpAddr),
}

impl LimitKey {
    fn text(&self) -> String {
        match self {
            Self::Handle(h) => format!("handle {h}"),
            Self::Address(a) => format!("address {a}"),
        }
    }

    fn limit(&self) -> u32 {
        match self {
            Self::Handle(_) => MAX_FAILED_LOGINS,
            Self::Address(_) => MAX_FAILED_LOGINS_PER_ADDRESS,
        }
    }
}

impl LoginLimiter {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Err` with the wait when `key` has used its failed attempts.
    ///
    /// # Errors
    /// [`ServerError::TooManyRequests`].
    pub fn check(&self, key: &LimitKey, now: Instant) -> Result<(), ServerError> {
        match self.map().get(&key.text()) {
            Some(&(n, since)) if n >= key.limit() && now < since + LOGIN_WINDOW => {
                Err(ServerError::TooManyRequests {
                    retry_after_s: (since + LOGIN_WINDOW - now).as_secs().max(1),
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed sign-in for `key`.
    pub fn failed(&self, key: &LimitKey, now: Instant) {
        let key = key.text();
        let mut map = self.map();
        if map.len() >= LIMITER_MAX_KEYS && !map.contains_key(&key) {
            map.retain(|_, (_, since)| now < *since + LOGIN_WINDOW);
            if map.len() >= LIMITER_MAX_KEYS
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, (_, s))| *s)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        let entry = map.entry(key).or_insert((0, now));
        if now >= entry.1 + LOGIN_WINDOW {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Forgets the failures of `key` (a handle, after a good sign-in).
    pub fn succeeded(&self, key: &LimitKey) {
        self.map().remove(&key.text());
    }
}

/// Creates a user with a password: what `janu users add` and open sign-up do.
///
/// # Errors
/// [`ServerError::BadRequest`] for a malformed handle or password; the store's
/// `HandleTaken` (409) when the handle is in use.
pub async fn add_user(
    store: &Store,
    hasher: &Hasher,
    handle: &str,
    display_name: Option<&str>,
    password: String,
) -> Result<User, ServerError> {
    let handle = normalize_handle(handle)?;
    check_new_password(&password)?;
    let hash = hasher.hash(password).await?;
    let user = store
        .create_user(&NewUser {
            display_name: display_name
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .unwrap_or(&handle)
                .to_owned(),
            handle,
        })
        .await?;
    if let Err(e) = store.set_password_hash(user.id, Some(&hash)).await {
        // A user without a password could never sign in: take it back.
        // Nothing of a new user is in a bucket yet.
        let _ = store
            .delete_user(user.id, &janu_store::MediaBackend::Database)
            .await;
        return Err(e.into());
    }
    Ok(user)
}

/// Sets a new password and signs the user out of every browser.
///
/// # Errors
/// [`ServerError::NotFound`] for an unknown handle; as [`hash_password`].
pub async fn reset_password(
    store: &Store,
    hasher: &Hasher,
    handle: &str,
    password: String,
) -> Result<User, ServerError> {
    let handle = normalize_handle(handle)?;
    let user = store
        .user_by_handle(&handle)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("no user with the handle {handle:?}")))?;
    let hash = hasher.hash(password).await?;
    store.set_password_hash(user.id, Some(&hash)).await?;
    store.delete_logins_of(user.id).await?;
    Ok(user)
}

/// Every session id of `user`, newest first.
///
/// # Errors
/// Store errors.
pub async fn session_ids(store: &Store, user: &User) -> Result<Vec<SessionId>, ServerError> {
    let mut ids = Vec::new();
    let mut page = Page::first(Page::MAX_LIMIT);
    loop {
        let list = store.sessions(user.id, page).await?;
        let n = list.items.len();
        ids.extend(list.items.iter().map(|s| s.id));
        if n < page.limit as usize {
            return Ok(ids);
        }
        page = page.next();
    }
}

/// Deletes `user` and everything they own: the database rows in one statement
/// (sessions, sign-ins, tokens, shares go with the user), then their objects
/// in `media`'s bucket and the key-frame files under `data_dir`. Objects and
/// files left by a crash in between belong to no session, are never shown
/// (each carries its owner) and are removed at the next start.
///
/// # Errors
/// Store errors (then nothing was deleted).
pub async fn remove_user(
    store: &Store,
    media_store: &janu_store::MediaBackend,
    data_dir: &std::path::Path,
    user: &User,
) -> Result<(), ServerError> {
    let ids = session_ids(store, user).await?;
    store.delete_user(user.id, media_store).await?;
    let media = crate::report_view::MediaStore::at(data_dir);
    for id in ids {
        media.remove(id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "correct horsE"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert_ne!(h, hash_password("correct horse").unwrap(), "salted");
        assert!(hash_password("short").is_err());
        assert!(hash_password(&"x".repeat(PASSWORD_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn the_decoy_hash_parses_and_matches_nothing() {
        assert!(PasswordHash::new(&DECOY_HASH).is_ok());
        assert!(!verify_password(&DECOY_HASH, "password"));
    }

    #[test]
    fn tokens_are_random_and_hash_to_hex() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token().unwrap());
        let h = token_hash(&a);
        assert_eq!(h.len(), janu_store::TOKEN_HASH_LEN);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
    }

    #[test]
    fn the_limiter_stops_guessing_and_forgets_after_the_window() {
        let l = LoginLimiter::default();
        let t0 = Instant::now();
        let (ana, ben) = (
            LimitKey::Handle("ana".into()),
            LimitKey::Handle("ben".into()),
        );
        for _ in 0..MAX_FAILED_LOGINS {
            l.check(&ana, t0).unwrap();
            l.failed(&ana, t0);
        }
        let Err(ServerError::TooManyRequests { retry_after_s }) = l.check(&ana, t0) else {
            panic!("the sixth try is refused");
        };
        assert_eq!(retry_after_s, LOGIN_WINDOW.as_secs());
        l.check(&ben, t0).unwrap();
        l.check(&ana, t0 + LOGIN_WINDOW).unwrap();
        l.succeeded(&ana);
        l.check(&ana, t0).unwrap();
        // An address may fail more often, across handles, then waits too.
        let here = LimitKey::Address([10, 0, 0, 7].into());
        for _ in 0..MAX_FAILED_LOGINS_PER_ADDRESS {
            l.check(&here, t0).unwrap();
            l.failed(&here, t0);
        }
        assert!(l.check(&here, t0).is_err());
        l.check(&LimitKey::Address([10, 0, 0, 8].into()), t0)
            .unwrap();
    }
}
