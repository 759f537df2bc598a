-- Scale-out, PostgreSQL flavour. Keep in step with ../sqlite/.
-- Jobs are handed to workers on any machine by the apalis queue (its own
-- tables, its own migrations); this row stays the record the uploader and the
-- admin read. `attempts` counts the workers that took the job, so an upload
-- that kills its worker every time fails after a few tries instead of looping;
-- the progress columns let any replica answer "how far along".
ALTER TABLE upload_jobs ADD COLUMN attempts     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_jobs ADD COLUMN worker       TEXT CHECK (length(worker) <= 255);
ALTER TABLE upload_jobs ADD COLUMN stage        TEXT CHECK (length(stage) <= 255);
ALTER TABLE upload_jobs ADD COLUMN frames_done  BIGINT NOT NULL DEFAULT 0;
ALTER TABLE upload_jobs ADD COLUMN frames_total BIGINT;
ALTER TABLE upload_jobs ADD COLUMN progress     REAL NOT NULL DEFAULT 0;

-- An upload's bytes when the database is the media store (Postgres): 1 MiB
-- rows, written in the transaction that queues the job, deleted in the one
-- that finishes it (and with its job or its user).
CREATE TABLE upload_chunks (
    job_id BIGINT  NOT NULL REFERENCES upload_jobs (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL CHECK (seq >= 0),
    bytes  BYTEA   NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- A session's key frames and breathing traces (JSON), written in the session's
-- own transaction and deleted with it.
CREATE TABLE session_media (
    session_id BIGINT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    media_json BYTEA  NOT NULL
);
