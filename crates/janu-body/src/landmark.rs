//! The 33 BlazePose landmarks, body sides and the skeleton's bones.

use serde::{Deserialize, Serialize};

/// Number of body landmarks in the BlazePose topology.
pub const LANDMARK_COUNT: usize = 33;

/// One of the 33 BlazePose body landmarks. `Left`/`Right` are the person's own sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // the variant names are the documentation
pub enum Landmark {
    Nose = 0,
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
    LeftElbow,
    RightElbow,
    LeftWrist,
    RightWrist,
    LeftPinky,
    RightPinky,
    LeftIndex,
    RightIndex,
    LeftThumb,
    RightThumb,
    LeftHip,
    RightHip,
    LeftKnee,
    RightKnee,
    LeftAnkle,
    RightAnkle,
    LeftHeel,
    RightHeel,
    LeftFootIndex,
    RightFootIndex,
}

impl Landmark {
    /// All landmarks in index order.
    pub const ALL: [Landmark; LANDMARK_COUNT] = [
        Self::Nose,
        Self::LeftEyeInner,
        Self::LeftEye,
        Self::LeftEyeOuter,
        Self::RightEyeInner,
        Self::RightEye,
        Self::RightEyeOuter,
        Self::LeftEar,
        Self::RightEar,
        Self::MouthLeft,
        Self::MouthRight,
        Self::LeftShoulder,
        Self::RightShoulder,
        Self::LeftElbow,
        Self::RightElbow,
        Self::LeftWrist,
        Self::RightWrist,
        Self::LeftPinky,
        Self::RightPinky,
        Self::LeftIndex,
        Self::RightIndex,
        Self::LeftThumb,
        Self::RightThumb,
        Self::LeftHip,
        Self::RightHip,
        Self::LeftKnee,
        Self::RightKnee,
        Self::LeftAnkle,
        Self::RightAnkle,
        Self::LeftHeel,
        Self::RightHeel,
        Self::LeftFootIndex,
        Self::RightFootIndex,
    ];

    /// The head and shoulders: the eleven face points (nose, eyes, ears, mouth)
    /// and the two shoulders, BlazePose's first thirteen landmarks.
    pub const HEAD_AND_SHOULDERS: [Landmark; 13] = *Self::ALL.first_chunk().unwrap();

    /// Index of this landmark in BlazePose order (0..33).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The landmark at `index`, if it is below [`LANDMARK_COUNT`].
    pub fn from_index(index: usize) -> Option<Self> {
        Self::ALL.get(index).copied()
    }

    /// Snake-case name, as MediaPipe spells it (`left_knee`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Nose => "nose",
            Self::LeftEyeInner => "left_eye_inner",
            Self::LeftEye => "left_eye",
            Self::LeftEyeOuter => "left_eye_outer",
            Self::RightEyeInner => "right_eye_inner",
            Self::RightEye => "right_eye",
            Self::RightEyeOuter => "right_eye_outer",
            Self::LeftEar => "left_ear",
            Self::RightEar => "right_ear",
            Self::MouthLeft => "mouth_left",
            Self::MouthRight => "mouth_right",
            Self::LeftShoulder => "left_shoulder",
            Self::RightShoulder => "right_shoulder",
            Self::LeftElbow => "left_elbow",
            Self::RightElbow => "right_elbow",
            Self::LeftWrist => "left_wrist",
            Self::RightWrist => "right_wrist",
            Self::LeftPinky => "left_pinky",
            Self::RightPinky => "right_pinky",
            Self::LeftIndex => "left_index",
            Self::RightIndex => "right_index",
            Self::LeftThumb => "left_thumb",
            Self::RightThumb => "right_thumb",
            Self::LeftHip => "left_hip",
            Self::RightHip => "right_hip",
            Self::LeftKnee => "left_knee",
            Self::RightKnee => "right_knee",
            Self::LeftAnkle => "left_ankle",
            Self::RightAnkle => "right_ankle",
            Self::LeftHeel => "left_heel",
            Self::RightHeel => "right_heel",
            Self::LeftFootIndex => "left_foot_index",
            Self::RightFootIndex => "right_foot_index",
        }
    }

    /// The same landmark on the other side of the body (the nose maps to itself).
    pub const fn mirrored(self) -> Self {
        match self {
            Self::Nose => Self::Nose,
            Self::LeftEyeInner => Self::RightEyeInner,
            Self::LeftEye => Self::RightEye,
            Self::LeftEyeOuter => Self::RightEyeOuter,
            Self::RightEyeInner => Self::LeftEyeInner,
            Self::RightEye => Self::LeftEye,
            Self::RightEyeOuter => Self::LeftEyeOuter,
            Self::LeftEar => Self::RightEar,
            Self::RightEar => Self::LeftEar,
            Self::MouthLeft => Self::MouthRight,
            Self::MouthRight => Self::MouthLeft,
            Self::LeftShoulder => Self::RightShoulder,
            Self::RightShoulder => Self::LeftShoulder,
            Self::LeftElbow => Self::RightElbow,
            Self::RightElbow => Self::LeftElbow,
            Self::LeftWrist => Self::RightWrist,
            Self::RightWrist => Self::LeftWrist,
            Self::LeftPinky => Self::RightPinky,
            Self::RightPinky => Self::LeftPinky,
            Self::LeftIndex => Self::RightIndex,
            Self::RightIndex => Self::LeftIndex,
            Self::LeftThumb => Self::RightThumb,
            Self::RightThumb => Self::LeftThumb,
            Self::LeftHip => Self::RightHip,
            Self::RightHip => Self::LeftHip,
            Self::LeftKnee => Self::RightKnee,
            Self::RightKnee => Self::LeftKnee,
            Self::LeftAnkle => Self::RightAnkle,
            Self::RightAnkle => Self::LeftAnkle,
            Self::LeftHeel => Self::RightHeel,
            Self::RightHeel => Self::LeftHeel,
            Self::LeftFootIndex => Self::RightFootIndex,
            Self::RightFootIndex => Self::LeftFootIndex,
        }
    }
}

/// A side of the body, from the person's own point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The person's left.
    Left,
    /// The person's right.
    Right,
}

impl Side {
    /// Both sides, left first.
    pub const BOTH: [Side; 2] = [Side::Left, Side::Right];

    /// The other side.
    pub const fn other(self) -> Self {
        match self {
            Self::Left => Self::Right,
            Self::Right => Self::Left,
        }
    }

    /// `"left"` or `"right"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Left => "left",
            Self::Right => "right",
        }
    }

    /// The landmarks of one limb chain on this side.
    pub const fn hip(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftHip,
            Self::Right => Landmark::RightHip,
        }
    }
    /// This side's knee.
    pub const fn knee(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftKnee,
            Self::Right => Landmark::RightKnee,
        }
    }
    /// This side's ankle.
    pub const fn ankle(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftAnkle,
            Self::Right => Landmark::RightAnkle,
        }
    }
    /// This side's heel.
    pub const fn heel(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftHeel,
            Self::Right => Landmark::RightHeel,
        }
    }
    /// This side's big-toe landmark.
    pub const fn foot_index(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftFootIndex,
            Self::Right => Landmark::RightFootIndex,
        }
    }
    /// This side's shoulder.
    pub const fn shoulder(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftShoulder,
            Self::Right => Landmark::RightShoulder,
        }
    }
    /// This side's elbow.
    pub const fn elbow(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftElbow,
            Self::Right => Landmark::RightElbow,
        }
    }
    /// This side's wrist.
    pub const fn wrist(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftWrist,
            Self::Right => Landmark::RightWrist,
        }
    }
    /// This side's ear.
    pub const fn ear(self) -> Landmark {
        match self {
            Self::Left => Landmark::LeftEar,
            Self::Right => Landmark::RightEar,
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Side {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "left" | "l" => Ok(Self::Left),
            "right" | "r" => Ok(Self::Right),
            other => Err(format!("unknown side `{other}`: expected left or right")),
        }
    }
}

/// The bones drawn for a skeleton overlay: pairs of landmarks, face excluded except
/// for the nose-to-ears lines that show where the head points.
pub const SKELETON: [(Landmark, Landmark); 24] = {
    use Landmark::*;
    [
        (Nose, LeftEar),
        (Nose, RightEar),
        (LeftShoulder, RightShoulder),
        (LeftShoulder, LeftElbow),
        (LeftElbow, LeftWrist),
        (LeftWrist, LeftIndex),
        (RightShoulder, RightElbow),
        (RightElbow, RightWrist),
        (RightWrist, RightIndex),
        (LeftShoulder, LeftHip),
        (RightShoulder, RightHip),
        (LeftHip, RightHip),
        (LeftHip, LeftKnee),
        (LeftKnee, LeftAnkle),
        (LeftAnkle, LeftHeel),
        (LeftHeel, LeftFootIndex),
        (LeftAnkle, LeftFootIndex),
        (RightHip, RightKnee),
        (RightKnee, RightAnkle),
        (RightAnkle, RightHeel),
        (RightHeel, RightFootIndex),
        (RightAnkle, RightFootIndex),
        (LeftWrist, LeftThumb),
        (RightWrist, RightThumb),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_follow_blazepose_order() {
        for (i, lm) in Landmark::ALL.iter().enumerate() {
            assert_eq!(lm.index(), i);
            assert_eq!(Landmark::from_index(i), Some(*lm));
        }
        assert_eq!(Landmark::LeftShoulder.index(), 11);
        assert_eq!(Landmark::LeftHip.index(), 23);
        assert_eq!(Landmark::RightFootIndex.index(), 32);
        assert_eq!(Landmark::from_index(33), None);
        assert_eq!(Landmark::HEAD_AND_SHOULDERS[0], Landmark::Nose);
        assert_eq!(Landmark::HEAD_AND_SHOULDERS[10], Landmark::MouthRight);
        assert_eq!(Landmark::HEAD_AND_SHOULDERS[12], Landmark::RightShoulder);
    }

    #[test]
    fn mirroring_is_an_involution_that_swaps_names() {
        for lm in Landmark::ALL {
            assert_eq!(lm.mirrored().mirrored(), lm);
            if lm != Landmark::Nose {
                let (a, b) = (lm.name(), lm.mirrored().name());
                assert_ne!(a, b);
                let neutral = |n: &str| n.replace("left", "x").replace("right", "x");
                assert_eq!(neutral(a), neutral(b));
            }
        }
    }

    #[test]
    fn side_parses_and_prints() {
        assert_eq!("LEFT".parse::<Side>(), Ok(Side::Left));
        assert_eq!(Side::Right.to_string(), "right");
        assert!("middle".parse::<Side>().is_err());
        assert_eq!(Side::Left.other(), Side::Right);
        assert_eq!(Side::Right.knee(), Landmark::RightKnee);
    }
}
