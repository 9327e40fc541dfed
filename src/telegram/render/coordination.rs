//! The screens of running the network: an invitation, joining, pausing, and the counts
//! coordinators see.

use super::{Screen, info};
use crate::app::coordination::{Invited, Joined, Stats};
use crate::domain::Lang;
use crate::i18n::{Arg, I18n, Msg};
use crate::telegram::context::BotContext;
use crate::telegram::html::{escape, truncate};

/// Counts for coordinators — never content.
pub fn stats(i18n: &I18n, lang: Lang, s: &Stats) -> Screen {
    let n = |v: u64| Arg::Num(v as i64);
    let text = i18n.with(
        lang,
        Msg::AdminStats,
        &[
            ("security", n(s.security_events)),
            ("unplaced", n(s.unplaced)),
            ("open", n(s.open_referrals)),
            ("outbox", n(s.outbox)),
        ],
    );
    let feedback = i18n.with(
        lang,
        Msg::AdminFeedbackStats,
        &[
            ("yes", n(s.help_yes)),
            ("partly", n(s.help_partly)),
            ("no", n(s.help_no)),
            ("held", n(s.held)),
            ("notheld", n(s.not_held)),
            ("eunplaced", n(s.expert_unplaced)),
            ("nooffer", n(s.expert_no_offer)),
        ],
    );
    info(i18n, lang, format!("{text}\n{feedback}"))
}

/// The invitation: its code and its start link (`bot` is the bot's username); or why none
/// was made. `None` for a refusal (answered as an unknown command).
pub fn invited(
    ctx: &BotContext,
    lang: Lang,
    bot: &str,
    asked_for: &str,
    invited: &Invited,
) -> Option<Screen> {
    let i18n = &ctx.i18n;
    Some(match invited {
        Invited::Code { org, code } => {
            let link = format!("https://t.me/{bot}?start=join-{code}");
            let text = i18n.with(
                lang,
                Msg::InviteCreated,
                &[
                    ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
                    ("code", Arg::Str(code)),
                    ("link", Arg::Str(&escape(&link))),
                ],
            );
            info(i18n, lang, text)
        }
        Invited::UnknownOrg => {
            let shown = escape(&truncate(asked_for, 40));
            let text = i18n.with(lang, Msg::InviteUnknownOrg, &[("id", Arg::Str(&shown))]);
            info(i18n, lang, text)
        }
        Invited::Refused(_) => return None,
    })
}

pub fn joined(ctx: &BotContext, lang: Lang, joined: &Joined) -> Screen {
    let i18n = &ctx.i18n;
    match joined {
        Joined::Member { org } => info(
            i18n,
            lang,
            i18n.with(
                lang,
                Msg::JoinDone,
                &[("org", Arg::Str(&escape(&ctx.org_name(org, lang))))],
            ),
        ),
        Joined::Invalid => super::hint(i18n, lang, Msg::JoinInvalid),
    }
}

/// Paused or resumed.
pub fn paused(ctx: &BotContext, lang: Lang, org: &str, paused: bool) -> Screen {
    let msg = if paused {
        Msg::PauseDone
    } else {
        Msg::ResumeDone
    };
    let name = escape(&ctx.org_name(org, lang));
    info(
        &ctx.i18n,
        lang,
        ctx.i18n.with(lang, msg, &[("org", Arg::Str(&name))]),
    )
}

/// What is kept, with the retention period this instance uses.
pub fn privacy(i18n: &I18n, lang: Lang, retention_days: u32) -> Screen {
    let days = super::days(i18n, lang, retention_days);
    info(
        i18n,
        lang,
        i18n.with(lang, Msg::Privacy, &[("days", Arg::Str(&days))]),
    )
}
