//! Per-user cooldown: at most N questions per window, with one polite notice per window for a
//! user who asks faster — not one notice per extra question.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What to do with a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Answer,
    /// Over the limit: tell the user once, with how long to wait.
    Notify {
        wait: Duration,
    },
    /// Over the limit and already told.
    Ignore,
}

#[derive(Debug)]
pub struct Cooldown {
    limit: usize,
    window: Duration,
    users: HashMap<u64, UserState>,
}

#[derive(Debug, Default)]
struct UserState {
    asked: VecDeque<Instant>,
    notified: bool,
}

impl Cooldown {
    /// `limit` questions per `window`; a limit of 0 turns the cooldown off.
    pub fn new(limit: u32, window: Duration) -> Cooldown {
        Cooldown {
            limit: limit as usize,
            window,
            users: HashMap::new(),
        }
    }

    pub fn check(&mut self, user: u64, now: Instant) -> Verdict {
        if self.limit == 0 {
            return Verdict::Answer;
        }
        // Forget users idle for a whole window, so the map does not grow without bound.
        if self.users.len() > 10_000 {
            let window = self.window;
            self.users.retain(|_, s| {
                s.asked
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
        }
        let state = self.users.entry(user).or_default();
        while state
            .asked
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            state.asked.pop_front();
        }
        if state.asked.len() < self.limit {
            state.asked.push_back(now);
            state.notified = false;
            return Verdict::Answer;
        }
        if state.notified {
            return Verdict::Ignore;
        }
        state.notified = true;
        let oldest = *state.asked.front().expect("the window is full");
        Verdict::Notify {
            wait: self.window.saturating_sub(now.duration_since(oldest)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_gets_the_limit_then_one_notice() {
        let mut c = Cooldown::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        let verdicts: Vec<Verdict> = (0..100)
            .map(|i| c.check(7, t0 + Duration::from_millis(i * 10)))
            .collect();
        assert_eq!(
            verdicts.iter().filter(|v| **v == Verdict::Answer).count(),
            3
        );
        assert_eq!(
            verdicts
                .iter()
                .filter(|v| matches!(v, Verdict::Notify { .. }))
                .count(),
            1
        );
        // Another user is unaffected; after the window the first may ask again.
        assert_eq!(c.check(8, t0), Verdict::Answer);
        assert_eq!(c.check(7, t0 + Duration::from_secs(61)), Verdict::Answer);
    }

    #[test]
    fn zero_turns_it_off() {
        let mut c = Cooldown::new(0, Duration::from_secs(1));
        let t = Instant::now();
        assert!((0..1000).all(|_| c.check(1, t) == Verdict::Answer));
    }
}
