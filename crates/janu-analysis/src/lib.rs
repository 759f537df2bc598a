//! Form analysis: metrics, recognition, phases and findings from landmark sequences. Pure.
