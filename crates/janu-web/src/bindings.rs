//! The JavaScript surface: `new Engine(detector, landmark, "full", mirrored)`,
//! `engine.push(rgba, width, height, capturedMs)` returning the frame's step as
//! JSON, `engine.landmarkFile()` for the save.

use image::RgbImage;
use janu_vision::ModelSize;
use wasm_bindgen::prelude::*;

use crate::engine::LiveEngine;

/// A live session for JavaScript.
#[wasm_bindgen]
pub struct Engine {
    inner: LiveEngine,
    /// The RGB picture, reused frame after frame.
    rgb: Vec<u8>,
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl Engine {
    /// An engine on the prepared models' bytes; `model` is `lite`, `full` or
    /// `heavy` (the landmark model's size).
    #[wasm_bindgen(constructor)]
    pub fn new(
        detector: &[u8],
        landmark: &[u8],
        model: &str,
        mirrored: bool,
    ) -> Result<Engine, JsError> {
        let model: ModelSize = model.parse().map_err(js_error)?;
        let inner = LiveEngine::new(detector, landmark, model, mirrored)
            .map_err(|e| js_error(e.message()))?;
        Ok(Self {
            inner,
            rgb: Vec::new(),
        })
    }

    /// Take one picture (`rgba`: `width` x `height` RGBA pixels, as a canvas's
    /// `ImageData` holds them) captured at `captured_ms`; returns the step as
    /// JSON: `landmarks` and the coach's update (`pose`, `extended_leg`,
    /// `phase`, `hold_s`, `breaths`, `cue`, ...).
    pub fn push(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        captured_ms: f64,
    ) -> Result<String, JsError> {
        let pixels = width as usize * height as usize;
        if rgba.len() != pixels * 4 {
            return Err(JsError::new(&format!(
                "{} bytes is not a {width} x {height} RGBA picture ({} bytes)",
                rgba.len(),
                pixels * 4
            )));
        }
        let mut rgb = std::mem::take(&mut self.rgb);
        rgb.clear();
        rgb.extend(rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]));
        let image = RgbImage::from_raw(width, height, rgb)
            .ok_or_else(|| JsError::new("the picture does not match its size"))?;
        let step = self.inner.push(&image, captured_ms);
        self.rgb = image.into_raw();
        let step = step.map_err(|e| js_error(e.message()))?;
        serde_json::to_string(&step).map_err(js_error)
    }

    /// Whether the camera's picture is mirrored.
    #[wasm_bindgen(js_name = setMirrored)]
    pub fn set_mirrored(&mut self, mirrored: bool) {
        self.inner.set_mirrored(mirrored);
    }

    /// Frames taken so far.
    pub fn frames(&self) -> u32 {
        u32::try_from(self.inner.frames()).unwrap_or(u32::MAX)
    }

    /// Seconds a person was in view.
    #[wasm_bindgen(js_name = personSeconds)]
    pub fn person_seconds(&self) -> f64 {
        self.inner.person_seconds()
    }

    /// The session as a landmark file (JSON Lines), to save.
    #[wasm_bindgen(js_name = landmarkFile)]
    pub fn landmark_file(&self) -> Vec<u8> {
        self.inner.landmark_file()
    }
}
