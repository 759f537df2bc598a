//! The names of the poses Janu knows: the one practised, its warm-ups,
//! follow-ups and look-alikes, and the two answers for "none of them". One
//! enum for the recogniser, the reports and the generated bodies alike.

use serde::{Deserialize, Serialize};

/// A pose Janu can name. Janusirsasana is the pose practised; the others are its
/// warm-ups, follow-ups and look-alikes, which must not be mistaken for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoseName {
    /// Head-to-knee forward bend: one leg straight, the other bent with its foot at
    /// the straight leg's inner thigh, trunk square to the straight leg.
    Janusirsasana,
    /// Revolved head-to-knee: the same legs, but the trunk side-bends over the
    /// straight leg with the chest turned away from it.
    ParivrttaJanusirsasana,
    /// Seated forward bend over both straight legs.
    Paschimottanasana,
    /// Staff pose: both legs straight and together, trunk upright.
    Dandasana,
    /// Bound angle: both knees bent and open, soles together near the pelvis.
    BaddhaKonasana,
    /// Wide-angle seated pose: both legs straight and wide apart.
    UpavisthaKonasana,
    /// Half lord of the fishes: a seated twist with one knee drawn up.
    ArdhaMatsyendrasana,
    /// Someone is seen, in none of the poses above.
    Other,
    /// Nobody is seen.
    #[serde(rename = "none")]
    Nobody,
}

impl PoseName {
    /// Every name, in a fixed order (the order of the confusion tables).
    pub const ALL: [PoseName; 9] = [
        Self::Janusirsasana,
        Self::ParivrttaJanusirsasana,
        Self::Paschimottanasana,
        Self::Dandasana,
        Self::BaddhaKonasana,
        Self::UpavisthaKonasana,
        Self::ArdhaMatsyendrasana,
        Self::Other,
        Self::Nobody,
    ];

    /// The snake_case name used in JSON and CSV.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Janusirsasana => "janusirsasana",
            Self::ParivrttaJanusirsasana => "parivrtta_janusirsasana",
            Self::Paschimottanasana => "paschimottanasana",
            Self::Dandasana => "dandasana",
            Self::BaddhaKonasana => "baddha_konasana",
            Self::UpavisthaKonasana => "upavistha_konasana",
            Self::ArdhaMatsyendrasana => "ardha_matsyendrasana",
            Self::Other => "other",
            Self::Nobody => "none",
        }
    }

    /// A readable English name for text reports.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Janusirsasana => "Janusirsasana (head-to-knee forward bend)",
            Self::ParivrttaJanusirsasana => "Parivrtta Janusirsasana (revolved head-to-knee)",
            Self::Paschimottanasana => "Paschimottanasana (seated forward bend)",
            Self::Dandasana => "Dandasana (staff pose)",
            Self::BaddhaKonasana => "Baddha Konasana (bound angle)",
            Self::UpavisthaKonasana => "Upavistha Konasana (wide-angle seated bend)",
            Self::ArdhaMatsyendrasana => "Ardha Matsyendrasana (half seated twist)",
            Self::Other => "another position",
            Self::Nobody => "nobody in view",
        }
    }

    /// True for the two poses that have an extended leg to name.
    pub const fn has_extended_leg(self) -> bool {
        matches!(self, Self::Janusirsasana | Self::ParivrttaJanusirsasana)
    }

    /// Whether the pose has a side: the extended leg (the two head-to-knee
    /// poses) or the side the trunk turns to (Ardha Matsyendrasana).
    pub const fn is_sided(self) -> bool {
        matches!(
            self,
            Self::Janusirsasana | Self::ParivrttaJanusirsasana | Self::ArdhaMatsyendrasana
        )
    }

    /// Whether this names a pose a body can be put in (not [`Self::Other`] or
    /// [`Self::Nobody`]).
    pub const fn is_pose(self) -> bool {
        !matches!(self, Self::Other | Self::Nobody)
    }
}

impl std::fmt::Display for PoseName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PoseName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let norm = norm.replace("janu_sirsasana", "janusirsasana");
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == norm)
            .ok_or_else(|| format!("unknown pose name `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_folder_names_parse() {
        for p in PoseName::ALL {
            assert_eq!(p.as_str().parse::<PoseName>(), Ok(p));
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        assert_eq!(
            "parivrtta_janu_sirsasana".parse::<PoseName>(),
            Ok(PoseName::ParivrttaJanusirsasana)
        );
    }
}
