//! Properties of the time-series tools and the fold smoothing, on generated
//! series: lengths kept, values within the input's range, and no panic or
//! runaway allocation whatever the times.

use janu_analysis::phases::{find_phases, smooth_fold};
use janu_analysis::series::{moving_mean, moving_median, resample};
use proptest::prelude::*;

fn range(v: impl IntoIterator<Item = f32>) -> (f32, f32) {
    v.into_iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        })
}

/// Sorted, finite times with any spacing from none to minutes.
fn times(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(
        prop_oneof![Just(0.0), 1e-300f64..1e-12, 1e-3f64..0.1, 0.1f64..120.0],
        n,
    )
    .prop_map(|gaps| {
        let mut t = 0.0;
        gaps.into_iter()
            .map(|g| {
                t += g;
                t
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn moving_filters_keep_length_and_range(
        x in proptest::collection::vec(-180.0f32..180.0, 1..200),
        half in 0usize..300,
    ) {
        let (lo, hi) = range(x.iter().copied());
        let m = moving_mean(&x, half);
        prop_assert_eq!(m.len(), x.len());
        prop_assert!(m.iter().all(|v| *v >= lo - 1e-3 && *v <= hi + 1e-3));
        let opt: Vec<Option<f32>> = x.iter().map(|v| Some(*v)).collect();
        let med = moving_median(&opt, half);
        prop_assert_eq!(med.len(), x.len());
        prop_assert!(med.iter().flatten().all(|v| *v >= lo && *v <= hi));
    }

    #[test]
    fn resampling_stays_between_the_known_values(
        t in times(2..50),
        v in proptest::collection::vec(proptest::option::of(-90.0f32..90.0), 50),
        dt in prop_oneof![1e-300f64..1e-9, 0.01f64..1.0],
    ) {
        let values = &v[..t.len()];
        let known: Vec<f32> = values.iter().flatten().copied().collect();
        let t0 = t[0];
        let t1 = t[t.len() - 1];
        if let Some(out) = resample(&t, values, t0, t1, dt) {
            let (lo, hi) = range(known);
            prop_assert!(out.len() as f64 <= janu_analysis::series::MAX_RESAMPLED_POINTS);
            prop_assert!(out.iter().all(|x| *x >= lo - 1e-3 && *x <= hi + 1e-3));
        }
    }

    #[test]
    fn fold_smoothing_and_phases_survive_any_times(
        t in times(1..120),
        fold in proptest::collection::vec(proptest::option::of(0.0f32..120.0), 120),
    ) {
        let fold = &fold[..t.len()];
        let torso = vec![Some(1.0f32); t.len()];
        prop_assert_eq!(smooth_fold(&t, fold).len(), t.len());
        let phases = find_phases(&t, fold, &torso);
        for p in &phases.phases {
            prop_assert!(p.start_s <= p.end_s + 1e-9, "{:?}", p);
        }
    }
}
