//! Temporary exploration: print analysis against synth truth.
use janu_analysis::analyze;
use janu_synth::{Mistake, generate, scenarios};

fn show(name: &str, s: &janu_synth::Scenario) {
    let syn = generate(s).unwrap();
    let r = analyze(&syn.frames).unwrap();
    println!("=== {name}");
    for seg in r.segments.as_ref().unwrap() {
        println!(
            "  seg {:7.2}-{:7.2} {} {:?} conf {:.2} vis {:?}",
            seg.start_s,
            seg.end_s,
            seg.pose.name,
            seg.pose.extended_leg,
            seg.pose.confidence,
            seg.pose.bent_leg_visible
        );
    }
    for t in &syn.truth.segments {
        println!(
            "  truth seg {:7.2}({:7.2})-{:7.2} {:?} {:?}",
            t.transition_start, t.start, t.end, t.pose, t.extended_leg
        );
    }
    for h in syn.truth.holds.iter().filter(|h| h.extended_leg.is_some()) {
        println!(
            "  truth hold {:?} {:.2}-{:.2} {:.2}s breaths {} rate {:?}",
            h.extended_leg, h.start, h.end, h.duration_s, h.breaths, h.rate_bpm
        );
    }
    for sd in &r.sides {
        println!(
            "  side {} hold {:?} breath {:?}",
            sd.side,
            sd.hold_s,
            sd.breath.as_ref().map(|b| (
                b.count,
                b.rate_per_min,
                b.regularity,
                b.periodicity,
                b.signal.clone(),
                b.holding.clone()
            ))
        );
        for p in &sd.phases {
            println!("     {:?} {:.2}-{:.2}", p.name, p.start_s, p.end_s);
        }
        println!("     {:?}", sd.summary);
    }
    for p in syn.truth.phases.iter() {
        println!(
            "  truth phase {:?} {:?} {:.2}-{:.2}",
            p.extended_leg, p.phase, p.start, p.end
        );
    }
    for f in &r.findings {
        println!(
            "  finding {} {:?} {:?} {:.2} {} {:?}",
            f.id,
            f.side,
            f.severity,
            f.certainty,
            f.message,
            f.evidence
                .iter()
                .map(|e| (e.metric.clone(), e.value, e.start_s, e.end_s))
                .collect::<Vec<_>>()
        );
    }
    for m in &syn.truth.mistakes {
        println!(
            "  truth mistake {:?} {:.2}-{:.2}",
            m.mistake, m.start, m.end
        );
    }
    println!(
        "  camera {:?} level {:?}",
        r.camera,
        r.level.as_ref().map(|l| (&l.level, &l.reasons))
    );
}

#[test]
#[ignore]
fn explore() {
    let which = std::env::var("SCEN").unwrap_or_else(|_| "clean".into());
    for name in which.split(',') {
        let s = if let Some(m) = Mistake::ALL.into_iter().find(|m| m.as_str() == name) {
            scenarios::with_mistake(m, 7)
        } else {
            scenarios::by_name(name, 7).unwrap()
        };
        show(name, &s);
    }
}

#[test]
#[ignore]
fn frame_at() {
    let name = std::env::var("SCEN").unwrap_or_else(|_| "clean".into());
    let s = if let Some(m) = Mistake::ALL.into_iter().find(|m| m.as_str() == name) {
        scenarios::with_mistake(m, 7)
    } else {
        scenarios::by_name(&name, 7).unwrap()
    };
    let syn = generate(&s).unwrap();
    for t in std::env::var("TS")
        .unwrap_or_else(|_| "60".into())
        .split(',')
    {
        let t: f64 = t.parse().unwrap();
        let i = syn.frames.iter().position(|f| f.t >= t).unwrap();
        let f = &syn.frames[i];
        let body = janu_analysis::Body::from_frame(f).unwrap();
        let rec = janu_analysis::recognize(&body);
        println!(
            "t={t} {:?} {:?} {:.2} {:?}",
            rec.name, rec.extended_leg, rec.confidence, rec.reasons
        );
        let ff = janu_analysis::recognize::Features::of(&body);
        println!(
            "   feat lean {:?} revolve {:?} twist {:?} tilt {:?} over {:?}",
            ff.leg_out_deg, ff.revolve_deg, ff.twist_deg, ff.trunk_tilt_deg, ff.trunk_over_leg_deg
        );
        let p = f.pose.as_ref().unwrap();
        let vis: Vec<String> = [
            0, 7, 8, 11, 12, 15, 16, 19, 20, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
        ]
        .iter()
        .map(|i| {
            format!(
                "{i}:{:.2}",
                p.landmarks[*i].map_or(0.0, |k| k.visibility.unwrap_or(1.0))
            )
        })
        .collect();
        println!("   vis {}", vis.join(" "));
        let tr = &syn.truth.frames[i];
        println!(
            "   truth fold {:.1} knee {:?} thigh {:.1} foot gap {:?} along {:?}",
            tr.fold_angle_deg,
            tr.knee_flexion_deg,
            tr.thigh_angle_deg,
            tr.bent_foot_gap_m,
            tr.bent_foot_along
        );
    }
}

#[test]
#[ignore]
fn series() {
    let name = std::env::var("SCEN").unwrap_or_else(|_| "clean".into());
    let s = scenarios::by_name(&name, 7).unwrap_or_else(|| {
        scenarios::with_mistake(
            Mistake::ALL
                .into_iter()
                .find(|m| m.as_str() == name)
                .unwrap(),
            7,
        )
    });
    let syn = generate(&s).unwrap();
    let r = analyze(&syn.frames).unwrap();
    let (a, b): (f64, f64) = {
        let v: Vec<f64> = std::env::var("RANGE")
            .unwrap_or_else(|_| "26,34".into())
            .split(',')
            .map(|x| x.parse().unwrap())
            .collect();
        (v[0], v[1])
    };
    for (i, f) in r.frames.iter().enumerate() {
        if f.t >= a && f.t <= b && i % 3 == 0 {
            let tr = &syn.truth.frames[i];
            println!(
                "{:6.2} fold {:?} truth {:.1} phase {:?} torso {:?}/{:.3} knee {:?}/{:?}",
                f.t,
                f.metrics.fold_angle_deg,
                tr.fold_angle_deg,
                tr.phase,
                f.metrics.torso_shortening,
                tr.torso_length_ratio,
                f.metrics.extended_knee_flexion_deg,
                tr.extended_knee_flexion_deg
            );
        }
    }
}

#[test]
#[ignore]
fn breath_dbg() {
    use janu_analysis::breath::{Signal, breathing};
    let name = std::env::var("SCEN").unwrap_or_else(|_| "clean".into());
    let s = scenarios::by_name(&name, 7).unwrap();
    let syn = generate(&s).unwrap();
    let h = syn
        .truth
        .holds
        .iter()
        .find(|h| h.extended_leg.is_some())
        .unwrap()
        .clone();
    let idx: Vec<usize> = (0..syn.frames.len())
        .filter(|i| syn.frames[*i].t >= h.start && syn.frames[*i].t < h.end)
        .collect();
    let t: Vec<f64> = idx.iter().map(|i| syn.frames[*i].t).collect();
    let bodies: Vec<Option<janu_analysis::Body>> = idx
        .iter()
        .map(|i| janu_analysis::Body::from_frame(&syn.frames[*i]))
        .collect();
    let up = janu_body::Vec3::new(0.0, -1.0, 0.0);
    let sig = |f: &dyn Fn(&janu_analysis::Body) -> Option<f32>| -> Vec<Option<f32>> {
        bodies
            .iter()
            .map(|b| b.as_ref().and_then(|b| f(b)))
            .collect()
    };
    let cands = vec![
        ("torso", sig(&|b| b.torso_length())),
        (
            "sh_h",
            sig(&|b| Some((b.shoulder_mid()? - b.hip_mid()?).dot(up))),
        ),
        ("sh_y", sig(&|b| Some(b.shoulder_mid()?.y))),
        ("sh_x", sig(&|b| Some(b.shoulder_mid()?.x))),
        ("sh_z", sig(&|b| Some(b.shoulder_mid()?.z))),
        ("head_h", sig(&|b| Some((b.head()? - b.hip_mid()?).dot(up)))),
        (
            "upper",
            sig(&|b| {
                use janu_body::Landmark::*;
                let v: Vec<f32> = [
                    Nose,
                    LeftEyeInner,
                    LeftEye,
                    LeftEyeOuter,
                    RightEyeInner,
                    RightEye,
                    RightEyeOuter,
                    LeftEar,
                    RightEar,
                    MouthLeft,
                    MouthRight,
                    LeftShoulder,
                    RightShoulder,
                ]
                .iter()
                .filter_map(|l| b.point(*l))
                .map(|p| p.dot(up))
                .collect();
                (v.len() >= 3).then(|| v.iter().sum::<f32>() / v.len() as f32)
            }),
        ),
    ];
    println!("truth {:?}", h);
    for (n, v) in cands {
        let known = v.iter().flatten().count();
        let r = breathing(&t, &[Signal { name: n, values: v }]);
        println!(
            "{n} known {known}: {:?}",
            r.map(|b| (b.count, b.rate_per_min, b.periodicity, b.regularity))
        );
    }
}
