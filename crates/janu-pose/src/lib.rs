//! Janusirsasana as data: knowledge from the references, screening, practice plans and cue scripts. No I/O.
