//! The terminal practice player: a clock over a cue script, a screen drawn from
//! it, and the keys to pause, skip and quit. The terminal is restored on every
//! way out, panics included.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, queue, style, terminal};
use janu_body::clock::clock_ms as clock;
use janu_pose::{BreathPhase, CueScript};

use super::voice::Voice;

/// How often the screen is redrawn: often enough for a smooth countdown and a
/// quick answer to keys, rare enough to cost nothing.
const TICK: Duration = Duration::from_millis(100);
/// Narrowest layout the screen wraps text for.
const MIN_WIDTH: usize = 40;

/// How a practice ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every step ran to its end.
    Finished,
    /// The user quit at this point (ms into the script).
    Quit(u64),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Finished => write!(f, "Practice complete. Well done."),
            Self::Quit(ms) => write!(f, "Practice stopped at {}.", clock(*ms)),
        }
    }
}

/// A pausable clock over the script's timeline.
#[derive(Debug)]
struct Clock {
    offset_ms: u64,
    running_since: Option<Instant>,
}

impl Clock {
    fn start() -> Self {
        Self {
            offset_ms: 0,
            running_since: Some(Instant::now()),
        }
    }

    fn now_ms(&self) -> u64 {
        self.offset_ms
            + self.running_since.map_or(0, |t| {
                u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX)
            })
    }

    fn paused(&self) -> bool {
        self.running_since.is_none()
    }

    fn toggle(&mut self) {
        if self.paused() {
            self.running_since = Some(Instant::now());
        } else {
            self.offset_ms = self.now_ms();
            self.running_since = None;
        }
    }

    fn jump_to(&mut self, ms: u64) {
        self.offset_ms = ms;
        if self.running_since.is_some() {
            self.running_since = Some(Instant::now());
        }
    }
}

/// Restores the terminal when dropped.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> anyhow::Result<Self> {
        terminal::enable_raw_mode().context("switching the terminal to raw mode")?;
        let guard = Self;
        let mut out = std::io::stdout();
        queue!(out, terminal::EnterAlternateScreen, cursor::Hide)?;
        out.flush()?;
        Ok(guard)
    }
}

fn restore_terminal() {
    let mut out = std::io::stdout();
    let _ = queue!(out, cursor::Show, terminal::LeaveAlternateScreen);
    let _ = out.flush();
    let _ = terminal::disable_raw_mode();
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Run the script in the terminal until it ends or the user quits.
pub fn run(script: &CueScript, mut voice: Option<Voice>) -> anyhow::Result<Outcome> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous_hook(info);
    }));
    let result = play(script, &mut voice);
    let _ = std::panic::take_hook();
    if let Some(v) = &mut voice {
        v.stop();
    }
    result
}

fn play(script: &CueScript, voice: &mut Option<Voice>) -> anyhow::Result<Outcome> {
    let _guard = TerminalGuard::enter()?;
    let mut clock = Clock::start();
    let mut spoken: Option<(u64, usize)> = None;
    loop {
        let now = clock.now_ms();
        if now >= script.total_ms {
            return Ok(Outcome::Finished);
        }
        if let Some(v) = voice.as_mut() {
            speak_new_cue(script, now, &mut spoken, v);
            v.tick();
        }
        let (cols, rows) = terminal::size().unwrap_or((80, 24));
        let lines = screen_lines(
            script,
            now,
            clock.paused(),
            usize::from(cols).max(MIN_WIDTH),
        );
        draw(&lines, rows)?;
        if !event::poll(TICK)? {
            continue;
        }
        if let Event::Key(key) = event::read()? {
            match action(key) {
                Some(Action::Pause) => clock.toggle(),
                Some(Action::Skip) => {
                    let next = script
                        .steps
                        .iter()
                        .map(|s| s.start_ms)
                        .find(|&s| s > now)
                        .unwrap_or(script.total_ms);
                    clock.jump_to(next);
                    if let Some(v) = voice.as_mut() {
                        v.stop();
                    }
                }
                Some(Action::Quit) => return Ok(Outcome::Quit(now)),
                None => {}
            }
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Pause,
    Skip,
    Quit,
}

fn action(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    match key.code {
        KeyCode::Char(' ') => Some(Action::Pause),
        KeyCode::Char('n') | KeyCode::Right => Some(Action::Skip),
        KeyCode::Char('q') | KeyCode::Esc => Some(Action::Quit),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Action::Quit),
        _ => None,
    }
}

/// Speak the step title and each instruction once, when it becomes current.
fn speak_new_cue(script: &CueScript, now: u64, spoken: &mut Option<(u64, usize)>, v: &mut Voice) {
    let Some(step) = script.step_at(now) else {
        return;
    };
    let cue = script.instruction_at(now);
    let key = (
        cue.map_or(script.steps[step].start_ms, |c| c.start_ms),
        step,
    );
    if *spoken == Some(key) {
        return;
    }
    let new_step = spoken.is_none_or(|(_, s)| s != step);
    *spoken = Some(key);
    if new_step {
        v.say(&script.steps[step].title);
    }
    if let Some(c) = cue {
        v.say(&c.text);
    }
}

/// Word-wrap to `width` columns.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The screen at `now` as lines of text (pure, so it can be tested).
fn screen_lines(script: &CueScript, now: u64, paused: bool, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(i) = script.step_at(now) else {
        return lines;
    };
    let step = &script.steps[i];
    let n = script.steps.len();
    lines.push(format!(
        "Janu  ·  step {} of {n}  ·  session {} / {}{}",
        i + 1,
        clock(now),
        clock(script.total_ms),
        if paused { "  ·  PAUSED" } else { "" }
    ));
    lines.push("-".repeat(width.min(78)));
    lines.push(String::new());
    lines.extend(wrap(&step.title, width));
    let left = step.end_ms.saturating_sub(now);
    let total = (step.end_ms - step.start_ms).max(1);
    let bar_width = width.min(60);
    let done = usize::try_from((total - left) * bar_width as u64 / total).unwrap_or(bar_width);
    lines.push(format!(
        "{} left   [{}{}]",
        clock(left + 999),
        "#".repeat(done),
        ".".repeat(bar_width - done)
    ));
    lines.push(String::new());
    if let Some(c) = script.instruction_at(now) {
        lines.extend(wrap(&c.text, width));
    }
    lines.push(String::new());
    match script.breath_at(now) {
        Some((phase, ms_left)) => {
            let (word, len) = match phase {
                BreathPhase::Inhale => ("BREATHE IN ", script.pacing.inhale_ms),
                BreathPhase::Exhale => ("BREATHE OUT", script.pacing.exhale_ms),
            };
            let len = u64::from(len.max(1));
            let filled = usize::try_from((len - ms_left.min(len)) * 20 / len).unwrap_or(20);
            let bar = match phase {
                BreathPhase::Inhale => "o".repeat(filled + 1),
                BreathPhase::Exhale => "o".repeat(20 - filled.min(19)),
            };
            lines.push(format!("{word}  {bar}"));
        }
        None => lines.push("(breathe naturally)".into()),
    }
    lines.push(String::new());
    match script.steps.get(i + 1) {
        Some(next) => lines.extend(wrap(&format!("Next: {}", next.title), width)),
        None => lines.push("Last step.".into()),
    }
    lines.push(String::new());
    lines.push("[space] pause/resume   [n / →] next step   [q] quit".into());
    lines
}

fn draw(lines: &[String], rows: u16) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    queue!(
        out,
        terminal::Clear(terminal::ClearType::All),
        cursor::MoveTo(0, 0)
    )?;
    for (row, line) in lines.iter().take(usize::from(rows)).enumerate() {
        let row = u16::try_from(row).unwrap_or(u16::MAX);
        queue!(out, cursor::MoveTo(0, row), style::Print(line))?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use janu_pose::{Level, Pacing, PlanRequest, cue_script, plan};

    fn script() -> CueScript {
        cue_script(
            &plan(&PlanRequest::new(Level::Beginner, 5)).unwrap(),
            &Pacing::default(),
        )
    }

    #[test]
    fn screen_shows_step_countdown_cue_and_breath() {
        let s = script();
        let main = s
            .steps
            .iter()
            .position(|x| x.title.starts_with("Janusirsasana"))
            .unwrap();
        let hold = s.breath.iter().find(|w| w.step == main).unwrap();
        let lines = screen_lines(&s, hold.start_ms + 100, false, 80).join("\n");
        assert!(
            lines.contains(&format!("step {} of {}", main + 1, s.steps.len())),
            "{lines}"
        );
        assert!(lines.contains("left leg extended"), "{lines}");
        assert!(lines.contains("BREATHE IN"), "{lines}");
        let exhale = hold.start_ms + u64::from(s.pacing.inhale_ms) + 100;
        assert!(
            screen_lines(&s, exhale, true, 80)
                .join("\n")
                .contains("BREATHE OUT")
        );
        assert!(screen_lines(&s, exhale, true, 80)[0].contains("PAUSED"));
    }

    #[test]
    fn keys_map_to_actions() {
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(action(k(KeyCode::Char(' '))), Some(Action::Pause));
        assert_eq!(action(k(KeyCode::Right)), Some(Action::Skip));
        assert_eq!(action(k(KeyCode::Char('n'))), Some(Action::Skip));
        assert_eq!(action(k(KeyCode::Char('q'))), Some(Action::Quit));
        assert_eq!(action(k(KeyCode::Char('x'))), None);
    }

    #[test]
    fn clock_pauses_and_jumps() {
        let mut c = Clock::start();
        c.toggle();
        let t = c.now_ms();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(c.now_ms(), t);
        c.jump_to(5000);
        assert_eq!(c.now_ms(), 5000);
        c.toggle();
        assert!(c.now_ms() >= 5000);
    }
}
