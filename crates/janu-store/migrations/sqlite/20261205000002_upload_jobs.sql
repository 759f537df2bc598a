-- The upload queue, SQLite flavour. Keep in step with ../postgres/.
-- A job is written when its upload is accepted (202) and finished in the same
-- transaction that saves its session, so a restart loses no accepted upload
-- and never saves one twice. Jobs still 'queued' or 'running' at a start are
-- run again; the uploaded file waits in the data folder under file_name.

CREATE TABLE upload_jobs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    media_name TEXT    NOT NULL CHECK (length(media_name) BETWEEN 1 AND 255),
    kind       TEXT    NOT NULL CHECK (kind IN ('photo', 'video', 'landmarks')),
    file_name  TEXT    NOT NULL UNIQUE CHECK (length(file_name) BETWEEN 1 AND 255),
    state      TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    error      TEXT    CHECK (length(error) <= 2000),
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL CHECK (length(created_at) = 27),
    updated_at TEXT    NOT NULL CHECK (length(updated_at) = 27)
);
CREATE INDEX upload_jobs_by_state ON upload_jobs (state, id);
CREATE INDEX upload_jobs_by_user ON upload_jobs (user_id);
