//! One pacing for everything Poruch sends: replies, edits, documents and the outbox's notices
//! each take a `Slot` before their request, so that together they stay under Telegram's
//! limits (the rules: `schedule`). A slot holds its chat until dropped, so a chat's messages
//! go one at a time and in order; a 429 holds the chat for `retry_after` and the message waits
//! again at the head of its chat (`Slot::wait_out`). `answerCallbackQuery`, chat actions and
//! deletions are not messages and are not paced.

pub mod schedule;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, oneshot};

use schedule::Schedule;
pub use schedule::{Class, Limits, Ticket};

struct Shared {
    state: Mutex<State>,
    wake: Notify,
}

struct State {
    schedule: Schedule,
    /// Waiters to tell when granted.
    waiting: HashMap<Ticket, oneshot::Sender<()>>,
    driving: bool,
}

/// The pacer (cheap to clone; one per bot).
#[derive(Clone)]
pub struct Pacer {
    shared: Arc<Shared>,
}

impl Pacer {
    /// Pacing under `limits`; `None` lifts Telegram's limits (benchmarks, handler tests).
    pub fn new(limits: Option<Limits>) -> Pacer {
        Pacer {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    schedule: Schedule::new(limits),
                    waiting: HashMap::new(),
                    driving: false,
                }),
                wake: Notify::new(),
            }),
        }
    }

    pub fn lifted() -> Pacer {
        Pacer::new(None)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A slot for one message to `chat`, if one is free right now (and nobody waits before
    /// it in that chat).
    pub fn try_slot(&self, chat: i64, class: Class) -> Option<Slot> {
        let mut state = self.state();
        let ticket = state.schedule.ask(chat, class, None);
        let (granted, _) = grant(&mut state, Instant::now());
        if granted.contains(&ticket) {
            return Some(Slot {
                pacer: self.clone(),
                ticket,
                chat,
                class,
            });
        }
        state.schedule.cancel(ticket);
        drop(state);
        self.shared.wake.notify_one();
        None
    }

    /// Waits for a slot for one message to `chat`. `age` orders waiters of a class (older
    /// first; `None`: in order of asking).
    pub async fn slot(&self, chat: i64, class: Class, age: Option<u64>) -> Slot {
        let (ticket, granted) = {
            let mut state = self.state();
            let ticket = state.schedule.ask(chat, class, age);
            let (tx, rx) = oneshot::channel();
            state.waiting.insert(ticket, tx);
            self.start_driver(&mut state);
            (ticket, rx)
        };
        self.shared.wake.notify_one();
        let mut asking = Asking {
            pacer: self,
            ticket,
            granted: false,
        };
        // The driver only drops the sender after granting; a dropped pacer grants nothing.
        let _ = granted.await;
        asking.granted = true;
        Slot {
            pacer: self.clone(),
            ticket,
            chat,
            class,
        }
    }

    fn start_driver(&self, state: &mut State) {
        if state.driving {
            return;
        }
        state.driving = true;
        let weak = Arc::downgrade(&self.shared);
        tokio::spawn(drive(weak));
    }

    /// How many messages wait for a slot.
    pub fn waiting(&self) -> usize {
        self.state().schedule.waiting()
    }
}

/// Grants what may go now and tells the waiters; returns the granted tickets nobody waits
/// on (a `try_slot`'s) and when to grant again.
fn grant(state: &mut State, now: Instant) -> (Vec<Ticket>, Option<Instant>) {
    let grants = state.schedule.grant(now);
    let mut granted = Vec::with_capacity(grants.granted.len());
    for ticket in grants.granted {
        match state.waiting.remove(&ticket) {
            Some(tx) => {
                if tx.send(()).is_err() {
                    // The waiter went away meanwhile.
                    state.schedule.done(ticket);
                }
            }
            None => granted.push(ticket),
        }
    }
    (granted, grants.next)
}

/// Grants slots as time and releases allow; ends when nobody waits (the next `slot`
/// starts it again) or the pacer is dropped.
async fn drive(weak: Weak<Shared>) {
    loop {
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let next = {
            let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            let next = grant(&mut state, Instant::now()).1;
            if state.schedule.waiting() == 0 {
                state.driving = false;
                return;
            }
            next
        };
        let wait = next.map_or(Duration::from_secs(1), |at| {
            at.saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1))
        });
        let _ = tokio::time::timeout(wait, shared.wake.notified()).await;
    }
}

/// A waiter that stops waiting (its future dropped) leaves the queue.
struct Asking<'a> {
    pacer: &'a Pacer,
    ticket: Ticket,
    granted: bool,
}

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        if !self.granted {
            let mut state = self.pacer.state();
            state.waiting.remove(&self.ticket);
            state.schedule.cancel(self.ticket);
            drop(state);
            self.pacer.shared.wake.notify_one();
        }
    }
}

/// Leave to send one message; the chat is free again when it is dropped.
pub struct Slot {
    pacer: Pacer,
    ticket: Ticket,
    chat: i64,
    class: Class,
}

impl Slot {
    /// Telegram answered 429: waits `after` (and for the pace) keeping this message first in
    /// its chat, then holds the slot again.
    pub async fn wait_out(&mut self, after: Duration) {
        let rx = {
            let mut state = self.pacer.state();
            state
                .schedule
                .again(self.ticket, self.chat, self.class, after, Instant::now());
            let (tx, rx) = oneshot::channel();
            state.waiting.insert(self.ticket, tx);
            self.pacer.start_driver(&mut state);
            rx
        };
        self.pacer.shared.wake.notify_one();
        let _ = rx.await;
    }

    /// Telegram answered 429 and the message will wait elsewhere (a queue): the chat is
    /// held for `after`, and this slot is let go.
    pub fn hold(self, after: Duration) {
        self.pacer
            .state()
            .schedule
            .hold(self.chat, after, Instant::now());
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self.pacer.state();
        state.waiting.remove(&self.ticket);
        state.schedule.cancel(self.ticket);
        drop(state);
        self.pacer.shared.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_chat_waits_for_its_pace_and_others_do_not() {
        let pacer = Pacer::new(Some(Limits {
            overall_per_sec: 30,
            chat_per_sec: 10,
            chat_burst: 1,
            group_per_min: 20,
        }));
        let start = Instant::now();
        drop(pacer.slot(1, Class::Reply, None).await);
        drop(pacer.slot(2, Class::Reply, None).await);
        assert!(start.elapsed() < Duration::from_millis(50));
        drop(pacer.slot(1, Class::Reply, None).await);
        assert!(start.elapsed() >= Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_slot_is_free_now_or_not() {
        let pacer = Pacer::new(Some(Limits::TELEGRAM));
        let held = pacer.try_slot(1, Class::Reply);
        assert!(held.is_some());
        assert!(
            pacer.try_slot(1, Class::Reply).is_none(),
            "the chat is busy"
        );
        drop(held);
        assert!(pacer.try_slot(1, Class::Reply).is_some());
    }

    #[tokio::test]
    async fn a_429_is_waited_out_in_place() {
        let pacer = Pacer::lifted();
        let mut slot = pacer.slot(1, Class::Reply, None).await;
        let start = Instant::now();
        slot.wait_out(Duration::from_millis(120)).await;
        assert!(start.elapsed() >= Duration::from_millis(120));
        assert!(
            pacer.try_slot(1, Class::Reply).is_none(),
            "still held by the slot"
        );
    }
}
