//! A kinematic generator of Janusirsasana landmark sequences with known angles, sides, holds, breathing and mistakes.
