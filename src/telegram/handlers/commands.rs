//! Commands (`/start`, `/find`, `/request`, …): each answered with one screen.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::Me;

use super::{answer_message, hint, user_id};
use crate::app::{coordination, discreet, materials, overview};
use crate::domain::Lang;
use crate::i18n::Msg;
use crate::telegram::dialogue::{expert, help, materials as publish};
use crate::telegram::render::{self, Screen, coordination as render_coordination};
use crate::telegram::{BotContext, BotError, Command, HandlerResult, PoruchDialogue, State};

pub async fn command(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    cmd: Command,
    me: Me,
    // The chat's state as the dialogue layer already loaded it.
    state: State,
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    if cmd == Command::Dashboard {
        super::super::menu_button::offer(&bot, &ctx, msg.chat.id, lang).await;
    }
    let work = async {
        // A comment is only ever the very next message after a rating: a command ends it, so
        // that text typed later (a search, say) never reaches the coordinators.
        if matches!(state, State::Commenting { .. }) {
            dialogue.exit().await?;
        }
        screen(&ctx, &dialogue, &msg, (cmd, &state), &me, lang).await
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

async fn screen(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    (cmd, state): (Command, &State),
    me: &Me,
    lang: Lang,
) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let app = &ctx.app;
    let who = user_id(msg);
    Ok(match cmd {
        Command::Start(payload) => match payload.strip_prefix("join-") {
            Some(code) => join(ctx, dialogue, msg, lang, code).await?,
            // A draft with something she typed is not thrown away unasked.
            None if state.has_typed() => render::draft_pending(i18n, lang),
            None => {
                dialogue.exit().await?;
                render::welcome(i18n, lang)
            }
        },
        Command::Join(code) => join(ctx, dialogue, msg, lang, &code).await?,
        Command::Forget => render::forget_confirm(i18n, lang),
        Command::Hide => render::hide_confirm(i18n, lang),
        Command::Invite(org_id) => {
            let org_id = org_id.trim();
            let invited = coordination::invite(app, who, org_id).await?.into_inner();
            // Not a coordinator: the command is not advertised, and answered as unknown.
            render_coordination::invited(ctx, lang, me.username(), org_id, &invited)
                .unwrap_or_else(|| hint(ctx, lang, Msg::UnknownCommand))
        }
        Command::Staff(org_id) => {
            let org_id = org_id.trim();
            match coordination::staff(app, who, org_id)? {
                Err(_) => hint(ctx, lang, Msg::UnknownCommand),
                Ok(_) if app.directory().find(org_id).is_none() => {
                    let shown =
                        crate::telegram::html::escape(&crate::telegram::html::truncate(org_id, 40));
                    render::info(
                        i18n,
                        lang,
                        i18n.with(
                            lang,
                            Msg::StaffUnknownOrg,
                            &[("id", crate::i18n::Arg::Str(&shown))],
                        ),
                    )
                }
                Ok(members) => render_coordination::staff(ctx, who, lang, org_id, &members)?,
            }
        }
        Command::Leave => match app.store.staff_org(who)? {
            Some(org) => render_coordination::leave_confirm(ctx, who, lang, &org)?,
            None => render::info(i18n, lang, i18n.text(lang, Msg::StaffNotMember)),
        },
        Command::Dashboard => {
            let role = crate::app::directory::role(app, who)?;
            render_coordination::dashboard(ctx, lang, &role)
        }
        Command::Stats => match coordination::stats(app, who)? {
            Ok(stats) => render_coordination::stats(i18n, lang, &stats),
            Err(_) => hint(ctx, lang, Msg::UnknownCommand),
        },
        Command::Find => {
            dialogue.exit().await?;
            render::search::topics(i18n, lang, app.directory().taxonomy())
        }
        Command::Request => help::start(ctx, dialogue, (msg.chat.id, lang), None)
            .await?
            .unwrap_or_else(|| hint(ctx, lang, Msg::ButtonExpired)),
        Command::Expert => expert::start(ctx, dialogue, (msg.chat.id, lang)).await?,
        Command::Materials => {
            dialogue.exit().await?;
            let listed = materials::listed(app)?;
            render::materials::topics(i18n, lang, app.directory().taxonomy(), &listed)
        }
        Command::Material => {
            if materials::may_publish(app, who)? {
                publish::start(ctx, dialogue, lang, msg).await?
            } else {
                hint(ctx, lang, Msg::UnknownCommand)
            }
        }
        Command::My => {
            let mine = overview::mine(app, who)?;
            render::overview::mine(ctx, who, lang, &mine)?
        }
        Command::Inbox => match overview::inbox(app, who)? {
            Ok(inbox) => render::overview::inbox(ctx, who, lang, &inbox)?,
            Err(_) => render::info(i18n, lang, i18n.text(lang, Msg::UnknownCommand)),
        },
        Command::Pause | Command::Resume => {
            let paused = cmd == Command::Pause;
            match coordination::set_paused(app, who, paused)
                .await?
                .into_inner()
            {
                Ok(org) => render_coordination::paused(ctx, lang, &org, paused),
                Err(_) => render::info(i18n, lang, i18n.text(lang, Msg::UnknownCommand)),
            }
        }
        Command::Urgent => render::hotlines(i18n, lang, &ctx.hotlines),
        Command::Language => render::language(i18n, lang, discreet::full_notices(app, who)?),
        Command::Privacy => render_coordination::privacy_short(i18n, lang),
        Command::Help => {
            // Staff and coordinators' commands only to them.
            let mut text = i18n.text(lang, Msg::Help);
            if app.store.staff_org(who)?.is_some() {
                text.push_str("\n\n");
                text.push_str(&i18n.text(lang, Msg::HelpStaff));
            }
            if app.is_coordinator(who) {
                text.push_str("\n\n");
                text.push_str(&i18n.text(lang, Msg::HelpCoordinators));
            }
            render::info(i18n, lang, text)
        }
        Command::Cancel => {
            dialogue.exit().await?;
            if state.is_writing() {
                render::info(i18n, lang, i18n.text(lang, Msg::WritingLeft))
            } else {
                hint(ctx, lang, Msg::Cancelled)
            }
        }
    })
}

/// An invitation code: if it is valid, the next message is the member's label.
async fn join(
    ctx: &BotContext,
    dialogue: &PoruchDialogue,
    msg: &Message,
    lang: Lang,
    code: &str,
) -> Result<Screen, BotError> {
    let step = coordination::check_invitation(&ctx.app, user_id(msg), code)
        .await?
        .into_inner();
    if let coordination::JoinStep::AskLabel { .. } = step {
        dialogue
            .update(State::Joining {
                code: code.trim().to_string(),
            })
            .await?;
    }
    Ok(render_coordination::join_step(ctx, lang, &step))
}
