//! The screens of help requests: the requester's dialogue, one screen per step, and the
//! consent screen that shows exactly what the organization will see; what Send gave her; a
//! referral as its organization's staff see it, with their decisions; and her request as she
//! sees it.

use super::{
    Buttons, Row, Screen, about, button, format_time, info, region_rows, rows, step_rows,
    stored_region_name, topic_name,
};
use crate::app::act::Act;
use crate::app::help::{OwnRequest, ReferralView, Submitted};
use crate::domain::request::NOT_SURE;
use crate::domain::{
    ContactChoice, DeclineReason, HelpKind, Hotline, Lang, OnDecline, Organization, Outcome,
    ReferralStatus, RegionScope, Taxonomy,
};
use crate::i18n::{Arg, I18n, Msg};
use crate::storage::StoreError;
use crate::telegram::callback::{Callback, DraftInput};
use crate::telegram::context::BotContext;
use crate::telegram::dialogue::state::Draft;
use crate::telegram::html::{escape, truncate};

/// The name of a request's topic ("not sure / other" included).
pub fn request_topic_name(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, code: &str) -> String {
    if code == NOT_SURE {
        i18n.text(lang, Msg::TopicNotSure)
    } else {
        topic_name(taxonomy, lang, code)
    }
}

fn screen(text: String, mut grid: Vec<Row>, back: bool, i18n: &I18n, lang: Lang) -> Screen {
    grid.extend(step_rows(i18n, lang, back));
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

/// Step 1: the topic — the topics a person asks help for (those of the organization she
/// picked, if any), with short labels, and "not sure / other".
pub fn topic(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, org: Option<&Organization>) -> Screen {
    let pick = |code: &str| Callback::Draft(DraftInput::Topic(code.to_string()));
    let mut grid: Vec<Row> = taxonomy
        .topics
        .iter()
        .filter(|t| t.help && org.is_none_or(|o| o.has_topic(&t.code)))
        .map(|t| vec![button(t.short.get(lang).to_string(), &pick(&t.code))])
        .collect();
    if org.is_none_or(gives_direct_help) {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnNotSure),
            &pick(NOT_SURE),
        )]);
    }
    let text = match org {
        Some(o) => i18n.with(
            lang,
            Msg::AskOrgIntro,
            &[("org", Arg::Str(&escape(o.name.get(lang))))],
        ),
        None => i18n.text(lang, Msg::AskIntro),
    };
    screen(text, grid, false, i18n, lang)
}

fn gives_direct_help(org: &Organization) -> bool {
    org.services.iter().any(|s| s.is_direct_help())
}

/// The topics step 1 offers for an organization (none: it cannot be asked for help).
pub fn offers_help(taxonomy: &Taxonomy, org: &Organization) -> bool {
    gives_direct_help(org)
        || taxonomy
            .topics
            .iter()
            .any(|t| t.help && org.has_topic(&t.code))
}

/// "All of Ukraine / rather not say", if the organization she picked (if any) works
/// nationwide.
fn nationwide_row(i18n: &I18n, lang: Lang, org: Option<&Organization>) -> Option<Row> {
    org.is_none_or(|o| o.regions.is_national()).then(|| {
        vec![button(
            i18n.text(lang, Msg::BtnRegionUnsaid),
            &Callback::Draft(DraftInput::Region("national".to_string())),
        )]
    })
}

/// Step 2: type a city or region; "all of Ukraine / rather not say"; or the list.
pub fn region(i18n: &I18n, lang: Lang, org: Option<&Organization>) -> Screen {
    let mut grid: Vec<Row> = nationwide_row(i18n, lang, org).into_iter().collect();
    grid.push(vec![button(
        i18n.text(lang, Msg::BtnRegionList),
        &Callback::Draft(DraftInput::RegionList),
    )]);
    screen(i18n.text(lang, Msg::AskRegion), grid, true, i18n, lang)
}

/// Step 2, the list: the regions the picked organization (if any) serves.
pub fn region_list(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    org: Option<&Organization>,
) -> Screen {
    let pick = |code: &str| Callback::Draft(DraftInput::Region(code.to_string()));
    let mut grid: Vec<Row> = nationwide_row(i18n, lang, org).into_iter().collect();
    let served = taxonomy.regions.iter().filter(|r| {
        org.is_none_or(|o| match &o.regions {
            RegionScope::National => true,
            RegionScope::Regions(codes) => codes.contains(&r.code),
        })
    });
    grid.extend(region_rows(lang, served, pick));
    screen(i18n.text(lang, Msg::AskRegionList), grid, true, i18n, lang)
}

/// Step 3: the kind of help — what the picked organization offers.
pub fn kind(i18n: &I18n, lang: Lang, org: Option<&Organization>) -> Screen {
    let grid: Vec<Row> = HelpKind::ALL
        .into_iter()
        .filter(|k| org.is_none_or(|o| k.offered_by(o)))
        .map(|k| {
            vec![button(
                i18n.text(lang, Msg::kind(k)),
                &Callback::Draft(DraftInput::Kind(k.code().to_string())),
            )]
        })
        .collect();
    screen(i18n.text(lang, Msg::AskKind), grid, true, i18n, lang)
}

/// Nobody can take it now — said before she writes anything, with what she can do instead:
/// all of Ukraine (if that would work), another kind of help, another organization (if she
/// addressed one), the urgent lines.
pub fn no_org(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    draft: &Draft,
    org: Option<&Organization>,
    nationwide_would: bool,
    at_send: bool,
) -> Screen {
    let mut grid = Vec::new();
    let text = match org {
        None if at_send => i18n.text(lang, Msg::RequestNoOrg),
        Some(o) => {
            grid.push(vec![button(
                i18n.text(lang, Msg::BtnAnyOrg),
                &Callback::Draft(DraftInput::AnyOrg),
            )]);
            i18n.with(
                lang,
                Msg::NoOrgChosen,
                &[("org", Arg::Str(&escape(o.name.get(lang))))],
            )
        }
        None => {
            let topic = request_topic_name(
                i18n,
                lang,
                taxonomy,
                draft.topic.as_deref().unwrap_or_default(),
            );
            let region = stored_region_name(
                i18n,
                lang,
                taxonomy,
                draft.region.as_deref().unwrap_or("national"),
            );
            let kind = draft.kind.map(|k| i18n.text(lang, Msg::kind(k)));
            i18n.with(
                lang,
                Msg::NoOrgForKind,
                &[
                    ("topic", Arg::Str(&escape(&topic))),
                    ("region", Arg::Str(&escape(&region))),
                    ("kind", Arg::Str(&kind.unwrap_or_default())),
                ],
            )
        }
    };
    if nationwide_would {
        grid.push(vec![button(
            i18n.text(lang, Msg::BtnSendNationwide),
            &Callback::Draft(DraftInput::Region("national".to_string())),
        )]);
    }
    grid.push(vec![button(
        i18n.text(lang, Msg::BtnOtherKind),
        &Callback::Draft(DraftInput::Back),
    )]);
    screen(text, grid, false, i18n, lang)
}

/// Step 4: what she needs now, optional.
pub fn description(i18n: &I18n, lang: Lang) -> Screen {
    let grid = vec![vec![button(
        i18n.text(lang, Msg::BtnSkip),
        &Callback::Draft(DraftInput::SkipDescription),
    )]];
    screen(i18n.text(lang, Msg::AskDescription), grid, true, i18n, lang)
}

fn contact_buttons(i18n: &I18n, lang: Lang, text: String, share: bool) -> Screen {
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
    screen(text, grid, true, i18n, lang)
}

/// Step 5: how to be contacted. Through the bot, without a name, comes first.
pub fn contact(i18n: &I18n, lang: Lang) -> Screen {
    contact_buttons(i18n, lang, i18n.text(lang, Msg::AskContact), true)
}

/// She chose to give a contact: type it (or go back to the bot only).
pub fn contact_typing(i18n: &I18n, lang: Lang, msg: Msg) -> Screen {
    contact_buttons(i18n, lang, i18n.text(lang, msg), false)
}

/// The organization she addressed cannot take requests now: nothing was sent; another
/// vetted organization, or cancel.
pub fn unavailable(i18n: &I18n, lang: Lang, org_name: &str) -> Screen {
    let grid = vec![vec![button(
        i18n.text(lang, Msg::BtnAnyOrg),
        &Callback::Draft(DraftInput::AnyOrg),
    )]];
    let text = i18n.with(
        lang,
        Msg::ChosenUnavailable,
        &[("org", Arg::Str(&escape(org_name)))],
    );
    screen(text, grid, false, i18n, lang)
}

/// Exactly what the organization will see, line by line: the contact only once it accepts.
pub fn summary(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, draft: &Draft) -> String {
    let mut lines = Vec::new();
    if let Some(topic) = draft.topic.as_deref() {
        let name = request_topic_name(i18n, lang, taxonomy, topic);
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
    lines.push(format!(
        "{} {}",
        contact_line(i18n, lang, &contact),
        i18n.text(lang, Msg::SummaryContactLater)
    ));
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

/// The consent screen: who gets it first, what they see (and when the contact), that
/// nothing goes to her command, her choice if they cannot take it, and Send.
pub fn consent(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    draft: &Draft,
    org: Option<&Organization>,
    retention_days: u32,
) -> Screen {
    let first = match org {
        Some(o) => i18n.with(
            lang,
            Msg::ConsentFirstOrg,
            &[("org", Arg::Str(&escape(o.name.get(lang))))],
        ),
        None => {
            let topic = draft.topic.as_deref().unwrap_or_default();
            let region = stored_region_name(
                i18n,
                lang,
                taxonomy,
                draft.region.as_deref().unwrap_or("national"),
            );
            let region = ("region", Arg::Str(&escape(&region)));
            if topic == NOT_SURE {
                i18n.with(lang, Msg::ConsentFirstDirect, &[region])
            } else {
                let topic = escape(&topic_name(taxonomy, lang, topic));
                i18n.with(
                    lang,
                    Msg::ConsentFirstAny,
                    &[("topic", Arg::Str(&topic)), region],
                )
            }
        }
    };
    let pass_on = draft.on_decline() == OnDecline::PassOn;
    let choice = i18n.text(
        lang,
        if pass_on {
            Msg::ConsentPassOn
        } else {
            Msg::ConsentAskFirst
        },
    );
    let days = i18n.with(
        lang,
        Msg::Days,
        &[("count", Arg::Num(retention_days.into()))],
    );
    let follow_up = draft.follow_up.unwrap_or(true);
    let option = |msg, chosen: bool, input: DraftInput| {
        let label = i18n.text(lang, msg);
        button(
            if chosen {
                format!("✅ {label}")
            } else {
                label
            },
            &Callback::Draft(input),
        )
    };
    Screen {
        text: i18n.with(
            lang,
            Msg::Consent,
            &[
                ("first", Arg::Str(&first)),
                ("summary", Arg::Str(&summary(i18n, lang, taxonomy, draft))),
                ("choice", Arg::Str(&choice)),
                ("ask", Arg::Str(if follow_up { "yes" } else { "no" })),
                ("days", Arg::Str(&days)),
            ],
        ),
        keyboard: Some(rows(
            vec![
                vec![
                    option(Msg::BtnChoicePassOn, pass_on, DraftInput::OnDecline(true)),
                    option(
                        Msg::BtnChoiceAskFirst,
                        !pass_on,
                        DraftInput::OnDecline(false),
                    ),
                ],
                vec![
                    option(Msg::BtnAskAfterYes, follow_up, DraftInput::FollowUp(true)),
                    option(Msg::BtnAskAfterNo, !follow_up, DraftInput::FollowUp(false)),
                ],
                vec![button(
                    i18n.text(lang, Msg::BtnSend),
                    &Callback::Draft(DraftInput::Send),
                )],
            ]
            .into_iter()
            .chain(step_rows(i18n, lang, true))
            .collect(),
        )),
    }
}

/// What Send gave her: the code and where it went, or what else she can do.
pub fn submitted(
    i18n: &I18n,
    lang: Lang,
    outcome: &Submitted,
    (org_name, on_decline): (&str, OnDecline),
    hotlines: &[Hotline],
) -> Screen {
    match outcome {
        Submitted::Sent { code, hours, .. } => {
            let hours = i18n.with(lang, Msg::Hours, &[("count", Arg::Num((*hours).into()))]);
            let then = match on_decline {
                OnDecline::PassOn => "pass-on",
                OnDecline::AskFirst => "ask-first",
            };
            let text = i18n.with(
                lang,
                Msg::RequestSent,
                &[
                    ("code", Arg::Str(code)),
                    ("org", Arg::Str(&escape(org_name))),
                    ("hours", Arg::Str(&hours)),
                    ("then", Arg::Str(then)),
                ],
            );
            Screen {
                text,
                keyboard: Some(super::menu_keyboard(i18n, lang)),
            }
        }
        // The dialogue shows its no-organization step instead (her draft is kept).
        Submitted::NoOrganization => super::hotlines(i18n, lang, hotlines),
        Submitted::AlreadySent => info(i18n, lang, i18n.text(lang, Msg::RequestAlreadySent)),
        Submitted::ChosenUnavailable => unavailable(i18n, lang, org_name),
        Submitted::Limited(limit) => super::limited(i18n, lang, *limit),
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
    let topic = request_topic_name(i18n, lang, taxonomy, &view.topic);
    let region = stored_region_name(i18n, lang, taxonomy, &view.region);
    // Her contact only once the organization accepted; before that, the answer-by time.
    let contact = match &view.contact {
        Some(contact) => contact_line(i18n, lang, contact),
        None if view.status == ReferralStatus::Pending => format!(
            "{}\n{}",
            i18n.with(
                lang,
                Msg::DetailRespondBy,
                &[("deadline", Arg::Str(&format_time(view.respond_by)))],
            ),
            i18n.text(lang, Msg::DetailContactLater)
        ),
        None => String::new(),
    };
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
            ("contact", Arg::Str(&contact)),
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
            buttons.add(Msg::BtnBlock, Act::Block(code.clone()))?;
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

/// Accepted (or accepted already, by a colleague): her contact, now theirs, and Reply.
pub fn accepted(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    view: &ReferralView,
    already: bool,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let msg = if already {
        Msg::StaffAlreadyAccepted
    } else {
        Msg::StaffAccepted
    };
    let contact = view
        .contact
        .as_ref()
        .map(|c| contact_line(i18n, lang, c))
        .unwrap_or_default();
    let mut buttons = Buttons::new(ctx, who, lang);
    buttons.add(Msg::BtnReply, Act::Reply(view.code.clone()))?;
    buttons.add(Msg::BtnClose, Act::Close(view.code.clone()))?;
    Ok(Screen {
        text: i18n.with(
            lang,
            msg,
            &[
                ("code", Arg::Str(&view.code)),
                ("contact", Arg::Str(&contact)),
            ],
        ),
        keyboard: Some(buttons.keyboard()),
    })
}

/// She passed a waiting request on: where it went.
pub fn passed_on(ctx: &BotContext, lang: Lang, code: &str, org: &str) -> Screen {
    let text = ctx.i18n.with(
        lang,
        Msg::PassedOn,
        &[
            ("code", Arg::Str(code)),
            ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
        ],
    );
    info(&ctx.i18n, lang, text)
}

/// Nobody else can take it: said plainly, with the urgent lines.
pub fn passed_on_none(ctx: &BotContext, lang: Lang, code: &str) -> Screen {
    let i18n = &ctx.i18n;
    let hotlines = super::hotlines(i18n, lang, &ctx.hotlines);
    Screen {
        text: format!(
            "{}\n\n{}",
            i18n.with(lang, Msg::PassedOnNone, &[("code", Arg::Str(code))]),
            hotlines.text
        ),
        keyboard: hotlines.keyboard,
    }
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
pub fn her_status(ctx: &BotContext, lang: Lang, request: &OwnRequest, for_html: bool) -> String {
    let i18n = &ctx.i18n;
    if request.withdrawn {
        return i18n.text(lang, Msg::RstatusWithdrawn);
    }
    if request.waiting {
        return i18n.text(lang, Msg::RstatusWaiting);
    }
    let Some(referral) = request.latest.as_ref() else {
        return i18n.text(lang, Msg::RstatusUnplaced);
    };
    let name = ctx.org_name(&referral.org, lang);
    let org = if for_html { escape(&name) } else { name };
    let with_org = |msg| i18n.with(lang, msg, &[("org", Arg::Str(&org))]);
    match referral.status {
        ReferralStatus::Pending => with_org(Msg::RstatusPending),
        ReferralStatus::Accepted => with_org(Msg::RstatusAccepted),
        ReferralStatus::Closed(_) => with_org(Msg::RstatusClosed),
        ReferralStatus::Lapsed | ReferralStatus::Blocked => with_org(Msg::RstatusLapsed),
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
            ("status", Arg::Str(&her_status(ctx, lang, request, true))),
        ],
    );
    let code = request.code.clone();
    let mut buttons = Buttons::new(ctx, who, lang);
    if request.waiting {
        buttons.add(Msg::BtnPassOn, Act::PassOn(code.clone()))?;
        buttons.add(Msg::BtnWithdraw, Act::Withdraw(code.clone()))?;
    }
    match request.status() {
        _ if request.waiting || request.withdrawn => {}
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
        keyboard: Some(buttons.her_keyboard()),
    })
}

/// Her list entry for one request: "R-7K3Q · with Rivnist" (plain text, for a button).
pub fn list_item(ctx: &BotContext, lang: Lang, request: &OwnRequest) -> String {
    let status = her_status(ctx, lang, request, false);
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
pub fn confirm(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    msg: Msg,
    (label, confirmed): (Msg, Act),
    code: &str,
) -> Result<Screen, StoreError> {
    let mut buttons = Buttons::new(ctx, who, lang);
    buttons.add(label, confirmed)?;
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
    super::writing(&ctx.i18n, lang, text)
}
