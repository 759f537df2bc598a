-- Media in object storage, PostgreSQL flavour. Keep in step with ../sqlite/.
-- With an S3-compatible bucket as the media store, an upload's bytes and a
-- session's key frames live there and the database keeps only their keys.
-- An object is written before the row naming it commits and deleted after
-- that row's deletion commits; objects no row names are swept.
ALTER TABLE upload_jobs ADD COLUMN object_key TEXT CHECK (length(object_key) <= 1024);

CREATE TABLE session_objects (
    session_id BIGINT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    object_key TEXT   NOT NULL UNIQUE CHECK (length(object_key) <= 1024)
);
