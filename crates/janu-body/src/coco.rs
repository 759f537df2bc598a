//! The COCO-17 keypoint order (MoveNet, OpenPose-COCO) and its mapping onto BlazePose.

use crate::landmark::Landmark;

/// For each COCO-17 keypoint, in COCO order, the BlazePose landmark it matches.
pub const COCO17_TO_BLAZEPOSE: [Landmark; 17] = {
    use Landmark::*;
    [
        Nose,
        LeftEye,
        RightEye,
        LeftEar,
        RightEar,
        LeftShoulder,
        RightShoulder,
        LeftElbow,
        RightElbow,
        LeftWrist,
        RightWrist,
        LeftHip,
        RightHip,
        LeftKnee,
        RightKnee,
        LeftAnkle,
        RightAnkle,
    ]
};
