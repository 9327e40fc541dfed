//! A surge holds: 200 people open the bot at the same moment (a post about it went round a
//! brigade's chats) and each searches at once, while a help request's notice goes to an
//! organization. The built binary paces itself as Telegram requires; the fake Bot API answers
//! anything over Telegram's limits with 429 and `retry_after`, as Telegram does. Every person
//! gets every answer, in order; the notice still goes out; nothing is refused as wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test may stop at what it did not expect

mod support;

use std::time::Duration;

use support::fake_bot_api::FakeBotApi;
use support::surge::{is_results, is_welcome, prepare, surge};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_people_at_once_all_get_their_answers_in_order() {
    let api = FakeBotApi::start().await;
    let dir = support::tempdir();
    let _bot = prepare(&api, dir.path()).await;
    let people = 200;
    let result = surge(&api, people, Duration::from_secs(120)).await;

    let unanswered: Vec<i64> = result
        .people
        .iter()
        .filter(|p| p.answered_after.is_none())
        .map(|p| p.id)
        .collect();
    assert!(
        unanswered.is_empty(),
        "{} of {people} got no results: {:?}…",
        unanswered.len(),
        &unanswered[..unanswered.len().min(5)]
    );
    for person in &result.people {
        let welcome = person.replies.iter().position(|t| is_welcome(t));
        let results = person.replies.iter().position(|t| is_results(t));
        assert!(
            matches!((welcome, results), (Some(w), Some(r)) if w < r),
            "person {} got the welcome and the results out of order: {:?}",
            person.id,
            person.replies
        );
        assert_eq!(
            person.replies.len(),
            2,
            "person {}: one welcome, one results screen: {:?}",
            person.id,
            person.replies
        );
    }
    assert!(result.notice_delivered, "the organization was never told");
    assert!(result.typing > 0, "nobody who waited saw \"typing…\"");
    assert!(result.refusals.is_empty(), "{:#?}", result.refusals);
    // Telegram's floor: 400 replies at 30 a second take over 13 seconds; well paced, the
    // surge is answered in not much more, and few messages meet a 429.
    assert!(
        result.elapsed >= Duration::from_secs(13),
        "faster than Telegram allows: {:?}",
        result.elapsed
    );
    assert!(
        result.rate_limited * 10 < result.messages,
        "{} of {} messages met a 429",
        result.rate_limited,
        result.messages
    );
    eprintln!(
        "surge of {people}: last results after {:.1} s, {} messages, {} answered 429, {} typing",
        result.elapsed.as_secs_f64(),
        result.messages,
        result.rate_limited,
        result.typing
    );
}
