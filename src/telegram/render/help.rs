//! The screens of help requests: the requester's dialogue, one screen per step, and the
//! consent screen that shows exactly what the organization will see; what Send gave her; a
//! referral as its organization's staff see it, with their decisions; and her request as she
//! sees it.

use super::{
    Buttons, Screen, about, button, cancel_row, footer, format_time, info, region_rows, rows,
    stored_region_name, topic_name,
};
use crate::app::act::Act;
use crate::app::help::{OwnRequest, ReferralView, Submitted};
use crate::domain::{
    ContactChoice, DeclineReason, HelpKind, Hotline, Lang, Organization, Outcome, Referral,
    ReferralStatus, RegionScope, Taxonomy,
};
use crate::i18n::{Arg, I18n, Msg};
use crate::storage::StoreError;
use crate::telegram::callback::{Callback, DraftInput};
use crate::telegram::context::BotContext;
use crate::telegram::dialogue::state::Draft;
use crate::telegram::html::{escape, truncate};

/// Step 1: the topic — the organization's topics if she picked one.
pub fn topic(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, org: Option<&Organization>) -> Screen {
    let mut grid: Vec<_> = taxonomy
        .topics
        .iter()
        .filter(|t| org.is_none_or(|o| o.has_topic(&t.code)))
        .map(|t| {
            vec![button(
                t.name.get(lang).to_string(),
                &Callback::Draft(DraftInput::Topic(t.code.clone())),
            )]
        })
        .collect();
    grid.push(cancel_row(i18n, lang));
    let text = match org {
        Some(o) => i18n.with(
            lang,
            Msg::AskOrgIntro,
            &[("org", Arg::Str(&escape(o.name.get(lang))))],
        ),
        None => i18n.text(lang, Msg::AskIntro),
    };
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

/// Step 2: the region — "rather not say" (nationwide organizations only) or a region the
/// picked organization serves.
pub fn region(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, org: Option<&Organization>) -> Screen {
    let pick = |code: &str| Callback::Draft(DraftInput::Region(code.to_string()));
    let mut grid = Vec::new();
    if org.is_none_or(|o| o.regions.is_national()) {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnRegionUnsaid),
            &pick("national"),
        )]);
    }
    let served = taxonomy.regions.iter().filter(|r| {
        org.is_none_or(|o| match &o.regions {
            RegionScope::National => true,
            RegionScope::Regions(codes) => codes.contains(&r.code),
        })
    });
    grid.extend(region_rows(lang, served, pick));
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: i18n.text(lang, Msg::AskRegion),
        keyboard: Some(rows(grid)),
    }
}

/// Step 3: the kind of help — what the picked organization offers.
pub fn kind(i18n: &I18n, lang: Lang, org: Option<&Organization>) -> Screen {
    let mut grid: Vec<_> = HelpKind::ALL
        .into_iter()
        .filter(|k| org.is_none_or(|o| k.offered_by(o)))
        .map(|k| {
            vec![button(
                i18n.text(lang, Msg::kind(k)),
                &Callback::Draft(DraftInput::Kind(k.code().to_string())),
            )]
        })
        .collect();
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: i18n.text(lang, Msg::AskKind),
        keyboard: Some(rows(grid)),
    }
}

/// Step 4: the optional description.
pub fn description(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::AskDescription),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnSkip),
                &Callback::Draft(DraftInput::SkipDescription),
            )],
            cancel_row(i18n, lang),
        ])),
    }
}

fn contact_buttons(i18n: &I18n, lang: Lang, share: bool) -> Screen {
    let mut grid = vec![vec![button(
        i18n.text(lang, Msg::BtnContactBot),
        &Callback::Draft(DraftInput::ContactThroughBot),
    )]];
    if share {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnContactShare),
            &Callback::Draft(DraftInput::ContactShare),
        )]);
    }
    grid.push(cancel_row(i18n, lang));
    Screen {
        text: String::new(),
        keyboard: Some(rows(grid)),
    }
}

/// Step 5: how to be contacted. Through the bot, anonymously, comes first.
pub fn contact(i18n: &I18n, lang: Lang) -> Screen {
    Screen {
        text: i18n.text(lang, Msg::AskContact),
        ..contact_buttons(i18n, lang, true)
    }
}

/// She chose to give a contact: type it (or go back to anonymous).
pub fn contact_typing(i18n: &I18n, lang: Lang, msg: Msg) -> Screen {
    Screen {
        text: i18n.text(lang, msg),
        ..contact_buttons(i18n, lang, false)
    }
}

/// Exactly what the organization will see, line by line.
pub fn summary(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    draft: &Draft,
    org: Option<&Organization>,
) -> String {
    let mut lines = Vec::new();
    if let Some(o) = org {
        lines.push(i18n.with(
            lang,
            Msg::SummaryOrg,
            &[("org", Arg::Str(&escape(o.name.get(lang))))],
        ));
    }
    if let Some(topic) = draft.topic.as_deref() {
        let name = topic_name(taxonomy, lang, topic);
        lines.push(i18n.with(
            lang,
            Msg::SummaryTopic,
            &[("topic", Arg::Str(&escape(&name)))],
        ));
    }
    let region = stored_region_name(
        i18n,
        lang,
        taxonomy,
        draft.region.as_deref().unwrap_or("national"),
    );
    lines.push(i18n.with(
        lang,
        Msg::SummaryRegion,
        &[("region", Arg::Str(&escape(&region)))],
    ));
    if let Some(k) = draft.kind {
        lines.push(i18n.with(
            lang,
            Msg::SummaryKind,
            &[("kind", Arg::Str(&i18n.text(lang, Msg::kind(k))))],
        ));
    }
    lines.push(description_line(i18n, lang, draft.description.as_deref()));
    let contact = draft
        .contact
        .as_ref()
        .map(ContactChoice::from)
        .unwrap_or_default();
    lines.push(contact_line(i18n, lang, &contact));
    lines.join("\n")
}

/// The description as the organization sees it (or that there is none).
pub fn description_line(i18n: &I18n, lang: Lang, description: Option<&str>) -> String {
    match description {
        Some(text) => i18n.with(
            lang,
            Msg::SummaryDescription,
            &[("text", Arg::Str(&escape(text)))],
        ),
        None => i18n.text(lang, Msg::SummaryNoDescription),
    }
}

/// How the requester may be reached, as the organization sees it.
pub fn contact_line(i18n: &I18n, lang: Lang, contact: &ContactChoice) -> String {
    match contact {
        ContactChoice::ThroughBot => i18n.text(lang, Msg::SummaryContactBot),
        ContactChoice::Phone(p) => i18n.with(
            lang,
            Msg::SummaryContactPhone,
            &[("value", Arg::Str(&escape(p)))],
        ),
        ContactChoice::Telegram(t) => i18n.with(
            lang,
            Msg::SummaryContactTelegram,
            &[("value", Arg::Str(&escape(t)))],
        ),
    }
}

/// The consent screen: what will be shared, that nothing goes to her command, and Send.
pub fn consent(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    draft: &Draft,
    org: Option<&Organization>,
    retention_days: u32,
) -> Screen {
    let summary = summary(i18n, lang, taxonomy, draft, org);
    let days = i18n.with(
        lang,
        Msg::Days,
        &[("count", Arg::Num(retention_days.into()))],
    );
    Screen {
        text: i18n.with(
            lang,
            Msg::Consent,
            &[("summary", Arg::Str(&summary)), ("days", Arg::Str(&days))],
        ),
        keyboard: Some(rows(vec![
            vec![button(
                i18n.text(lang, Msg::BtnSend),
                &Callback::Draft(DraftInput::Send),
            )],
            cancel_row(i18n, lang),
            footer(i18n, lang),
        ])),
    }
}

/// What Send gave her: the code and where it went, or what else she can do.
pub fn submitted(
    i18n: &I18n,
    lang: Lang,
    outcome: &Submitted,
    org_name: &str,
    hotlines: &[Hotline],
) -> Screen {
    match outcome {
        Submitted::Sent { code, hours, .. } => {
            let hours = i18n.with(lang, Msg::Hours, &[("count", Arg::Num((*hours).into()))]);
            let text = i18n.with(
                lang,
                Msg::RequestSent,
                &[
                    ("code", Arg::Str(code)),
                    ("org", Arg::Str(&escape(org_name))),
                    ("hours", Arg::Str(&hours)),
                ],
            );
            Screen {
                text,
                keyboard: Some(super::menu_keyboard(i18n, lang)),
            }
        }
        Submitted::NoOrganization => {
            let hotlines = super::hotlines(i18n, lang, hotlines);
            Screen {
                text: format!(
                    "{}\n\n{}",
                    i18n.text(lang, Msg::RequestNoOrg),
                    hotlines.text
                ),
                keyboard: hotlines.keyboard,
            }
        }
        Submitted::AlreadySent => info(i18n, lang, i18n.text(lang, Msg::RequestAlreadySent)),
        Submitted::Invalid => info(i18n, lang, i18n.text(lang, Msg::ErrorGeneric)),
    }
}

/// A referral as its organization's staff see it: the request's details and contact choice,
/// never who sent it; with the buttons its status allows.
pub fn referral_detail(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    view: &ReferralView,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let directory = ctx.app.directory();
    let taxonomy = directory.taxonomy();
    let topic = topic_name(taxonomy, lang, &view.topic);
    let region = stored_region_name(i18n, lang, taxonomy, &view.region);
    let text = i18n.with(
        lang,
        Msg::ReferralDetail,
        &[
            ("code", Arg::Str(&view.code)),
            (
                "status",
                Arg::Str(&i18n.text(lang, Msg::status(view.status))),
            ),
            ("topic", Arg::Str(&escape(&topic))),
            ("region", Arg::Str(&escape(&region))),
            ("kind", Arg::Str(&i18n.text(lang, Msg::kind(view.kind)))),
            ("received", Arg::Str(&format_time(view.received))),
            (
                "description",
                Arg::Str(&description_line(i18n, lang, view.description.as_deref())),
            ),
            (
                "contact",
                Arg::Str(&contact_line(i18n, lang, &view.contact)),
            ),
        ],
    );
    let code = view.code.clone();
    let mut buttons = Buttons::new(ctx, who, lang);
    match view.status {
        ReferralStatus::Pending => {
            buttons.add(Msg::BtnAccept, Act::Accept(code.clone()))?;
            buttons.add(Msg::BtnDecline, Act::Decline(code.clone()))?;
        }
        ReferralStatus::Accepted => {
            buttons.add(Msg::BtnReply, Act::Reply(code.clone()))?;
            buttons.add(Msg::BtnClose, Act::Close(code.clone()))?;
        }
        _ => {}
    }
    buttons.add(Msg::BtnInbox, Act::Inbox)?;
    Ok(Screen {
        text,
        keyboard: Some(buttons.keyboard()),
    })
}

/// "It changed meanwhile", over the referral as it is now (or alone, if it is no longer the
/// organization's).
pub fn changed_meanwhile(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    now: Option<&ReferralView>,
) -> Result<Screen, StoreError> {
    let note = ctx.i18n.text(lang, Msg::ChangedMeanwhile);
    Ok(match now {
        Some(view) => {
            let detail = referral_detail(ctx, who, lang, view)?;
            Screen {
                text: format!("{note}\n\n{}", detail.text),
                keyboard: detail.keyboard,
            }
        }
        None => info(&ctx.i18n, lang, note),
    })
}

/// A question about a referral with one button per answer: why it is declined, how it ended.
fn choice(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    question: Msg,
    code: &str,
    choices: impl IntoIterator<Item = (Msg, Act)>,
) -> Result<Screen, StoreError> {
    let mut buttons = Buttons::new(ctx, who, lang);
    for (label, act) in choices {
        buttons.add(label, act)?;
    }
    Ok(Screen {
        text: ctx.i18n.with(lang, question, &[("code", Arg::Str(code))]),
        keyboard: Some(buttons.keyboard()),
    })
}

pub fn decline_reasons(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
) -> Result<Screen, StoreError> {
    let choices =
        DeclineReason::ALL.map(|r| (Msg::reason(r), Act::DeclineWith(code.to_string(), r)));
    choice(ctx, who, lang, Msg::DeclineAsk, code, choices)
}

pub fn outcomes(ctx: &BotContext, who: i64, lang: Lang, code: &str) -> Result<Screen, StoreError> {
    let choices = Outcome::ALL.map(|o| (Msg::outcome(o), Act::CloseWith(code.to_string(), o)));
    choice(ctx, who, lang, Msg::CloseAsk, code, choices)
}

/// Accepted (or accepted already, by a colleague): what now, with Reply.
pub fn accepted(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
    already: bool,
) -> Result<Screen, StoreError> {
    let msg = if already {
        Msg::StaffAlreadyAccepted
    } else {
        Msg::StaffAccepted
    };
    let mut buttons = Buttons::new(ctx, who, lang);
    buttons.add(Msg::BtnReply, Act::Reply(code.to_string()))?;
    Ok(Screen {
        text: ctx.i18n.with(lang, msg, &[("code", Arg::Str(code))]),
        keyboard: Some(buttons.keyboard()),
    })
}

pub fn closed(i18n: &I18n, lang: Lang, code: &str, outcome: Outcome) -> Screen {
    let text = i18n.with(
        lang,
        Msg::StaffClosed,
        &[
            ("code", Arg::Str(code)),
            ("outcome", Arg::Str(&i18n.text(lang, Msg::outcome(outcome)))),
        ],
    );
    info(i18n, lang, text)
}

pub fn declined(i18n: &I18n, lang: Lang, code: &str) -> Screen {
    about(i18n, lang, Msg::StaffDeclined, code)
}

/// Her request's status as she sees it: the organization's name, never a staff member.
/// `for_html` escapes the name for a message; button labels are plain text.
pub fn her_status(
    ctx: &BotContext,
    lang: Lang,
    latest: Option<&Referral>,
    for_html: bool,
) -> String {
    let i18n = &ctx.i18n;
    let Some(referral) = latest else {
        return i18n.text(lang, Msg::RstatusUnplaced);
    };
    let name = ctx.org_name(&referral.org, lang);
    let org = if for_html { escape(&name) } else { name };
    let with_org = |msg| i18n.with(lang, msg, &[("org", Arg::Str(&org))]);
    match referral.status {
        ReferralStatus::Pending => with_org(Msg::RstatusPending),
        ReferralStatus::Accepted => with_org(Msg::RstatusAccepted),
        ReferralStatus::Closed(_) => with_org(Msg::RstatusClosed),
        ReferralStatus::Withdrawn => i18n.text(lang, Msg::RstatusWithdrawn),
        ReferralStatus::Declined | ReferralStatus::Expired => i18n.text(lang, Msg::RstatusUnplaced),
    }
}

/// One of her requests, with what she can do now.
pub fn request_detail(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    request: &OwnRequest,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let text = i18n.with(
        lang,
        Msg::MyDetail,
        &[
            ("code", Arg::Str(&request.code)),
            ("date", Arg::Str(&format_time(request.created_at))),
            (
                "status",
                Arg::Str(&her_status(ctx, lang, request.latest.as_ref(), true)),
            ),
        ],
    );
    let code = request.code.clone();
    let mut buttons = Buttons::new(ctx, who, lang);
    match request.status() {
        Some(ReferralStatus::Accepted) => {
            buttons.add(Msg::BtnWrite, Act::Write(code.clone()))?;
            buttons.add(Msg::BtnFinish, Act::Finish(code.clone()))?;
            buttons.add(Msg::BtnWithdraw, Act::Withdraw(code.clone()))?;
        }
        Some(ReferralStatus::Pending) => {
            buttons.add(Msg::BtnWithdraw, Act::Withdraw(code.clone()))?
        }
        _ => {}
    }
    Ok(Screen {
        text,
        keyboard: Some(buttons.keyboard()),
    })
}

/// Her list entry for one request: "R-7K3Q · with Rivnist" (plain text, for a button).
pub fn list_item(ctx: &BotContext, lang: Lang, request: &OwnRequest) -> String {
    let status = her_status(ctx, lang, request.latest.as_ref(), false);
    let label = ctx.i18n.with(
        lang,
        Msg::MyItem,
        &[
            ("code", Arg::Str(&request.code)),
            ("status", Arg::Str(&status)),
        ],
    );
    truncate(&label, 60)
}

/// "Withdraw R-7K3Q?" with the one button that does it.
pub fn withdraw_confirm(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    msg: Msg,
    confirmed: Act,
    code: &str,
) -> Result<Screen, StoreError> {
    let mut buttons = Buttons::new(ctx, who, lang);
    buttons.add(Msg::BtnWithdrawYes, confirmed)?;
    Ok(Screen {
        text: ctx.i18n.with(lang, msg, &[("code", Arg::Str(code))]),
        keyboard: Some(buttons.keyboard()),
    })
}

/// What to type to write to the organization (she was warned about file metadata).
pub fn write_prompt(ctx: &BotContext, lang: Lang, code: &str, org: &str) -> Screen {
    let text = ctx.i18n.with(
        lang,
        Msg::WritePrompt,
        &[
            ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
            ("code", Arg::Str(code)),
        ],
    );
    info(&ctx.i18n, lang, text)
}
