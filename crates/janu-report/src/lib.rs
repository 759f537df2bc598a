//! Renderers for analysis reports: JSON, text, HTML with plots and key frames, CSV.
