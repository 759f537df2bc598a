-- Scale-out, SQLite flavour. Keep in step with ../postgres/.
-- Jobs are handed to workers by the apalis queue (its own tables, its own
-- migrations); this row stays the record the uploader and the admin read.
-- `attempts` counts the workers that took the job, so an upload that kills
-- its worker every time fails after a few tries instead of looping; the
-- progress columns let any process answer "how far along".
ALTER TABLE upload_jobs ADD COLUMN attempts     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_jobs ADD COLUMN worker       TEXT CHECK (length(worker) <= 255);
ALTER TABLE upload_jobs ADD COLUMN stage        TEXT CHECK (length(stage) <= 255);
ALTER TABLE upload_jobs ADD COLUMN frames_done  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE upload_jobs ADD COLUMN frames_total INTEGER;
ALTER TABLE upload_jobs ADD COLUMN progress     REAL NOT NULL DEFAULT 0;

-- Uploads stay files in the data folder with SQLite (one machine); the table
-- exists so both backends share one schema and one code path.
CREATE TABLE upload_chunks (
    job_id INTEGER NOT NULL REFERENCES upload_jobs (id) ON DELETE CASCADE,
    seq    INTEGER NOT NULL CHECK (seq >= 0),
    bytes  BLOB    NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- A session's key frames and breathing traces (JSON), written in the session's
-- own transaction and deleted with it.
CREATE TABLE session_media (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    media_json BLOB    NOT NULL
);
