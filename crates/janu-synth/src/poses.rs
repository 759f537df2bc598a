//! Key postures of every pose, built from the anatomy in [`crate::body`], and the
//! way each planted mistake changes them.

use janu_body::{DVec3, Side};

use crate::body::{
    Dims, HandBlend, HandPlace, LegAngles, LegPoints, Posture, Reach, bent_leg, extended_leg, idx,
    leg_fk, pelvis, sign,
};
use crate::math::{FORWARD, RIGHT, UP, Unit, lerp};
use crate::scenario::{FootPlacement, Form, Mistake, PoseName, Segment};

/// Trunk angles (degrees): pelvis tilt, lumbar and thoracic flexion beyond neutral,
/// neck flexion beyond neutral, head nod.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Trunk {
    pub tilt: f64,
    pub lumbar: f64,
    pub thoracic: f64,
    pub neck: f64,
    pub nod: f64,
}

impl Trunk {
    fn lerp(self, o: Trunk, w: f64) -> Trunk {
        Trunk {
            tilt: lerp(self.tilt, o.tilt, w),
            lumbar: lerp(self.lumbar, o.lumbar, w),
            thoracic: lerp(self.thoracic, o.thoracic, w),
            neck: lerp(self.neck, o.neck, w),
            nod: lerp(self.nod, o.nod, w),
        }
    }
}

/// Sitting relaxed on the floor: the pelvis rolls back a little and the low back
/// flattens (the usual slump before a teacher says "sit tall").
pub(crate) const SEATED: Trunk = Trunk {
    tilt: -4.0,
    lumbar: 6.0,
    thoracic: 4.0,
    neck: 0.0,
    nod: 0.0,
};

/// Sitting tall after the lengthening inhale: pelvis rolled forward onto the front
/// of the sitting bones, lumbar curve restored, chest lifted.
pub(crate) const TALL: Trunk = Trunk {
    tilt: 8.0,
    lumbar: -6.0,
    thoracic: -6.0,
    neck: 0.0,
    nod: 0.0,
};

/// The deepest fold (depth 1) of a flexible practitioner who hinges well: about
/// 140 degrees of hip flexion (90 + tilt), the rest of the way made by an even
/// rounding of the lumbar and thoracic spine, the neck following the spine's line,
/// forehead on the knee. Reference A: "pelvis initiates the fold; flexion occurs
/// progressively from lumbar to thoracic regions".
pub(crate) const FULL_FOLD: Trunk = Trunk {
    tilt: 50.0,
    lumbar: 30.0,
    thoracic: 22.0,
    neck: 22.0,
    nod: 8.0,
};

/// The trunk folded to `depth` (0 = tall, 1 = full fold).
pub(crate) fn folded(depth: f64) -> Trunk {
    TALL.lerp(FULL_FOLD, depth)
}

/// Ankle height of a bent leg's foot lying on its outer edge, fraction of height.
const FOOT_ON_EDGE_ANKLE: f64 = 0.028;
/// Radius of the extended thigh where the bent foot's sole rests on it.
const THIGH_RADIUS: f64 = 0.04;
/// Ankle centre to the thigh it rests against, beyond the thigh's radius: the
/// ankle height (0.039 H) plus about 2 cm, because the foot lies on its outer edge
/// turned a little forward and the soft tissue of sole and thigh keeps the joint
/// centres apart. With the default placement the bent thighs open about 70 degrees.
const ANKLE_TO_SOLE: f64 = 0.05;
/// Ankle dorsiflexion of a bent leg's foot: "keep the ankle active" (reference B).
const BENT_FOOT_DORSIFLEXION: f64 = 5.0;
/// Extra opening and lowering of the bent knee per degree of forced rotation is
/// 1:1; the sickled foot inverts this much at full effect (degrees) ...
const FORCED_FOOT_INVERSION: f64 = 25.0;
/// ... and points (plantarflexes) this much.
const FORCED_FOOT_PLANTARFLEXION: f64 = 20.0;
/// Forced rotation pulls the heel this much nearer the groin (fraction of `along`) ...
const FORCED_HEEL_PULL: f64 = 0.55;
/// ... and out towards the bent leg's own side (fraction of height), which lets
/// the knee swing open behind the line of the hips: at full effect the thighs
/// measure about 130 degrees apart, past the 105 that real practitioners show
/// comfortably (see `janu_analysis::findings::FORCED_ROTATION_THIGH_DEG`).
const FORCED_HEEL_OUT: f64 = 0.065;

fn base(t: Trunk) -> Posture {
    let leg = LegAngles {
        azimuth: 0.0,
        elevation: 0.0,
        rotation: 0.0,
        knee: 0.0,
        dorsiflexion: 10.0,
        inversion: 0.0,
        bent: false,
    };
    Posture {
        pelvis_tilt: t.tilt,
        pelvis_yaw: 0.0,
        pelvis_obliquity: 0.0,
        lumbar_flex: t.lumbar,
        thoracic_flex: t.thoracic,
        side_bend: 0.0,
        twist: 0.0,
        neck_flex: t.neck,
        head_nod: t.nod,
        head_turn: 0.0,
        shoulder_elevation: [0.0; 2],
        shoulder_protraction: [0.0; 2],
        elbow_lock: [0.0; 2],
        legs: [leg; 2],
        hands: [HandBlend::at(HandPlace::FloorBesideHip); 2],
    }
}

fn hands(p: &mut Posture, left: HandPlace, right: HandPlace) {
    p.hands = [HandBlend::at(left), HandBlend::at(right)];
}

/// The angles of a straight leg (its elevation is solved when it is placed).
fn straight(
    abduction: f64,
    knee: f64,
    rotation: f64,
    dorsiflexion: f64,
    inversion: f64,
) -> LegAngles {
    LegAngles {
        azimuth: abduction,
        elevation: 0.0,
        rotation,
        knee,
        dorsiflexion,
        inversion,
        bent: false,
    }
}

/// The form's straight leg opened `abduction` degrees from forward: its knee and
/// ankle as the form sets them, neither rotated nor inverted.
fn form_leg(f: &Form, abduction: f64) -> LegAngles {
    straight(
        abduction,
        f.extended_knee_flexion_deg,
        0.0,
        f.extended_ankle_dorsiflexion_deg,
        0.0,
    )
}

/// A straight leg resting on the floor, for the pelvis as it is in `p`.
fn set_extended(d: &Dims, p: &mut Posture, side: Side, leg: LegAngles) {
    let hip = pelvis(d, p).hips[idx(side)];
    p.legs[idx(side)] = extended_leg(d, side, hip, leg);
}

/// Preferred thigh direction for a bent leg: `opening` degrees out from forward,
/// `lift` degrees above the floor.
fn pole(side: Side, opening: f64, lift: f64) -> DVec3 {
    let (so, co) = opening.to_radians().sin_cos();
    let (sl, cl) = lift.to_radians().sin_cos();
    (FORWARD * co + RIGHT * (sign(side) * so)) * cl + UP * sl
}

fn set_bent(
    d: &Dims,
    p: &mut Posture,
    side: Side,
    ankle: DVec3,
    pole_dir: DVec3,
    dorsi: f64,
    inv: f64,
) {
    let hip = pelvis(d, p).hips[idx(side)];
    p.legs[idx(side)] = bent_leg(d, side, hip, ankle, pole_dir, dorsi, inv);
}

/// Where the bent foot's ankle goes for a placement against the extended leg.
fn bent_foot_target(
    d: &Dims,
    ext: &LegPoints,
    bent: Side,
    placement: FootPlacement,
    extra_gap: f64,
) -> DVec3 {
    let h = d.h;
    let axis = ext.knee - ext.hip;
    let toward = (RIGHT * sign(bent)).reject(axis.unit()).unit();
    let at = |along: f64, gap: f64| {
        let q = ext.hip + axis * along;
        let mut t = q + toward * ((THIGH_RADIUS + ANKLE_TO_SOLE) * h + gap);
        t.y = FOOT_ON_EDGE_ANKLE * h;
        t
    };
    match placement {
        FootPlacement::InnerThigh { along } => at(along, extra_gap),
        FootPlacement::AgainstKnee => at(1.0, extra_gap),
        FootPlacement::Away { gap_m } => at(0.45, gap_m + extra_gap),
        FootPlacement::UnderThigh => {
            let q = ext.hip + axis * 0.5;
            // The ankle just past the thigh's axis, low: the foot under the thigh.
            let mut t = q - toward * (0.01 * h) + toward * extra_gap;
            t.y = 0.022 * h;
            t
        }
    }
}

/// A mistake in effect: which, its magnitude, and how far it is in (0..1).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Active {
    pub mistake: Mistake,
    pub magnitude: f64,
    pub activation: f64,
}

/// The stages of a Janusirsasana side that have their own key posture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JanuStage {
    /// Bent leg placed, sitting relaxed (end of setup, end of release).
    Seated,
    /// Sitting tall (end of the lengthening inhale).
    Tall,
    /// Folded to depth (end of the fold, the hold).
    Folded,
}

/// The key posture of a Janusirsasana side at `stage` with `active` mistakes.
pub(crate) fn janusirsasana(
    d: &Dims,
    seg: &Segment,
    stage: JanuStage,
    active: &[Active],
) -> Posture {
    let e = seg.side;
    let b = e.other();
    let f: Form = seg.form;
    let is_folded = stage == JanuStage::Folded;
    let trunk = match stage {
        JanuStage::Seated => SEATED,
        JanuStage::Tall => TALL,
        JanuStage::Folded => folded(f.fold_depth),
    };
    let mut p = base(trunk);
    let mut protraction = if is_folded {
        f.shoulder_protraction_deg * f.fold_depth / 0.6
    } else {
        0.0
    };
    protraction = protraction.min(25.0);
    let mut elevation = 0.0;
    let mut lock = 0.0;
    let mut reach = f.reach;
    let mut ext_knee = f.extended_knee_flexion_deg;
    let mut ext_rot = f.extended_leg_rotation_deg;
    let mut ext_inv = 0.0;
    let mut opening = f.bent_knee_opening_deg;
    let mut lift = f.bent_knee_lift_deg;
    let mut placement = f.bent_foot;
    let mut extra_gap = 0.0;
    let mut bent_inv = 0.0;
    let mut bent_dorsi = BENT_FOOT_DORSIFLEXION;
    for a in active {
        let (m, w) = (a.magnitude, a.activation);
        let mw = m * w;
        match a.mistake {
            Mistake::CollapsedSpine if is_folded => {
                p.pelvis_tilt -= mw;
                p.thoracic_flex += 1.1 * mw;
                p.lumbar_flex += 0.5 * mw;
                protraction += 0.5 * mw;
            }
            Mistake::RoundedBackHeadForced if is_folded => {
                p.lumbar_flex += mw;
                p.thoracic_flex += 0.3 * mw;
                p.neck_flex += 1.4 * mw;
                p.head_nod += 0.6 * mw;
                p.pelvis_tilt -= 0.4 * mw;
            }
            Mistake::PelvisTwisted => {
                // Towards the extended leg: a left extended leg turns the pelvis left.
                p.pelvis_yaw += -sign(e) * mw;
                // The bent leg's hip lifts.
                p.pelvis_obliquity += sign(b) * 0.5 * mw;
            }
            Mistake::LockedKnee => ext_knee = lerp(ext_knee, -m, w),
            Mistake::ShoulderStrain if is_folded => {
                elevation += mw;
                lock = w;
                if w >= 0.5 {
                    reach = Reach::Foot;
                }
            }
            Mistake::ForcedBentLegRotation => {
                opening += mw;
                lift -= mw;
                if let FootPlacement::InnerThigh { along } = placement {
                    placement = FootPlacement::InnerThigh {
                        along: along * (1.0 - FORCED_HEEL_PULL * w),
                    };
                }
                extra_gap += FORCED_HEEL_OUT * d.h * w;
                bent_inv += FORCED_FOOT_INVERSION * w;
                bent_dorsi -= (FORCED_FOOT_PLANTARFLEXION + BENT_FOOT_DORSIFLEXION) * w;
            }
            Mistake::BentFootMisplaced => extra_gap += mw,
            Mistake::ExtendedFootRolledOut => {
                ext_rot += mw;
                ext_inv += mw / 3.0;
            }
            _ => {}
        }
    }
    p.shoulder_elevation = [elevation; 2];
    p.shoulder_protraction = [protraction; 2];
    p.elbow_lock = [lock; 2];
    set_extended(
        d,
        &mut p,
        e,
        straight(
            0.0,
            ext_knee,
            ext_rot,
            f.extended_ankle_dorsiflexion_deg,
            ext_inv,
        ),
    );
    let pel = pelvis(d, &p);
    let ext = leg_fk(d, e, pel.hips[idx(e)], &p.legs[idx(e)]);
    let target = bent_foot_target(d, &ext, b, placement, extra_gap);
    set_bent(
        d,
        &mut p,
        b,
        target,
        pole(b, opening, lift),
        bent_dorsi,
        bent_inv,
    );
    if is_folded {
        hands(
            &mut p,
            HandPlace::Reach(e, reach),
            HandPlace::Reach(e, reach),
        );
    } else if stage == JanuStage::Seated {
        // Sitting relaxed: one palm by the hip, the other resting on the bent knee.
        match e {
            Side::Left => hands(&mut p, HandPlace::FloorBesideHip, HandPlace::OnKnee(b)),
            Side::Right => hands(&mut p, HandPlace::OnKnee(b), HandPlace::FloorBesideHip),
        }
    }
    p
}

/// The held posture of a neighbour pose (or of Janusirsasana at its fold, for
/// completeness).
pub(crate) fn neighbour(d: &Dims, seg: &Segment) -> Posture {
    let f = seg.form;
    let h = d.h;
    match seg.pose {
        PoseName::Janusirsasana => janusirsasana(d, seg, JanuStage::Folded, &[]),
        // Scenario validation refuses these; sitting tall if one slips through.
        PoseName::Dandasana | PoseName::Other | PoseName::Nobody => dandasana(d),
        PoseName::Paschimottanasana => {
            let mut p = base(folded(f.fold_depth));
            p.shoulder_protraction = [12.0; 2];
            for s in Side::BOTH {
                set_extended(d, &mut p, s, form_leg(&f, 0.0));
            }
            hands(
                &mut p,
                HandPlace::Reach(Side::Left, f.reach),
                HandPlace::Reach(Side::Right, f.reach),
            );
            p
        }
        PoseName::UpavisthaKonasana => {
            let mut p = base(folded(f.fold_depth));
            p.shoulder_protraction = [10.0; 2];
            for s in Side::BOTH {
                // Legs about 100 degrees apart.
                set_extended(d, &mut p, s, form_leg(&f, 50.0));
            }
            // Palms walk forward on the floor as the fold deepens (0.37-0.8 m).
            let ahead = (0.22 + 0.25 * f.fold_depth) * h;
            hands(
                &mut p,
                HandPlace::FloorAhead(ahead),
                HandPlace::FloorAhead(ahead),
            );
            p
        }
        PoseName::BaddhaKonasana => {
            let mut p = base(Trunk {
                tilt: 4.0,
                lumbar: -4.0,
                thoracic: -2.0,
                neck: 0.0,
                nod: 0.0,
            });
            let mid = pelvis(d, &p).mid;
            for s in Side::BOTH {
                // Soles together about 0.27 m in front of the hips.
                let ankle =
                    DVec3::new(mid.x + 0.16 * h, FOOT_ON_EDGE_ANKLE * h, sign(s) * 0.03 * h);
                set_bent(d, &mut p, s, ankle, pole(s, 65.0, 25.0), 0.0, 15.0);
            }
            hands(
                &mut p,
                HandPlace::HoldFoot(Side::Left),
                HandPlace::HoldFoot(Side::Right),
            );
            p
        }
        PoseName::ParivrttaJanusirsasana => {
            let e = seg.side;
            let b = e.other();
            let mut p = base(Trunk {
                tilt: 10.0,
                lumbar: 8.0,
                thoracic: 4.0,
                neck: 0.0,
                nod: 0.0,
            });
            // Side-bend over the extended leg, chest turned up towards the ceiling.
            p.side_bend = sign(e) * 40.0;
            p.twist = -sign(b) * 25.0;
            p.head_turn = -sign(b) * 25.0;
            p.shoulder_protraction = [8.0; 2];
            set_extended(d, &mut p, e, form_leg(&f, 50.0));
            let pel = pelvis(d, &p);
            let ext = leg_fk(d, e, pel.hips[idx(e)], &p.legs[idx(e)]);
            let target =
                bent_foot_target(d, &ext, b, FootPlacement::InnerThigh { along: 0.4 }, 0.0);
            set_bent(
                d,
                &mut p,
                b,
                target,
                pole(b, 50.0, 12.0),
                BENT_FOOT_DORSIFLEXION,
                0.0,
            );
            let (lower, upper) = (
                HandPlace::Reach(e, Reach::Foot),
                HandPlace::Reach(e, Reach::Foot),
            );
            match e {
                Side::Left => hands(&mut p, lower, upper),
                Side::Right => hands(&mut p, upper, lower),
            }
            p
        }
        PoseName::ArdhaMatsyendrasana => {
            let t = seg.side;
            let o = t.other();
            let mut p = base(Trunk {
                tilt: 6.0,
                lumbar: -4.0,
                thoracic: -4.0,
                neck: 0.0,
                nod: 0.0,
            });
            p.twist = -sign(t) * 55.0;
            p.head_turn = -sign(t) * 30.0;
            p.pelvis_yaw = -sign(t) * 8.0;
            let pel = pelvis(d, &p);
            // The folded leg: knee forward, foot beside the opposite hip.
            let hip_t = pel.hips[idx(t)];
            let foot_o = DVec3::new(
                hip_t.x - 0.02 * h,
                FOOT_ON_EDGE_ANKLE * h,
                hip_t.z + sign(t) * 0.07 * h,
            );
            let pole_o = (FORWARD + RIGHT * (sign(t) * 0.15) - UP * 0.2).unit();
            set_bent(d, &mut p, o, foot_o, pole_o, 0.0, 0.0);
            let knee_o = leg_fk(d, o, pel.hips[idx(o)], &p.legs[idx(o)]).knee;
            // The standing leg: foot flat on the floor outside the folded knee.
            let foot_t = DVec3::new(
                knee_o.x - 0.04 * h,
                0.039 * h,
                knee_o.z + sign(o) * 0.06 * h,
            );
            set_bent(
                d,
                &mut p,
                t,
                foot_t,
                (UP * 0.8 + FORWARD * 0.6).unit(),
                0.0,
                0.0,
            );
            let (front, back) = (HandPlace::OutsideKnee(t), HandPlace::FloorBehind);
            match t {
                Side::Left => hands(&mut p, back, front),
                Side::Right => hands(&mut p, front, back),
            }
            p
        }
    }
}

/// Dandasana: tall, both legs extended, palms beside the hips, feet active.
pub(crate) fn dandasana(d: &Dims) -> Posture {
    let mut p = base(Trunk {
        tilt: 6.0,
        lumbar: -6.0,
        thoracic: -6.0,
        neck: 0.0,
        nod: 0.0,
    });
    for s in Side::BOTH {
        set_extended(d, &mut p, s, straight(0.0, 1.0, 0.0, 15.0, 0.0));
    }
    p
}

/// The knee-up position a leg passes through when it is drawn in or straightened:
/// foot flat on the floor in front of its own hip, knee pointing up.
pub(crate) fn knee_up(d: &Dims, p: &Posture, side: Side) -> LegAngles {
    let h = d.h;
    let hip = pelvis(d, p).hips[idx(side)];
    let ankle = DVec3::new(hip.x + 0.28 * h, 0.039 * h, hip.z + sign(side) * 0.01 * h);
    let mut a = bent_leg(d, side, hip, ankle, (UP + FORWARD * 0.2).unit(), 0.0, 0.0);
    a.bent = true;
    a
}
