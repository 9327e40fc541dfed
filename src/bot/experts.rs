//! Requests for trainers and experts after Send: offering them to every eligible
//! organization, staff's Offer (with a typed proposal) and Pass, the adviser's view of the
//! offers, Pick, Withdraw, and the background checks (no offer in time, dates passed). Every
//! change is written with its notices in one transaction and flushed before anyone is told;
//! every button re-checks who may do this to this request.

use teloxide::types::InlineKeyboardButton;

use super::actions::Act;
use super::callback::Callback;
use super::referrals::{Pressed, info, keyboard, protected, show};
use super::render::{self, Screen};
use super::render_request::contact_line;
use super::state::ExpertDraft;
use super::workflow::{
    admin_count, notices, reachable_staff, remember_language, staff_notice, token_button,
};
use super::{BotContext, BotError, PoruchDialogue, State, html, render_expert};
use crate::domain::expert::{
    Answer, ExpertRefusal, ExpertRequest, ExpertStatus, Picked, may_answer, may_offer,
};
use crate::domain::feedback::{Side, ask_on};
use crate::domain::request::MAX_DESCRIPTION;
use crate::domain::when::When;
use crate::domain::{ContactChoice, Lang};
use crate::i18n::{Arg, Msg};
use crate::storage::{ExpertChangeError, FeedbackAsk, StoreError};

/// The longest proposal accepted, in characters (as long as a help request's description).
pub const MAX_PROPOSAL: usize = MAX_DESCRIPTION;

fn summary(ctx: &BotContext, lang: Lang, request: &ExpertRequest) -> String {
    render_expert::summary(
        &ctx.i18n,
        lang,
        ctx.index.taxonomy(),
        &request.need,
        request.body.as_deref(),
    )
}

/// Send: stores the request offered to every eligible organization, with their notices, in
/// one transaction that also consumes the draft; only then is the code shown.
pub async fn submit(
    ctx: &BotContext,
    chat: i64,
    lang: Lang,
    draft: &ExpertDraft,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let already = || render::info(i18n, lang, i18n.text(lang, Msg::RequestAlreadySent));
    let (Some(need), Some(contact)) = (draft.need(), draft.contact.as_ref()) else {
        return Ok(already());
    };
    remember_language(ctx, chat, lang)?;
    let request = ExpertRequest {
        need,
        body: draft.body.clone(),
        contact: contact.into(),
        requester_chat: chat,
        created_at: ctx.now(),
    };
    let paused = ctx.store.paused_orgs()?;
    let today = ctx.today();
    let orgs: Vec<String> = ctx
        .index
        .organizations()
        .iter()
        .filter(|o| may_offer(o, &request.need, paused.contains(&o.id), today))
        .map(|o| o.id.clone())
        .collect();
    if orgs.is_empty() {
        let admins = admin_count(ctx, "expert_unplaced", Msg::AdminExpertUnplaced)?;
        ctx.store.enqueue(&admins, ctx.now() * 1000)?;
        ctx.store.remove_dialogue(chat)?;
        ctx.commit().await?;
        tracing::info!("an expert request found no eligible organization");
        return Ok(Screen {
            text: i18n.text(lang, Msg::ExpertNoOrg),
            keyboard: Some(render::menu_keyboard(i18n, lang)),
        });
    }
    let code = ctx.store.new_expert_code()?;
    let mut notify = Vec::new();
    for org in &orgs {
        for (staff, staff_lang) in reachable_staff(ctx, org)? {
            let text = i18n.with(
                staff_lang,
                Msg::StaffNewExpert,
                &[
                    ("code", Arg::Str(&code)),
                    ("summary", Arg::Str(&summary(ctx, staff_lang, &request))),
                ],
            );
            let mut buttons = Vec::new();
            for (label, act) in [
                (Msg::BtnOffer, Act::Offer(code.clone())),
                (Msg::BtnPass, Act::Pass(code.clone())),
            ] {
                buttons.extend(token_button(
                    ctx,
                    staff,
                    i18n.text(staff_lang, label),
                    &act,
                )?);
            }
            notify.extend(notices(staff, &text, buttons));
        }
    }
    match ctx.store.submit_expert(
        &code,
        &request,
        &orgs,
        &notify,
        ctx.now() * 1000,
        Some(chat),
    ) {
        Err(StoreError::Stale) => return Ok(already()),
        other => other?,
    }
    ctx.commit().await?;
    tracing::info!(
        organizations = orgs.len(),
        staff_notices = notify.len(),
        "an expert request was offered"
    );
    Ok(Screen {
        text: i18n.with(
            lang,
            Msg::ExpertSent,
            &[
                ("code", Arg::Str(&code)),
                ("orgs", Arg::Str(&i18n.organizations(lang, orgs.len()))),
            ],
        ),
        keyboard: Some(render::menu_keyboard(i18n, lang)),
    })
}

/// Resolves a pressed token for an expert request.
pub async fn press(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    act: Act,
) -> Result<Pressed, BotError> {
    let code = match &act {
        Act::OpenExpert(c)
        | Act::Offer(c)
        | Act::Pass(c)
        | Act::Reply(c)
        | Act::MyExpert(c)
        | Act::Pick(c, _)
        | Act::WithdrawExpert(c)
        | Act::WithdrawExpertConfirmed(c)
        | Act::Write(c) => c.clone(),
        _ => return Ok(Pressed::Refused("unknown")),
    };
    let Some((request, status)) = ctx.store.expert_request(&code)? else {
        return Ok(Pressed::Refused("gone"));
    };
    let target = Target {
        code: &code,
        request: &request,
        status: &status,
    };
    match act {
        Act::OpenExpert(_) | Act::Offer(_) | Act::Pass(_) | Act::Reply(_) => {
            staff_press(ctx, dialogue, user, lang, act, target).await
        }
        // A private chat's id is its user's id: only the adviser who asked may act.
        _ if request.requester_chat != user => Ok(Pressed::Refused("not-owner")),
        _ => requester_press(ctx, dialogue, user, lang, act, target).await,
    }
}

/// The request a button points at, as read when it was pressed.
#[derive(Clone, Copy)]
struct Target<'a> {
    code: &'a str,
    request: &'a ExpertRequest,
    status: &'a ExpertStatus,
}

async fn staff_press(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    act: Act,
    target: Target<'_>,
) -> Result<Pressed, BotError> {
    let Target { code, status, .. } = target;
    let Some(org) = ctx.store.staff_org(user)? else {
        return Ok(Pressed::Refused("not-staff"));
    };
    let answers = ctx.store.expert_answers(code)?;
    let earlier = answers.iter().find(|a| a.org == org).map(|a| &a.answer);
    let filled_by_us = matches!(status, ExpertStatus::Filled { org: o } if *o == org);
    let offered_to_us = ctx
        .store
        .expert_requests_for(&org)?
        .iter()
        .any(|c| c == code);
    if !(offered_to_us || earlier.is_some() || filled_by_us) {
        return Ok(Pressed::Refused("not-assigned"));
    }
    match act {
        Act::Offer(_) if may_answer(status, earlier).is_ok() => {
            dialogue
                .update(State::Proposing {
                    code: code.to_string(),
                })
                .await?;
            Ok(show(info(ctx, lang, Msg::OfferPrompt, code)))
        }
        Act::Pass(_) if may_answer(status, earlier).is_ok() => {
            match ctx
                .store
                .answer_expert(code, &org, &Answer::Pass, None, &[], ctx.now())?
            {
                Ok(()) => {
                    ctx.commit().await?;
                    tracing::info!("an organization passed on an expert request");
                    Ok(show(info(ctx, lang, Msg::Passed, code)))
                }
                Err(_) => Ok(show(info(ctx, lang, Msg::ExpertNotOpen, code))),
            }
        }
        Act::Reply(_) if filled_by_us => {
            dialogue
                .update(State::Replying {
                    code: code.to_string(),
                })
                .await?;
            Ok(show(info(ctx, lang, Msg::ReplyPrompt, code)))
        }
        Act::OpenExpert(_) => Ok(protected(staff_detail(
            ctx, user, lang, &org, target, earlier,
        )?)),
        _ => Ok(show(info(ctx, lang, Msg::ExpertNotOpen, code))),
    }
}

/// A request as an organization's staff see it, with what they can do now.
fn staff_detail(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    org: &str,
    target: Target<'_>,
    earlier: Option<&Answer>,
) -> Result<Screen, BotError> {
    let Target {
        code,
        request,
        status,
    } = target;
    let i18n = &ctx.i18n;
    let state = staff_status(status, org, earlier);
    let mut text = i18n.with(
        lang,
        Msg::ExpertDetail,
        &[
            ("code", Arg::Str(code)),
            ("status", Arg::Str(&i18n.text(lang, state))),
        ],
    );
    text.push('\n');
    text.push_str(&summary(ctx, lang, request));
    let mut buttons = Vec::new();
    let mut add = |msg: Msg, act: Act| -> Result<(), BotError> {
        buttons.push(token_button(ctx, user, i18n.text(lang, msg), &act)?);
        Ok(())
    };
    if may_answer(status, earlier).is_ok() {
        add(Msg::BtnOffer, Act::Offer(code.to_string()))?;
        add(Msg::BtnPass, Act::Pass(code.to_string()))?;
    }
    if matches!(status, ExpertStatus::Filled { org: o } if o == org) {
        text.push('\n');
        text.push_str(&contact_line(i18n, lang, &request.contact));
        add(Msg::BtnReply, Act::Reply(code.to_string()))?;
    }
    add(Msg::BtnInbox, Act::Inbox)?;
    Ok(Screen {
        text,
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}

/// The status of a request as one organization sees it.
pub fn staff_status(status: &ExpertStatus, org: &str, earlier: Option<&Answer>) -> Msg {
    match (status, earlier) {
        (ExpertStatus::Filled { org: o }, _) if o == org => Msg::EstatusFilled,
        (ExpertStatus::Open, None) => Msg::EstatusWaiting,
        (ExpertStatus::Open, Some(Answer::Offer)) => Msg::EstatusOffered,
        (ExpertStatus::Open, Some(Answer::Pass)) => Msg::EstatusPassed,
        (ExpertStatus::Withdrawn, _) => Msg::EstatusWithdrawn,
        _ => Msg::EstatusExpired,
    }
}

/// The proposal a staff member typed after Offer: stored with the adviser's notice.
pub async fn proposal(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    code: &str,
    text: &str,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    if let Some(refusal) = render::too_long(i18n, lang, Msg::OfferTooLong, text, MAX_PROPOSAL) {
        return Ok(render::info(i18n, lang, refusal));
    }
    dialogue.exit().await?;
    let Some(org) = ctx.store.staff_org(user)? else {
        return Ok(render::info(i18n, lang, i18n.text(lang, Msg::NotAllowed)));
    };
    // Still on this organization's list (open, offered to it)? Checked again at the store.
    if !ctx
        .store
        .expert_requests_for(&org)?
        .iter()
        .any(|c| c == code)
    {
        return Ok(info(ctx, lang, Msg::ExpertNotOpen, code));
    }
    let Some((request, _)) = ctx.store.expert_request(code)? else {
        return Ok(info(ctx, lang, Msg::ExpertNotOpen, code));
    };
    let her = request.requester_chat;
    let her_lang = ctx.lang_of_chat(her);
    let body = i18n.with(
        her_lang,
        Msg::NoticeOffer,
        &[
            ("code", Arg::Str(code)),
            (
                "org",
                Arg::Str(&html::escape(&ctx.org_name(&org, her_lang))),
            ),
            ("proposal", Arg::Str(&html::escape(text.trim()))),
        ],
    );
    let mut buttons: Vec<InlineKeyboardButton> = Vec::new();
    buttons.extend(token_button(
        ctx,
        her,
        i18n.text(her_lang, Msg::BtnPick),
        &Act::Pick(code.to_string(), org.clone()),
    )?);
    buttons.extend(render::button(
        i18n.text(her_lang, Msg::BtnAboutOrg),
        &Callback::Org(org.clone()),
    ));
    let notify = notices(her, &body, buttons);
    match ctx.store.answer_expert(
        code,
        &org,
        &Answer::Offer,
        Some(text.trim()),
        &notify,
        ctx.now(),
    )? {
        Ok(()) => {
            ctx.commit().await?;
            tracing::info!("an organization made an offer");
            Ok(info(ctx, lang, Msg::OfferSent, code))
        }
        Err(_) => Ok(info(ctx, lang, Msg::ExpertNotOpen, code)),
    }
}

async fn requester_press(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    user: i64,
    lang: Lang,
    act: Act,
    target: Target<'_>,
) -> Result<Pressed, BotError> {
    let Target {
        code,
        request,
        status,
    } = target;
    let i18n = &ctx.i18n;
    match act {
        Act::Pick(_, org) => pick(ctx, user, lang, code, &org, request).await,
        Act::WithdrawExpert(_) if *status == ExpertStatus::Open => {
            let yes = token_button(
                ctx,
                user,
                i18n.text(lang, Msg::BtnWithdrawYes),
                &Act::WithdrawExpertConfirmed(code.to_string()),
            )?;
            Ok(show(Screen {
                text: i18n.with(
                    lang,
                    Msg::WithdrawExpertConfirm,
                    &[("code", Arg::Str(code))],
                ),
                keyboard: Some(keyboard(ctx, lang, vec![yes])),
            }))
        }
        Act::WithdrawExpertConfirmed(_) => {
            let mut notify = Vec::new();
            for answer in ctx.store.expert_answers(code)? {
                if answer.answer == Answer::Offer {
                    notify.extend(staff_notice(
                        ctx,
                        &answer.org,
                        Msg::NoticeExpertWithdrawn,
                        code,
                    )?);
                }
            }
            match ctx
                .store
                .close_expert(code, &ExpertStatus::Withdrawn, &notify, ctx.now())?
            {
                Ok(()) => {
                    ctx.commit().await?;
                    tracing::info!("an expert request was withdrawn");
                    Ok(show(info(ctx, lang, Msg::ExpertWithdrawnDone, code)))
                }
                Err(_) => Ok(protected(my_detail(ctx, user, lang, code)?)),
            }
        }
        Act::Write(_) => match status {
            ExpertStatus::Filled { org } => {
                dialogue
                    .update(State::Writing {
                        code: code.to_string(),
                    })
                    .await?;
                let text = i18n.with(
                    lang,
                    Msg::WritePrompt,
                    &[
                        ("org", Arg::Str(&html::escape(&ctx.org_name(org, lang)))),
                        ("code", Arg::Str(code)),
                    ],
                );
                Ok(show(render::info(i18n, lang, text)))
            }
            _ => Ok(protected(my_detail(ctx, user, lang, code)?)),
        },
        _ => Ok(protected(my_detail(ctx, user, lang, code)?)),
    }
}

/// 09:00 UTC of a day, in milliseconds.
fn morning_ms(day: chrono::NaiveDate) -> i64 {
    day.and_hms_opt(9, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(i64::MAX)
}

/// The adviser picks an offer: the chosen organization gets her contact as she shared it,
/// the others that offered are thanked; both sides will be asked afterwards. A second press
/// changes nothing and sends nothing.
async fn pick(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    code: &str,
    org: &str,
    request: &ExpertRequest,
) -> Result<Pressed, BotError> {
    let i18n = &ctx.i18n;
    let mut notify = Vec::new();
    for (staff, staff_lang) in reachable_staff(ctx, org)? {
        let mut contact = contact_line(i18n, staff_lang, &request.contact);
        let mut buttons = Vec::new();
        if request.contact == ContactChoice::ThroughBot {
            contact.push('\n');
            contact.push_str(&i18n.text(staff_lang, Msg::NoticePickedBot));
            buttons.extend(token_button(
                ctx,
                staff,
                i18n.text(staff_lang, Msg::BtnReply),
                &Act::Reply(code.to_string()),
            )?);
        }
        let text = i18n.with(
            staff_lang,
            Msg::NoticePicked,
            &[
                ("code", Arg::Str(code)),
                ("summary", Arg::Str(&summary(ctx, staff_lang, request))),
                ("contact", Arg::Str(&contact)),
            ],
        );
        notify.extend(notices(staff, &text, buttons));
    }
    for answer in ctx.store.expert_answers(code)? {
        if answer.answer == Answer::Offer && answer.org != org {
            notify.extend(staff_notice(
                ctx,
                &answer.org,
                Msg::NoticeFilledOther,
                code,
            )?);
        }
    }
    let due = morning_ms(ask_on(&request.need.when, ctx.today()));
    let asks = [
        FeedbackAsk {
            code: code.to_string(),
            side: Side::Requester,
            org: org.to_string(),
            chat: Some(request.requester_chat),
            due_ms: due,
            asked: 0,
        },
        FeedbackAsk {
            code: code.to_string(),
            side: Side::Organization,
            org: org.to_string(),
            chat: None,
            due_ms: due,
            asked: 0,
        },
    ];
    let result = ctx
        .store
        .pick_expert_offer(code, org, &notify, &asks, ctx.now() * 1000)?;
    match result {
        Ok(picked) => {
            if picked == Picked::Filled {
                ctx.commit().await?;
                tracing::info!("an offer was picked");
            }
            let text = i18n.with(
                lang,
                Msg::PickedDone,
                &[
                    ("org", Arg::Str(&html::escape(&ctx.org_name(org, lang)))),
                    ("code", Arg::Str(code)),
                    (
                        "contact",
                        Arg::Str(&contact_line(i18n, lang, &request.contact)),
                    ),
                ],
            );
            let mut buttons = Vec::new();
            if request.contact == ContactChoice::ThroughBot {
                buttons.push(token_button(
                    ctx,
                    user,
                    i18n.text(lang, Msg::BtnWrite),
                    &Act::Write(code.to_string()),
                )?);
            }
            Ok(show(Screen {
                text,
                keyboard: Some(keyboard(ctx, lang, buttons)),
            }))
        }
        Err(ExpertChangeError::Refused(ExpertRefusal::OtherPicked)) => {
            Ok(show(info(ctx, lang, Msg::PickTaken, code)))
        }
        Err(_) => Ok(protected(my_detail(ctx, user, lang, code)?)),
    }
}

/// The adviser's view of one request: what she asked, its status, every offer with Pick (while
/// open) and the organization's card, and what she can do now.
pub fn my_detail(ctx: &BotContext, user: i64, lang: Lang, code: &str) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let Some((request, status)) = ctx.store.expert_request(code)? else {
        return Ok(render::info(i18n, lang, i18n.text(lang, Msg::NotAllowed)));
    };
    let offers: Vec<_> = ctx
        .store
        .expert_answers(code)?
        .into_iter()
        .filter(|a| a.answer == Answer::Offer)
        .collect();
    let mut text = i18n.with(
        lang,
        Msg::MyExpertDetail,
        &[
            ("code", Arg::Str(code)),
            ("status", Arg::Str(&i18n.text(lang, her_status(&status)))),
            ("summary", Arg::Str(&summary(ctx, lang, &request))),
            ("count", Arg::Num(offers.len() as i64)),
        ],
    );
    let mut buttons = Vec::new();
    for offer in &offers {
        let name = ctx.org_name(&offer.org, lang);
        text.push_str("\n\n");
        text.push_str(&i18n.with(
            lang,
            Msg::OfferLine,
            &[
                ("org", Arg::Str(&html::escape(&name))),
                (
                    "proposal",
                    Arg::Str(&html::escape(offer.proposal.as_deref().unwrap_or_default())),
                ),
            ],
        ));
        if status == ExpertStatus::Open {
            let label = format!(
                "{} · {}",
                i18n.text(lang, Msg::BtnPick),
                html::truncate(&name, 40)
            );
            buttons.push(token_button(
                ctx,
                user,
                label,
                &Act::Pick(code.to_string(), offer.org.clone()),
            )?);
        }
        buttons.push(render::button(
            format!(
                "{} · {}",
                i18n.text(lang, Msg::BtnAboutOrg),
                html::truncate(&name, 40)
            ),
            &Callback::Org(offer.org.clone()),
        ));
    }
    match &status {
        ExpertStatus::Open => buttons.push(token_button(
            ctx,
            user,
            i18n.text(lang, Msg::BtnWithdraw),
            &Act::WithdrawExpert(code.to_string()),
        )?),
        ExpertStatus::Filled { .. } => buttons.push(token_button(
            ctx,
            user,
            i18n.text(lang, Msg::BtnWrite),
            &Act::Write(code.to_string()),
        )?),
        _ => {}
    }
    Ok(Screen {
        text,
        keyboard: Some(keyboard(ctx, lang, buttons)),
    })
}

fn her_status(status: &ExpertStatus) -> Msg {
    match status {
        ExpertStatus::Open => Msg::EstatusOpen,
        ExpertStatus::Filled { .. } => Msg::EstatusFilled,
        ExpertStatus::Withdrawn => Msg::EstatusWithdrawn,
        ExpertStatus::Expired => Msg::EstatusExpired,
    }
}

/// Her expert requests as buttons for `/my`, newest state shown in each label.
pub fn my_buttons(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
) -> Result<Vec<Option<InlineKeyboardButton>>, BotError> {
    let mut buttons = Vec::new();
    for code in ctx.store.expert_requests_of(user)? {
        let Some((_, status)) = ctx.store.expert_request(&code)? else {
            continue;
        };
        let label = ctx.i18n.with(
            lang,
            Msg::MyItem,
            &[
                ("code", Arg::Str(&code)),
                (
                    "status",
                    Arg::Str(&ctx.i18n.text(lang, her_status(&status))),
                ),
            ],
        );
        buttons.push(token_button(
            ctx,
            user,
            label,
            &Act::MyExpert(code.clone()),
        )?);
    }
    Ok(buttons)
}

/// The organization's open expert requests as buttons for `/inbox`.
pub fn inbox_buttons(
    ctx: &BotContext,
    user: i64,
    lang: Lang,
    org: &str,
) -> Result<Vec<Option<InlineKeyboardButton>>, BotError> {
    let mut buttons = Vec::new();
    for code in ctx.store.expert_requests_for(org)?.iter().take(40) {
        let Some((_, status)) = ctx.store.expert_request(code)? else {
            continue;
        };
        let answers = ctx.store.expert_answers(code)?;
        let earlier = answers.iter().find(|a| a.org == org).map(|a| &a.answer);
        let label = ctx.i18n.with(
            lang,
            Msg::InboxItem,
            &[
                ("code", Arg::Str(code)),
                (
                    "status",
                    Arg::Str(&ctx.i18n.text(lang, staff_status(&status, org, earlier))),
                ),
            ],
        );
        buttons.push(token_button(
            ctx,
            user,
            label,
            &Act::OpenExpert(code.clone()),
        )?);
    }
    Ok(buttons)
}

/// What the background check did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Requests whose adviser was told no offer came in time.
    pub reported: usize,
    /// Requests closed because their dates passed.
    pub expired: usize,
}

/// Open requests with no offer after the configured days are reported (once) to the adviser,
/// with suggestions, and to coordinators as a count; open requests whose dates passed close.
pub async fn check_open_requests(ctx: &BotContext) -> Result<Checked, BotError> {
    let mut checked = Checked::default();
    let now = ctx.now();
    let today = ctx.today();
    for code in ctx.store.open_expert_codes()? {
        let Some((request, ExpertStatus::Open)) = ctx.store.expert_request(&code)? else {
            continue;
        };
        let her = request.requester_chat;
        let her_lang = ctx.lang_of_chat(her);
        if let When::Between(_, end) = request.need.when
            && end < today
        {
            let text = ctx.i18n.with(
                her_lang,
                Msg::NoticeExpertExpired,
                &[("code", Arg::Str(&code))],
            );
            let notify = notices(her, &text, Vec::new());
            if ctx
                .store
                .close_expert(&code, &ExpertStatus::Expired, &notify, now)?
                .is_ok()
            {
                checked.expired += 1;
            }
            continue;
        }
        let waited = now - request.created_at >= i64::from(ctx.offer_days) * 24 * 3600;
        if !waited || ctx.store.expert_reported(&code)? {
            continue;
        }
        let offered = ctx
            .store
            .expert_answers(&code)?
            .iter()
            .any(|a| a.answer == Answer::Offer);
        if offered {
            continue;
        }
        let days = ctx.i18n.with(
            her_lang,
            Msg::Days,
            &[("count", Arg::Num(ctx.offer_days.into()))],
        );
        let text = ctx.i18n.with(
            her_lang,
            Msg::NoticeNoOffers,
            &[("code", Arg::Str(&code)), ("days", Arg::Str(&days))],
        );
        let suggestions = [
            render::button(ctx.i18n.text(her_lang, Msg::BtnFind), &Callback::Find),
            render::button(
                ctx.i18n.text(her_lang, Msg::BtnMaterials),
                &Callback::Materials,
            ),
        ];
        let mut notify = notices(her, &text, suggestions.into_iter().flatten().collect());
        notify.extend(admin_count(ctx, "expert_no_offer", Msg::AdminNoOffers)?);
        ctx.store.report_expert(&code, &notify, now * 1000)?;
        checked.reported += 1;
    }
    if checked != Checked::default() {
        ctx.commit().await?;
        tracing::info!(
            reported = checked.reported,
            expired = checked.expired,
            "expert requests checked"
        );
    }
    Ok(checked)
}
