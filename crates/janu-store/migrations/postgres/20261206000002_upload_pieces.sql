-- A long video shared between workers, PostgreSQL flavour. Keep in step with
-- ../sqlite/. The worker that holds the upload job cuts the video into pieces
-- (one row each); any worker takes a piece that is free (no worker, or one
-- silent for a lease), tracks it and stores its landmark frames (exact JSON
-- lines); the job's worker joins them once all are there. Rows go in the
-- transaction that ends the job, and with the job.
CREATE TABLE upload_pieces (
    job_id     BIGINT           NOT NULL REFERENCES upload_jobs (id) ON DELETE CASCADE,
    seq        INTEGER          NOT NULL CHECK (seq >= 0),
    start_s    DOUBLE PRECISION NOT NULL CHECK (start_s >= 0),
    end_s      DOUBLE PRECISION CHECK (end_s > start_s),
    worker     TEXT             CHECK (length(worker) <= 255),
    updated_at TIMESTAMPTZ,
    frames     BYTEA,
    PRIMARY KEY (job_id, seq)
);
