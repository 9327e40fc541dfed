//! The screens of requests for trainers and experts: the adviser's dialogue, one screen per
//! step, the summary organizations see and the confirmation; what Send gave her; a request as
//! an organization's staff see it, and as she sees it with its offers.

use super::help::contact_line;
use super::{
    Buttons, Row, Screen, about, button, info, region_rows, rows, step_rows, stored_region_name,
    topic_name,
};
use crate::app::act::Act;
use crate::app::expert::{OwnerView, StaffStatus, StaffView, Submitted};
use crate::domain::expert::{ExpertAudience, ExpertNeed, ExpertStatus, Format, NeedKind};
use crate::domain::when::When;
use crate::domain::{ContactChoice, Lang, Taxonomy};
use crate::i18n::{Arg, I18n, Msg};
use crate::storage::StoreError;
use crate::telegram::callback::{Callback, ExpertInput};
use crate::telegram::context::BotContext;
use crate::telegram::html::{escape, truncate};

/// Group sizes offered as buttons (any other number can be typed).
pub const SIZES: [u32; 6] = [10, 20, 30, 50, 100, 200];

fn input(label: String, input: ExpertInput) -> Option<teloxide::types::InlineKeyboardButton> {
    button(label, &Callback::Expert(input))
}

/// A step after the first: its buttons, then ‹ Back, Cancel and urgent help.
fn screen(i18n: &I18n, lang: Lang, text: String, grid: Vec<Row>) -> Screen {
    step(i18n, lang, text, grid, true)
}

fn step(i18n: &I18n, lang: Lang, text: String, mut grid: Vec<Row>, back: bool) -> Screen {
    grid.extend(step_rows(i18n, lang, back));
    Screen {
        text,
        keyboard: Some(rows(grid)),
    }
}

pub fn need(i18n: &I18n, lang: Lang) -> Screen {
    let grid = NeedKind::ALL
        .into_iter()
        .map(|k| {
            vec![input(
                i18n.text(lang, Msg::need(k)),
                ExpertInput::Need(k.code().to_string()),
            )]
        })
        .collect();
    step(i18n, lang, i18n.text(lang, Msg::ExpertNeed), grid, false)
}

pub fn topic(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy) -> Screen {
    let grid = taxonomy
        .topics
        .iter()
        .map(|t| {
            vec![input(
                t.name.get(lang).to_string(),
                ExpertInput::Topic(t.code.clone()),
            )]
        })
        .collect();
    screen(i18n, lang, i18n.text(lang, Msg::ExpertTopic), grid)
}

pub fn audience(i18n: &I18n, lang: Lang) -> Screen {
    let buttons: Vec<_> = ExpertAudience::ALL
        .into_iter()
        .map(|a| {
            input(
                i18n.text(lang, Msg::expert_audience(a)),
                ExpertInput::Audience(a.code().to_string()),
            )
        })
        .collect();
    let grid = buttons.chunks(2).map(<[_]>::to_vec).collect();
    screen(i18n, lang, i18n.text(lang, Msg::ExpertAudience), grid)
}

pub fn size(i18n: &I18n, lang: Lang, text: Msg) -> Screen {
    let row: Row = SIZES
        .into_iter()
        .map(|n| input(n.to_string(), ExpertInput::Size(n)))
        .collect();
    screen(i18n, lang, i18n.text(lang, text), vec![row])
}

pub fn format(i18n: &I18n, lang: Lang) -> Screen {
    let row = vec![
        input(i18n.text(lang, Msg::BtnOnline), ExpertInput::Online),
        input(i18n.text(lang, Msg::BtnInPerson), ExpertInput::InPerson),
    ];
    screen(i18n, lang, i18n.text(lang, Msg::ExpertFormat), vec![row])
}

pub fn region(i18n: &I18n, lang: Lang, taxonomy: &Taxonomy, text: String) -> Screen {
    let grid = region_rows(lang, taxonomy.regions.iter(), |code| {
        Callback::Expert(ExpertInput::Region(code.to_string()))
    });
    screen(i18n, lang, text, grid)
}

pub fn when(i18n: &I18n, lang: Lang, text: String) -> Screen {
    let row = vec![input(
        i18n.text(lang, Msg::BtnFlexible),
        ExpertInput::Flexible,
    )];
    screen(i18n, lang, text, vec![row])
}

/// The dates as understood, to confirm or type again.
pub fn when_confirm(i18n: &I18n, lang: Lang, when: &When) -> Screen {
    let text = i18n.with(
        lang,
        Msg::WhenUnderstood,
        &[("when", Arg::Str(&when_text(i18n, lang, when)))],
    );
    let rows = vec![
        vec![input(
            i18n.text(lang, Msg::BtnDatesRight),
            ExpertInput::DatesRight,
        )],
        vec![input(
            i18n.text(lang, Msg::BtnFlexible),
            ExpertInput::Flexible,
        )],
    ];
    screen(i18n, lang, text, rows)
}

pub fn body(i18n: &I18n, lang: Lang, text: String) -> Screen {
    let row = vec![input(i18n.text(lang, Msg::BtnSkip), ExpertInput::SkipBody)];
    screen(i18n, lang, text, vec![row])
}

pub fn contact(i18n: &I18n, lang: Lang, text: String, share: bool) -> Screen {
    let mut grid = vec![vec![input(
        i18n.text(lang, Msg::BtnContactBot),
        ExpertInput::ContactThroughBot,
    )]];
    if share {
        grid.push(vec![input(
            i18n.text(lang, Msg::BtnContactShare),
            ExpertInput::ContactShare,
        )]);
    }
    screen(i18n, lang, text, grid)
}

pub fn confirm(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    need: &ExpertNeed,
    body: Option<&str>,
    contact: &ContactChoice,
) -> Screen {
    let text = i18n.with(
        lang,
        Msg::ExpertConfirm,
        &[
            (
                "summary",
                Arg::Str(&summary(i18n, lang, taxonomy, need, body)),
            ),
            ("contact", Arg::Str(&contact_line(i18n, lang, contact))),
        ],
    );
    Screen {
        text,
        keyboard: Some(rows(
            vec![vec![input(
                i18n.text(lang, Msg::BtnSend),
                ExpertInput::Send,
            )]]
            .into_iter()
            .chain(step_rows(i18n, lang, true))
            .collect(),
        )),
    }
}

/// "01.03.2027 – 31.03.2027", or "flexible dates".
pub fn when_text(i18n: &I18n, lang: Lang, when: &When) -> String {
    match when {
        When::Flexible => i18n.text(lang, Msg::WhenFlexible),
        When::Between(from, to) => i18n.with(
            lang,
            Msg::WhenRange,
            &[
                ("from", Arg::Str(&from.format("%d.%m.%Y").to_string())),
                ("to", Arg::Str(&to.format("%d.%m.%Y").to_string())),
            ],
        ),
    }
}

/// What organizations see of a request (HTML, escaped): never the contact.
pub fn summary(
    i18n: &I18n,
    lang: Lang,
    taxonomy: &Taxonomy,
    need: &ExpertNeed,
    body: Option<&str>,
) -> String {
    let format = match &need.format {
        Format::Online => i18n.text(lang, Msg::FormatOnline),
        Format::InPerson { region } => i18n.with(
            lang,
            Msg::FormatInPerson,
            &[(
                "region",
                Arg::Str(&stored_region_name(i18n, lang, taxonomy, region)),
            )],
        ),
    };
    let body = match body {
        Some(b) => escape(b),
        None => i18n.text(lang, Msg::BodyUnnamed),
    };
    i18n.with(
        lang,
        Msg::ExpertSummary,
        &[
            ("need", Arg::Str(&i18n.text(lang, Msg::need(need.kind)))),
            (
                "topic",
                Arg::Str(&escape(&topic_name(taxonomy, lang, &need.topic))),
            ),
            (
                "audience",
                Arg::Str(&i18n.text(lang, Msg::expert_audience(need.audience))),
            ),
            (
                "size",
                Arg::Str(&i18n.with(lang, Msg::People, &[("count", Arg::Num(need.size.into()))])),
            ),
            ("format", Arg::Str(&escape(&format))),
            ("when", Arg::Str(&when_text(i18n, lang, &need.when))),
            ("body", Arg::Str(&body)),
        ],
    )
}

/// What Send gave her.
pub fn submitted(i18n: &I18n, lang: Lang, outcome: &Submitted) -> Screen {
    match outcome {
        Submitted::Limited(limit) => super::limited(i18n, lang, *limit),
        Submitted::Sent { code, orgs } => Screen {
            text: i18n.with(
                lang,
                Msg::ExpertSent,
                &[("code", Arg::Str(code)), ("orgs", Arg::Num(*orgs as i64))],
            ),
            keyboard: Some(super::menu_keyboard(i18n, lang)),
        },
        Submitted::NoOrganization => Screen {
            text: i18n.text(lang, Msg::ExpertNoOrg),
            keyboard: Some(super::menu_keyboard(i18n, lang)),
        },
        Submitted::AlreadySent => info(i18n, lang, i18n.text(lang, Msg::RequestAlreadySent)),
        Submitted::Invalid => info(i18n, lang, i18n.text(lang, Msg::ErrorGeneric)),
    }
}

/// The status of a request as one organization sees it.
pub fn staff_status(status: StaffStatus) -> Msg {
    match status {
        StaffStatus::Filled => Msg::EstatusFilled,
        StaffStatus::Waiting => Msg::EstatusWaiting,
        StaffStatus::Offered => Msg::EstatusOffered,
        StaffStatus::Passed => Msg::EstatusPassed,
        StaffStatus::Withdrawn => Msg::EstatusWithdrawn,
        StaffStatus::Closed => Msg::EstatusExpired,
    }
}

/// The status of a request as the adviser sees it.
pub fn her_status(status: &ExpertStatus) -> Msg {
    match status {
        ExpertStatus::Open => Msg::EstatusOpen,
        ExpertStatus::Filled { .. } => Msg::EstatusFilled,
        ExpertStatus::Withdrawn => Msg::EstatusWithdrawn,
        ExpertStatus::Expired => Msg::EstatusExpired,
    }
}

/// A request as an organization's staff see it, with what they can do now.
pub fn staff_detail(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    view: &StaffView,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let directory = ctx.app.directory();
    let mut text = i18n.with(
        lang,
        Msg::ExpertDetail,
        &[
            ("code", Arg::Str(&view.code)),
            (
                "status",
                Arg::Str(&i18n.text(lang, staff_status(view.status))),
            ),
        ],
    );
    text.push('\n');
    text.push_str(&summary(
        i18n,
        lang,
        directory.taxonomy(),
        &view.need,
        view.body.as_deref(),
    ));
    let code = view.code.clone();
    let mut buttons = Buttons::new(ctx, who, lang);
    if view.may_answer {
        buttons.add(Msg::BtnOffer, Act::Offer(code.clone()))?;
        buttons.add(Msg::BtnPass, Act::Pass(code.clone()))?;
    }
    if let Some(contact) = &view.contact {
        text.push('\n');
        text.push_str(&contact_line(i18n, lang, contact));
        buttons.add(Msg::BtnReply, Act::Reply(code.clone()))?;
    }
    buttons.add(Msg::BtnInbox, Act::Inbox)?;
    Ok(Screen {
        text,
        keyboard: Some(buttons.keyboard()),
    })
}

/// The adviser's view of one request: what she asked, its status, every offer with Pick
/// (while open) and the organization's card, and what she can do now.
pub fn owner_detail(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    view: &OwnerView,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let directory = ctx.app.directory();
    let code = view.code.as_str();
    let summary = summary(
        i18n,
        lang,
        directory.taxonomy(),
        &view.need,
        view.body.as_deref(),
    );
    let mut text = i18n.with(
        lang,
        Msg::MyExpertDetail,
        &[
            ("code", Arg::Str(code)),
            (
                "status",
                Arg::Str(&i18n.text(lang, her_status(&view.status))),
            ),
            ("summary", Arg::Str(&summary)),
            ("count", Arg::Num(view.offers.len() as i64)),
        ],
    );
    let mut buttons = Buttons::new(ctx, who, lang);
    for offer in &view.offers {
        let name = ctx.org_name(&offer.org, lang);
        text.push_str("\n\n");
        text.push_str(&i18n.with(
            lang,
            Msg::OfferLine,
            &[
                ("org", Arg::Str(&escape(&name))),
                ("proposal", Arg::Str(&escape(&offer.proposal))),
            ],
        ));
        if view.status == ExpertStatus::Open {
            let label = format!(
                "{} · {}",
                i18n.text(lang, Msg::BtnPick),
                truncate(&name, 40)
            );
            buttons.add_text(label, Act::Pick(code.to_string(), offer.org.clone()))?;
        }
        buttons.list.push(button(
            format!(
                "{} · {}",
                i18n.text(lang, Msg::BtnAboutOrg),
                truncate(&name, 40)
            ),
            &Callback::Org(offer.org.clone()),
        ));
    }
    match &view.status {
        ExpertStatus::Open => {
            buttons.add(Msg::BtnWithdraw, Act::WithdrawExpert(code.to_string()))?
        }
        ExpertStatus::Filled { .. } => buttons.add(Msg::BtnWrite, Act::Write(code.to_string()))?,
        _ => {}
    }
    Ok(Screen {
        text,
        keyboard: Some(buttons.her_keyboard()),
    })
}

/// Her pick went to the organization: her contact as they now have it, and Write if she
/// chose to be reached through the bot.
pub fn picked(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
    org: &str,
    contact: &ContactChoice,
) -> Result<Screen, StoreError> {
    let i18n = &ctx.i18n;
    let text = i18n.with(
        lang,
        Msg::PickedDone,
        &[
            ("org", Arg::Str(&escape(&ctx.org_name(org, lang)))),
            ("code", Arg::Str(code)),
            ("contact", Arg::Str(&contact_line(i18n, lang, contact))),
        ],
    );
    let mut buttons = Buttons::new(ctx, who, lang);
    if *contact == ContactChoice::ThroughBot {
        buttons.add(Msg::BtnWrite, Act::Write(code.to_string()))?;
    }
    Ok(Screen {
        text,
        keyboard: Some(buttons.keyboard()),
    })
}

/// "Not open any more" for an organization's button on a request.
pub fn not_open(i18n: &I18n, lang: Lang, code: &str) -> Screen {
    about(i18n, lang, Msg::ExpertNotOpen, code)
}
