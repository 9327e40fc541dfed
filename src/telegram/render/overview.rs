//! The lists of both kinds of request: an organization's `/inbox` and a person's `/my`.

use super::help::list_item;
use super::{Buttons, Screen, info};
use crate::app::act::Act;
use crate::app::overview::{Inbox, Mine};
use crate::domain::Lang;
use crate::i18n::{Arg, Msg};
use crate::storage::StoreError;
use crate::telegram::context::BotContext;
use crate::telegram::html::escape;

/// `/inbox`: the organization's open referrals and the expert requests offered to it, with
/// Pause or Resume.
pub fn inbox(ctx: &BotContext, who: i64, lang: Lang, inbox: &Inbox) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let mut text = i18n.with(
        lang,
        Msg::InboxHeader,
        &[
            ("org", Arg::Str(&escape(&ctx.org_name(&inbox.org, lang)))),
            ("count", Arg::Num(inbox.referral_count as i64)),
        ],
    );
    if inbox.paused {
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::InboxPaused));
    }
    if inbox.referral_count == 0 {
        text.push_str("\n\n");
        text.push_str(&i18n.text(lang, Msg::InboxEmpty));
    }
    if !inbox.expert.is_empty() {
        text.push_str("\n\n");
        text.push_str(&i18n.with(
            lang,
            Msg::InboxExperts,
            &[("count", Arg::Num(inbox.expert.len() as i64))],
        ));
    }
    let mut buttons = Buttons::new(ctx, who, lang);
    let item = |code: &str, status: Msg| {
        i18n.with(
            lang,
            Msg::InboxItem,
            &[
                ("code", Arg::Str(code)),
                ("status", Arg::Str(&i18n.text(lang, status))),
            ],
        )
    };
    for (code, status) in &inbox.referrals {
        buttons.add_text(
            item(code, Msg::status(*status)),
            Act::OpenReferral(code.clone()),
        )?;
    }
    for (code, status) in &inbox.expert {
        buttons.add_text(
            item(code, super::expert::staff_status(*status)),
            Act::OpenExpert(code.clone()),
        )?;
    }
    if inbox.paused {
        buttons.add(Msg::BtnResume, Act::Resume)?;
    } else {
        buttons.add(Msg::BtnPause, Act::Pause)?;
    }
    Ok(Screen {
        text,
        keyboard: Some(buttons.keyboard()),
    })
}

/// `/my`: her requests of both kinds, each a button to its detail.
pub fn mine(ctx: &BotContext, who: i64, lang: Lang, mine: &Mine) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    if mine.help.is_empty() && mine.expert.is_empty() {
        return Ok(info(i18n, lang, i18n.text(lang, Msg::MyEmpty)));
    }
    let mut buttons = Buttons::new(ctx, who, lang);
    for request in &mine.help {
        buttons.add_text(
            list_item(ctx, lang, request),
            Act::OpenRequest(request.code.clone()),
        )?;
    }
    for (code, status) in &mine.expert {
        let label = i18n.with(
            lang,
            Msg::MyItem,
            &[
                ("code", Arg::Str(code)),
                (
                    "status",
                    Arg::Str(&i18n.text(lang, super::expert::her_status(status))),
                ),
            ],
        );
        buttons.add_text(label, Act::MyExpert(code.clone()))?;
    }
    let mut text = if mine.help.is_empty() {
        String::new()
    } else {
        i18n.with(
            lang,
            Msg::MyHeader,
            &[("count", Arg::Num(mine.help.len() as i64))],
        )
    };
    if !mine.expert.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&i18n.with(
            lang,
            Msg::MyExpertHeader,
            &[("count", Arg::Num(mine.expert.len() as i64))],
        ));
    }
    Ok(Screen {
        text,
        keyboard: Some(buttons.her_keyboard()),
    })
}
