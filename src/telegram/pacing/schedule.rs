//! The pacing rules as a pure schedule: who may send to which chat now, under Telegram's
//! limits (about 30 messages a second overall, about one a second in a private chat with a
//! short burst, 20 a minute in a group), replies before notices, each chat's messages one at a
//! time and in order, a chat held for `retry_after` after a 429. Time is passed in, so every
//! rule is tested without waiting.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

/// Telegram's limits as Poruch paces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages a second, all chats together.
    pub overall_per_sec: u32,
    /// Messages a second in one private chat, in the long run.
    pub chat_per_sec: u32,
    /// Messages a private chat may receive at once before the rate applies.
    pub chat_burst: u32,
    /// Messages a minute in one group.
    pub group_per_min: u32,
}

impl Limits {
    /// Telegram's published limits ("Bots FAQ": 30 a second, 1 a second per chat, 20 a
    /// minute per group); a burst of 3 in a private chat.
    pub const TELEGRAM: Limits = Limits {
        overall_per_sec: 30,
        chat_per_sec: 1,
        chat_burst: 3,
        group_per_min: 20,
    };
}

/// Who is waiting: a person waiting for an answer goes before any notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Reply,
    Notice,
}

pub type Ticket = u64;

/// Network jitter between Poruch and Telegram: windows are this much longer, so that two
/// messages paced a window apart never reach Telegram closer than that.
const MARGIN: Duration = Duration::from_millis(60);
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
struct Waiter {
    ticket: Ticket,
    chat: i64,
    class: Class,
    /// Older first within a class: a reply's ticket, a notice's outbox id.
    age: u64,
}

impl Waiter {
    fn order(&self) -> (Class, u64, Ticket) {
        (self.class, self.age, self.ticket)
    }
}

/// One chat's pace.
#[derive(Debug, Clone)]
struct Chat {
    /// Private chats: a token bucket (a message takes one; refilled at the chat rate).
    tokens: f64,
    refilled: Instant,
    /// Groups: when the last minute's messages were sent.
    sent: VecDeque<Instant>,
    /// After a 429: nothing before this.
    held_until: Option<Instant>,
    /// The ticket sending to this chat now; the next waits until it is done.
    holder: Option<Ticket>,
}

fn is_group(chat: i64) -> bool {
    chat < 0
}

/// Decisions taken by one `grant`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Grants {
    /// May send now, in this order.
    pub granted: Vec<Ticket>,
    /// When to ask again if someone still waits (`None`: only when something changes).
    pub next: Option<Instant>,
}

/// The schedule. `None` limits: Telegram's limits lifted (benchmarks of Poruch's own cost);
/// one message at a time per chat and 429 holds still apply.
#[derive(Debug)]
pub struct Schedule {
    limits: Option<Limits>,
    waiters: Vec<Waiter>,
    chats: HashMap<i64, Chat>,
    /// When the last second's messages were sent, all chats together.
    recent: VecDeque<Instant>,
    next_ticket: Ticket,
    pruned: Option<Instant>,
}

impl Schedule {
    pub fn new(limits: Option<Limits>) -> Schedule {
        Schedule {
            limits,
            waiters: Vec::new(),
            chats: HashMap::new(),
            recent: VecDeque::new(),
            next_ticket: 1,
            pruned: None,
        }
    }

    /// Asks to send one message to `chat`; `age` orders waiters of a class (older first;
    /// `None`: in order of asking).
    pub fn ask(&mut self, chat: i64, class: Class, age: Option<u64>) -> Ticket {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.enqueue(Waiter {
            ticket,
            chat,
            class,
            age: age.unwrap_or(ticket),
        });
        ticket
    }

    fn enqueue(&mut self, waiter: Waiter) {
        let at = self
            .waiters
            .partition_point(|w| w.order() <= waiter.order());
        self.waiters.insert(at, waiter);
    }

    /// The ticket will not send after all: waiting or holding, it lets go.
    pub fn cancel(&mut self, ticket: Ticket) {
        self.waiters.retain(|w| w.ticket != ticket);
        self.done(ticket);
    }

    /// The message of `ticket` was sent (or failed for good): its chat is free.
    pub fn done(&mut self, ticket: Ticket) {
        for chat in self.chats.values_mut() {
            if chat.holder == Some(ticket) {
                chat.holder = None;
            }
        }
    }

    /// Telegram answered 429 for `ticket`'s message: the chat is held for `after`, and the
    /// ticket waits again at its place, keeping the chat (nothing overtakes it there).
    pub fn again(
        &mut self,
        ticket: Ticket,
        chat: i64,
        class: Class,
        after: Duration,
        now: Instant,
    ) {
        let pace = self.chat(chat, now);
        pace.held_until = Some(now + after);
        pace.holder = Some(ticket);
        self.enqueue(Waiter {
            ticket,
            chat,
            class,
            age: 0,
        });
    }

    /// Telegram answered 429 for a message to `chat` that will wait elsewhere: nothing goes
    /// to the chat for `after`.
    pub fn hold(&mut self, chat: i64, after: Duration, now: Instant) {
        let pace = self.chat(chat, now);
        let until = now + after;
        pace.held_until = Some(pace.held_until.map_or(until, |t| t.max(until)));
    }

    /// How many wait.
    pub fn waiting(&self) -> usize {
        self.waiters.len()
    }

    /// How many chats the schedule remembers (bounded: idle chats are forgotten).
    pub fn chats_remembered(&self) -> usize {
        self.chats.len()
    }

    fn chat(&mut self, chat: i64, now: Instant) -> &mut Chat {
        let burst = self.limits.map_or(1, |l| l.chat_burst.max(1));
        self.chats.entry(chat).or_insert_with(|| Chat {
            tokens: f64::from(burst),
            refilled: now,
            sent: VecDeque::new(),
            held_until: None,
            holder: None,
        })
    }

    /// Grants every waiter that may send now, in order, and says when to ask again.
    pub fn grant(&mut self, now: Instant) -> Grants {
        let mut grants = Grants::default();
        let window = SECOND + MARGIN;
        while self
            .recent
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= window)
        {
            self.recent.pop_front();
        }
        let earliest = |next: &mut Option<Instant>, at: Instant| {
            *next = Some(next.map_or(at, |n: Instant| n.min(at)));
        };
        let mut blocked: HashSet<i64> = HashSet::new();
        let mut taken: Vec<usize> = Vec::new();
        for i in 0..self.waiters.len() {
            let Waiter { ticket, chat, .. } = self.waiters[i];
            if let Some(limits) = self.limits
                && self.recent.len() >= limits.overall_per_sec.max(1) as usize
            {
                if let Some(&oldest) = self.recent.front() {
                    earliest(&mut grants.next, oldest + window);
                }
                break;
            }
            if blocked.contains(&chat) {
                continue;
            }
            let limits = self.limits;
            let pace = self.chat(chat, now);
            let ready_at = ready_at(pace, limits, chat, now);
            if pace.holder.is_some_and(|h| h != ticket) {
                blocked.insert(chat);
                continue;
            }
            if let Some(at) = ready_at
                && at > now
            {
                earliest(&mut grants.next, at);
                blocked.insert(chat);
                continue;
            }
            take(pace, limits, chat, now);
            pace.held_until = None;
            pace.holder = Some(ticket);
            blocked.insert(chat);
            if self.limits.is_some() {
                self.recent.push_back(now);
            }
            grants.granted.push(ticket);
            taken.push(i);
        }
        for &i in taken.iter().rev() {
            self.waiters.remove(i);
        }
        self.prune(now);
        grants
    }

    /// Forgets chats whose state is that of a chat never seen (at most once a second).
    fn prune(&mut self, now: Instant) {
        if self
            .pruned
            .is_some_and(|t| now.saturating_duration_since(t) < SECOND)
        {
            return;
        }
        self.pruned = Some(now);
        let limits = self.limits;
        let waiting: HashSet<i64> = self.waiters.iter().map(|w| w.chat).collect();
        self.chats.retain(|&id, pace| {
            waiting.contains(&id)
                || pace.holder.is_some()
                || pace.held_until.is_some_and(|t| t > now)
                || !fresh(pace, limits, id, now)
        });
    }
}

fn refill(pace: &mut Chat, limits: Limits, now: Instant) {
    let rate = f64::from(limits.chat_per_sec.max(1)) / (SECOND + MARGIN).as_secs_f64();
    let elapsed = now.saturating_duration_since(pace.refilled).as_secs_f64();
    pace.tokens = (pace.tokens + elapsed * rate).min(f64::from(limits.chat_burst.max(1)));
    pace.refilled = now;
}

/// When the chat may next receive a message (`None`: now).
fn ready_at(pace: &mut Chat, limits: Option<Limits>, chat: i64, now: Instant) -> Option<Instant> {
    let held = pace.held_until.filter(|&t| t > now);
    let Some(limits) = limits else {
        return held;
    };
    let paced = if is_group(chat) {
        let window = MINUTE + MARGIN;
        while pace
            .sent
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= window)
        {
            pace.sent.pop_front();
        }
        (pace.sent.len() >= limits.group_per_min.max(1) as usize)
            .then(|| pace.sent.front().map(|&t| t + window))
            .flatten()
    } else {
        refill(pace, limits, now);
        (pace.tokens < 1.0).then(|| {
            let rate = f64::from(limits.chat_per_sec.max(1)) / (SECOND + MARGIN).as_secs_f64();
            now + Duration::from_secs_f64((1.0 - pace.tokens) / rate)
        })
    };
    match (held, paced) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn take(pace: &mut Chat, limits: Option<Limits>, chat: i64, now: Instant) {
    if limits.is_none() {
        return;
    }
    if is_group(chat) {
        pace.sent.push_back(now);
    } else {
        pace.tokens -= 1.0;
    }
}

/// Whether a chat's state is that of one never seen: nothing pending, bucket full.
fn fresh(pace: &mut Chat, limits: Option<Limits>, chat: i64, now: Instant) -> bool {
    let Some(limits) = limits else {
        return true;
    };
    if is_group(chat) {
        ready_at(pace, Some(limits), chat, now);
        pace.sent.is_empty()
    } else {
        refill(pace, limits, now);
        pace.tokens >= f64::from(limits.chat_burst.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(start: Instant, ms: u64) -> Instant {
        start + Duration::from_millis(ms)
    }

    #[test]
    fn a_private_chat_gets_its_burst_then_one_a_second() {
        let start = Instant::now();
        let mut s = Schedule::new(Some(Limits::TELEGRAM));
        let mut sent = Vec::new();
        for _ in 0..6 {
            s.ask(7, Class::Reply, None);
        }
        let mut now = start;
        while s.waiting() > 0 {
            let g = s.grant(now);
            if g.granted.is_empty() {
                now = g.next.unwrap_or(now);
            }
            for t in g.granted {
                sent.push(now.duration_since(start));
                s.done(t);
            }
        }
        assert_eq!(sent.len(), 6);
        assert!(sent[..3].iter().all(|d| d.is_zero()), "{sent:?}");
        for pair in sent[3..].windows(2) {
            assert!(pair[1] - pair[0] >= SECOND, "{sent:?}");
        }
    }

    #[test]
    fn a_chat_sends_one_message_at_a_time_in_order() {
        let start = Instant::now();
        let mut s = Schedule::new(None);
        let first = s.ask(7, Class::Reply, None);
        let second = s.ask(7, Class::Reply, None);
        assert_eq!(s.grant(start).granted, vec![first]);
        assert_eq!(s.grant(start).granted, Vec::<Ticket>::new());
        s.done(first);
        assert_eq!(s.grant(start).granted, vec![second]);
    }

    #[test]
    fn replies_go_before_notices_when_the_second_is_full() {
        let start = Instant::now();
        let mut s = Schedule::new(Some(Limits::TELEGRAM));
        let notices: Vec<Ticket> = (0..40)
            .map(|i| s.ask(1_000 + i, Class::Notice, Some(i as u64)))
            .collect();
        let first = s.grant(start);
        assert_eq!(first.granted, notices[..30].to_vec());
        let reply = s.ask(5, Class::Reply, None);
        let g = s.grant(at(start, 500));
        assert!(g.granted.is_empty(), "the second is full");
        let g = s.grant(first.next.unwrap_or(start));
        assert_eq!(g.granted.first(), Some(&reply), "the reply goes first");
    }

    #[test]
    fn notices_go_oldest_first() {
        let start = Instant::now();
        let mut s = Schedule::new(Some(Limits::TELEGRAM));
        let newer = s.ask(1, Class::Notice, Some(20));
        let older = s.ask(2, Class::Notice, Some(10));
        assert_eq!(s.grant(start).granted, vec![older, newer]);
    }

    #[test]
    fn a_429_holds_the_chat_and_keeps_the_message_first() {
        let start = Instant::now();
        let mut s = Schedule::new(Some(Limits::TELEGRAM));
        let first = s.ask(7, Class::Reply, None);
        let second = s.ask(7, Class::Reply, None);
        assert_eq!(s.grant(start).granted, vec![first]);
        s.again(first, 7, Class::Reply, Duration::from_secs(5), start);
        let g = s.grant(at(start, 4_900));
        assert!(g.granted.is_empty());
        assert_eq!(g.next, Some(at(start, 5_000)));
        assert_eq!(s.grant(at(start, 5_000)).granted, vec![first]);
        s.done(first);
        assert_eq!(s.grant(at(start, 5_000)).granted, vec![second]);
    }

    #[test]
    fn a_group_gets_twenty_a_minute() {
        let start = Instant::now();
        let mut s = Schedule::new(Some(Limits::TELEGRAM));
        for i in 0..21 {
            let t = s.ask(-100, Class::Notice, None);
            let g = s.grant(at(start, i * 10));
            if i < 20 {
                assert_eq!(g.granted, vec![t]);
                s.done(t);
            } else {
                assert!(g.granted.is_empty());
                assert!(g.next.is_some_and(|n| n >= start + MINUTE));
            }
        }
    }

    #[test]
    fn idle_chats_are_forgotten() {
        let start = Instant::now();
        let mut s = Schedule::new(Some(Limits::TELEGRAM));
        for chat in 0..1_000 {
            let t = s.ask(chat, Class::Reply, None);
            assert_eq!(s.grant(at(start, chat as u64 * 50)).granted, vec![t]);
            s.done(t);
        }
        assert!(s.chats_remembered() < 100);
        s.grant(at(start, 60_000));
        assert_eq!(s.chats_remembered(), 0);
    }

    #[test]
    fn a_cancelled_waiter_frees_its_chat() {
        let start = Instant::now();
        let mut s = Schedule::new(None);
        let first = s.ask(7, Class::Reply, None);
        let second = s.ask(7, Class::Reply, None);
        s.grant(start);
        s.cancel(first);
        assert_eq!(s.grant(start).granted, vec![second]);
    }

    proptest! {
        /// Whatever is asked, in whatever order and timing: no second holds more than 30
        /// messages, no private chat more than its burst plus one a second, each chat's
        /// messages go in the order asked, and everyone is served.
        #[test]
        fn the_limits_hold_and_everyone_is_served(
            asks in proptest::collection::vec((0i64..12, any::<bool>(), 0u64..3_000), 1..200)
        ) {
            let start = Instant::now();
            let mut s = Schedule::new(Some(Limits::TELEGRAM));
            let mut asks = asks;
            asks.sort_by_key(|a| a.2);
            let mut pending = asks.into_iter().peekable();
            let mut asked: HashMap<Ticket, (i64, Instant)> = HashMap::new();
            let mut order: HashMap<i64, Vec<Ticket>> = HashMap::new();
            let mut sent: Vec<(Instant, i64, Ticket)> = Vec::new();
            let mut now = start;
            let mut guard = 0;
            loop {
                while let Some(&(chat, reply, ms)) = pending.peek() {
                    if at(start, ms) > now { break; }
                    pending.next();
                    let class = if reply { Class::Reply } else { Class::Notice };
                    let t = s.ask(chat, class, None);
                    asked.insert(t, (chat, now));
                    if reply { order.entry(chat).or_default().push(t); }
                }
                let g = s.grant(now);
                if !g.granted.is_empty() {
                    for t in g.granted {
                        sent.push((now, asked[&t].0, t));
                        s.done(t);
                    }
                    continue;
                }
                let next = g.next;
                let arrival = pending.peek().map(|a| at(start, a.2));
                now = match (next, arrival) {
                    (Some(a), Some(b)) => a.min(b),
                    (a, b) => match a.or(b) { Some(t) => t, None => break },
                };
                guard += 1;
                prop_assert!(guard < 100_000);
            }
            prop_assert_eq!(sent.len(), asked.len());
            for (i, &(t0, _, _)) in sent.iter().enumerate() {
                let within = sent[i..].iter().take_while(|(t, _, _)| *t - t0 < SECOND).count();
                prop_assert!(within <= 30);
            }
            for chat in 0..12 {
                let times: Vec<Instant> = sent.iter().filter(|s| s.1 == chat).map(|s| s.0).collect();
                for (i, &t0) in times.iter().enumerate() {
                    let span = Duration::from_secs(5);
                    let within = times[i..].iter().take_while(|t| **t - t0 < span).count();
                    prop_assert!(within <= 3 + 5, "chat {} got {} in 5 s", chat, within);
                }
                let replies: Vec<Ticket> = sent.iter()
                    .filter(|s| s.1 == chat && order.get(&chat).is_some_and(|o| o.contains(&s.2)))
                    .map(|s| s.2).collect();
                let expected = order.get(&chat).cloned().unwrap_or_default();
                prop_assert_eq!(replies, expected);
            }
        }
    }
}
