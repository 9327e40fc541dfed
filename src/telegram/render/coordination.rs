//! The screens of running the network: an invitation, joining, pausing, and the counts
//! coordinators see.

use super::{Buttons, Screen, date, info};
use crate::app::act::Act;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo};

use crate::app::coordination::{Invited, JoinStep, Joined, Stats};
use crate::app::directory::Role;
use crate::domain::Lang;
use crate::i18n::{Arg, I18n, Msg};
use crate::storage::{Member, StoreError};
use crate::telegram::context::BotContext;
use crate::telegram::html::{escape, truncate};

/// `/dashboard`: a button that opens the Mini App, or what is missing.
pub fn dashboard(ctx: &BotContext, lang: Lang, role: &Role) -> Screen {
    let i18n = &ctx.i18n;
    if *role == Role::Nobody {
        return info(i18n, lang, i18n.text(lang, Msg::DashboardNotAllowed));
    }
    let Some(url) = ctx.dashboard.clone() else {
        return info(i18n, lang, i18n.text(lang, Msg::DashboardNotConfigured));
    };
    let open =
        InlineKeyboardButton::web_app(i18n.text(lang, Msg::BtnDashboard), WebAppInfo { url });
    Screen {
        text: i18n.text(lang, Msg::DashboardOpen),
        keyboard: Some(InlineKeyboardMarkup::new(vec![vec![open]])),
    }
}

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

/// What an invitation code led to: the question for the label, or why not.
pub fn join_step(ctx: &BotContext, lang: Lang, step: &JoinStep) -> Screen {
    let i18n = &ctx.i18n;
    match step {
        JoinStep::AskLabel { org } => info(
            i18n,
            lang,
            i18n.with(
                lang,
                Msg::JoinAskLabel,
                &[("org", Arg::Str(&escape(&ctx.org_name(org, lang))))],
            ),
        ),
        JoinStep::Invalid => super::hint(i18n, lang, Msg::JoinInvalid),
        JoinStep::TooManyTries => super::hint(i18n, lang, Msg::JoinTooMany),
    }
}

pub fn joined(ctx: &BotContext, lang: Lang, joined: &Joined, label: &str) -> Screen {
    let i18n = &ctx.i18n;
    match joined {
        Joined::Member { org } => info(
            i18n,
            lang,
            i18n.with(
                lang,
                Msg::JoinDone,
                &[
                    ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
                    ("label", Arg::Str(&escape(label.trim()))),
                ],
            ),
        ),
        Joined::Invalid => super::hint(i18n, lang, Msg::JoinInvalid),
        Joined::TooManyTries => super::hint(i18n, lang, Msg::JoinTooMany),
        Joined::BadLabel => info(i18n, lang, i18n.text(lang, Msg::JoinLabelInvalid)),
    }
}

/// A member's label as shown (never empty).
pub fn label(i18n: &I18n, lang: Lang, label: &str) -> String {
    if label.trim().is_empty() {
        i18n.text(lang, Msg::StaffNoLabel)
    } else {
        label.to_string()
    }
}

/// `/staff ORG_ID`: the team with the day each joined and was last active, and a Remove
/// button each.
pub fn staff(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    org: &str,
    members: &[Member],
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let name = escape(&ctx.org_name(org, lang));
    if members.is_empty() {
        return Ok(info(
            i18n,
            lang,
            i18n.with(
                lang,
                Msg::StaffNone,
                &[("org", Arg::Str(&name)), ("id", Arg::Str(org))],
            ),
        ));
    }
    let mut text = i18n.with(
        lang,
        Msg::StaffHeader,
        &[
            ("org", Arg::Str(&name)),
            ("count", Arg::Num(members.len() as i64)),
        ],
    );
    let mut buttons = Buttons::new(ctx, who, lang);
    for m in members {
        let shown = label(i18n, lang, &m.label);
        text.push('\n');
        text.push_str(&i18n.with(
            lang,
            Msg::StaffItem,
            &[
                ("label", Arg::Str(&escape(&shown))),
                ("joined", Arg::Str(&date(lang, m.joined_on))),
                ("active", Arg::Str(&date(lang, m.last_active))),
            ],
        ));
        let button = i18n.with(
            lang,
            Msg::BtnRevoke,
            &[("label", Arg::Str(&truncate(&shown, 40)))],
        );
        buttons.add_text(button, Act::Revoke(org.to_string(), m.id.clone()))?;
    }
    Ok(Screen {
        text,
        keyboard: Some(buttons.keyboard()),
    })
}

/// "Remove X from the team?" with the one button that does it.
pub fn revoke_confirm(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    org: &str,
    member: &Member,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let mut buttons = Buttons::new(ctx, who, lang);
    buttons.add(
        Msg::BtnRevokeYes,
        Act::RevokeConfirmed(org.to_string(), member.id.clone()),
    )?;
    Ok(Screen {
        text: i18n.with(
            lang,
            Msg::RevokeConfirm,
            &[
                (
                    "label",
                    Arg::Str(&escape(&label(i18n, lang, &member.label))),
                ),
                ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
            ],
        ),
        keyboard: Some(buttons.keyboard()),
    })
}

/// "Leave the team?" with the one button that does it.
pub fn leave_confirm(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    org: &str,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let mut buttons = Buttons::new(ctx, who, lang);
    buttons.add(Msg::BtnLeaveYes, Act::LeaveConfirmed)?;
    Ok(Screen {
        text: i18n.with(
            lang,
            Msg::LeaveConfirm,
            &[("org", Arg::Str(&escape(&ctx.org_name(org, lang))))],
        ),
        keyboard: Some(buttons.keyboard()),
    })
}

/// A membership ended: `msg` is RevokeDone or LeaveDone.
pub fn removed(ctx: &BotContext, lang: Lang, msg: Msg, org: &str, member: &str) -> Screen {
    let i18n = &ctx.i18n;
    info(
        i18n,
        lang,
        i18n.with(
            lang,
            msg,
            &[
                ("label", Arg::Str(&escape(&label(i18n, lang, member)))),
                ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
            ],
        ),
    )
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
/// What the bot keeps and who sees what, in a few lines, with "More" for the whole of it.
pub fn privacy_short(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::PrivacyShort),
        keyboard: Some(super::rows(vec![
            vec![super::button(
                i18n.text(lang, Msg::BtnPrivacyMore),
                &crate::telegram::callback::Callback::PrivacyMore,
            )],
            super::hide_row(i18n, lang),
            super::footer(i18n, lang),
        ])),
    }
}

/// The whole privacy text.
pub fn privacy(i18n: &I18n, lang: Lang, retention_days: u32) -> Screen {
    let days = super::days(i18n, lang, retention_days);
    info(
        i18n,
        lang,
        i18n.with(lang, Msg::Privacy, &[("days", Arg::Str(&days))]),
    )
}
