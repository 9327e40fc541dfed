//! Handlers: each turns one kind of update into domain calls and screens. Every callback
//! query is answered exactly once; a button that does not decode or points at something that
//! no longer exists gets "this button has expired" and the menu.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use teloxide::dispatching::dialogue::GetChatId;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{LinkPreviewOptions, Me, MessageId, ParseMode};

use super::callback::Callback;
use super::referrals::{self, Pressed};
use super::render::{self, Screen};
use super::state::{Draft, ExpertDraft, ExpertStep, MaterialDraft, MaterialStep, Step};
use super::{
    BotContext, BotError, Command, HandlerResult, PoruchDialogue, State, expert_request, experts,
    feedback, html, materials, relay, requesting,
};
use crate::domain::{Lang, RegionChoice};
use crate::i18n::{Arg, Msg};

/// Logs handler errors without any content of the update.
pub struct LogErrors;

impl ErrorHandler<BotError> for LogErrors {
    fn handle_error(self: Arc<Self>, error: BotError) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            tracing::error!(error = %error, "update handling failed");
        })
    }
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

/// Sends a screen, split into several messages if it is longer than Telegram allows; the
/// keyboard goes with the last part.
pub async fn send(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    screen: Screen,
) -> Result<(), teloxide::RequestError> {
    for id in send_unrecorded(bot, chat, screen, false).await? {
        ctx.remember_message(chat, id);
    }
    Ok(())
}

/// Sends a screen that shows a request's details: Telegram will not let it be forwarded or
/// saved.
pub async fn send_protected(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    screen: Screen,
) -> Result<(), teloxide::RequestError> {
    for id in send_unrecorded(bot, chat, screen, true).await? {
        ctx.remember_message(chat, id);
    }
    Ok(())
}

/// Sends a screen without remembering it for `/forget` (for the very last message of it).
async fn send_unrecorded(
    bot: &Bot,
    chat: ChatId,
    screen: Screen,
    protect: bool,
) -> Result<Vec<MessageId>, teloxide::RequestError> {
    let mut ids = Vec::new();
    let parts = html::split(&screen.text);
    let last = parts.len().saturating_sub(1);
    for (i, part) in parts.into_iter().enumerate() {
        let mut request = bot
            .send_message(chat, part)
            .parse_mode(ParseMode::Html)
            .protect_content(protect)
            .link_preview_options(no_preview());
        if i == last
            && let Some(keyboard) = &screen.keyboard
        {
            request = request.reply_markup(keyboard.clone());
        }
        ids.push(request.await?.id);
    }
    Ok(ids)
}

/// Replaces the message a button was pressed on; sends a new one if that is not possible.
async fn edit_or_send(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    message: Option<MessageId>,
    screen: Screen,
) -> Result<(), teloxide::RequestError> {
    if let Some(id) = message
        && html::split(&screen.text).len() == 1
    {
        let mut request = bot
            .edit_message_text(chat, id, screen.text.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if let Some(keyboard) = &screen.keyboard {
            request = request.reply_markup(keyboard.clone());
        }
        match request.await {
            // Pressing the button of the page already shown changes nothing: not an error.
            Ok(_) | Err(teloxide::RequestError::Api(teloxide::ApiError::MessageNotModified)) => {
                return Ok(());
            }
            Err(_) => {}
        }
    }
    send(bot, ctx, chat, screen).await
}

/// Logs a failed handler and tells the user, so nobody is left without an answer.
async fn apologize_on_error(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    lang: Lang,
    result: HandlerResult,
) -> HandlerResult {
    if let Err(error) = result {
        tracing::error!(error = %error, "handler failed");
        let screen = render::info(&ctx.i18n, lang, ctx.i18n.text(lang, Msg::ErrorGeneric));
        send(bot, ctx, chat, screen).await?;
    }
    Ok(())
}

fn hint(ctx: &BotContext, lang: Lang, msg: Msg) -> Screen {
    Screen {
        text: ctx.i18n.text(lang, msg),
        keyboard: Some(render::menu_keyboard(&ctx.i18n, lang)),
    }
}

// --- urgent help: no dialogue, no store needed ---

pub async fn urgent_message(bot: Bot, ctx: Arc<BotContext>, msg: Message) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    send(
        &bot,
        &ctx,
        msg.chat.id,
        render::hotlines(&ctx.i18n, lang, &ctx.hotlines),
    )
    .await?;
    Ok(())
}

pub async fn urgent_callback(bot: Bot, ctx: Arc<BotContext>, q: CallbackQuery) -> HandlerResult {
    bot.answer_callback_query(q.id.clone()).await?;
    let lang = ctx.lang(Some(&q.from));
    let chat = q.chat_id().unwrap_or(ChatId(q.from.id.0 as i64));
    send(
        &bot,
        &ctx,
        chat,
        render::hotlines(&ctx.i18n, lang, &ctx.hotlines),
    )
    .await?;
    Ok(())
}

// --- messages ---

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
    let work = async {
        let i18n = &ctx.i18n;
        // A comment is only ever the very next message after a rating: a command ends it, so
        // that text typed later (a search, say) never reaches the coordinators.
        if matches!(state, State::Commenting { .. }) {
            dialogue.exit().await?;
        }
        let screen = match cmd {
            Command::Start(payload) => match payload.strip_prefix("join-") {
                Some(code) => join(&ctx, lang, &msg, code).await?,
                None => {
                    dialogue.exit().await?;
                    render::welcome(i18n, lang)
                }
            },
            Command::Join(code) => join(&ctx, lang, &msg, &code).await?,
            Command::Forget => render::forget_confirm(i18n, lang),
            Command::Invite(org_id) if ctx.is_admin(msg.from.as_ref()) => {
                invite(&ctx, lang, &me, org_id.trim()).await?
            }
            Command::Stats if ctx.is_admin(msg.from.as_ref()) => stats(&ctx, lang)?,
            // Not a coordinator: the command is not advertised, and answered as unknown.
            Command::Invite(_) | Command::Stats => hint(&ctx, lang, Msg::UnknownCommand),
            Command::Find => {
                dialogue.exit().await?;
                render::topics(i18n, lang, ctx.index.taxonomy())
            }
            Command::Request => requesting::start(&ctx, &dialogue, lang, None)
                .await?
                .unwrap_or_else(|| hint(&ctx, lang, Msg::ButtonExpired)),
            Command::Expert => expert_request::start(&ctx, &dialogue, lang).await?,
            Command::Materials => {
                dialogue.exit().await?;
                materials::topics(&ctx, lang)?
            }
            Command::Material => match ctx.store.staff_org(user_id(&msg))? {
                Some(_) => materials::start(&ctx, &dialogue, lang, &msg).await?,
                None => hint(&ctx, lang, Msg::UnknownCommand),
            },
            Command::My => referrals::my_requests(&ctx, user_id(&msg), lang)?,
            Command::Inbox => referrals::inbox(&ctx, user_id(&msg), lang)?,
            Command::Pause | Command::Resume => {
                referrals::set_paused(&ctx, user_id(&msg), lang, cmd == Command::Pause).await?
            }
            Command::Urgent => render::hotlines(i18n, lang, &ctx.hotlines),
            Command::Language => render::language(i18n, lang),
            Command::Privacy => render::info(i18n, lang, privacy_text(&ctx, lang)),
            Command::Help => render::info(i18n, lang, i18n.text(lang, Msg::Help)),
            Command::Cancel => {
                dialogue.exit().await?;
                hint(&ctx, lang, Msg::Cancelled)
            }
        };
        Ok(screen)
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// What is kept, with the retention period this instance uses.
fn privacy_text(ctx: &BotContext, lang: Lang) -> String {
    let days = ctx.i18n.with(
        lang,
        Msg::Days,
        &[("count", Arg::Num(ctx.retention_days.into()))],
    );
    ctx.i18n
        .with(lang, Msg::Privacy, &[("days", Arg::Str(&days))])
}

/// The sender's Telegram id (0, nobody's, for the rare message without a sender).
fn user_id(msg: &Message) -> i64 {
    msg.from.as_ref().map_or(0, |u| u.id.0 as i64)
}

/// A message while a help request is being written.
pub async fn request_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    (step, draft): (Step, Draft),
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        let screen = requesting::on_message(&ctx, &dialogue, &msg, lang, step, draft).await?;
        Ok(screen)
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// Runs a message handler's work and sends its screen, apologizing if it fails.
async fn answer_message<F>(
    bot: &Bot,
    ctx: &BotContext,
    msg: &Message,
    lang: Lang,
    work: F,
) -> HandlerResult
where
    F: std::future::Future<Output = Result<Screen, BotError>>,
{
    let result = async {
        let screen = work.await?;
        send(bot, ctx, msg.chat.id, screen).await?;
        Ok(())
    }
    .await;
    apologize_on_error(bot, ctx, msg.chat.id, lang, result).await
}

/// A message while a request for a trainer or expert is being written.
pub async fn expert_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    (step, draft): (ExpertStep, ExpertDraft),
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = expert_request::on_message(&ctx, &dialogue, &msg, lang, step, draft);
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// A staff member's proposal after Offer.
pub async fn proposing_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    code: String,
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        Ok(match typed_text(&ctx, lang, &msg) {
            Err(hint) => hint,
            Ok(text) => {
                experts::proposal(&ctx, &dialogue, user_id(&msg), lang, &code, text).await?
            }
        })
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// An optional comment after a rating.
pub async fn commenting_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    (code, side, stars): (String, String, u8),
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        Ok(match typed_text(&ctx, lang, &msg) {
            Err(hint) => hint,
            Ok(text) => {
                feedback::comment(&ctx, &dialogue, lang, (&code, &side, stars), text).await?
            }
        })
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// A message while a material is being published.
pub async fn material_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    (step, draft): (MaterialStep, MaterialDraft),
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = materials::on_message(&ctx, &dialogue, &msg, lang, step, draft);
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// Sends a material: a document by its file id, or a link.
async fn send_material(
    bot: &Bot,
    ctx: &BotContext,
    chat: ChatId,
    delivery: materials::Delivery,
) -> Result<(), BotError> {
    match delivery {
        materials::Delivery::Text(screen) => send(bot, ctx, chat, screen).await?,
        materials::Delivery::Document {
            file_id,
            caption,
            keyboard,
        } => {
            let file = teloxide::types::InputFile::file_id(teloxide::types::FileId(file_id));
            let mut request = bot
                .send_document(chat, file)
                .caption(caption)
                .parse_mode(ParseMode::Html);
            if let Some(keyboard) = keyboard {
                request = request.reply_markup(keyboard);
            }
            let sent = request.await?;
            ctx.remember_message(chat, sent.id);
        }
    }
    Ok(())
}

/// Who is writing in a relay conversation.
#[derive(Clone, Copy)]
enum Side {
    Requester,
    Staff,
}

/// A message in a relay conversation: passed on to the other side, or a hint for a command.
async fn relay_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    code: String,
    side: Side,
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        let screen = match (msg.text(), side) {
            (Some(text), _) if text.starts_with('/') => hint(&ctx, lang, Msg::UnknownCommand),
            (_, Side::Requester) => {
                relay::from_requester(&ctx, &dialogue, &msg, lang, &code).await?
            }
            (_, Side::Staff) => relay::from_staff(&ctx, &dialogue, &msg, lang, &code).await?,
        };
        Ok(screen)
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// A message while the requester writes to the organization.
pub async fn writing_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    code: String,
) -> HandlerResult {
    relay_message(bot, ctx, dialogue, msg, code, Side::Requester).await
}

/// A message while a staff member replies to a requester.
pub async fn replying_message(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    code: String,
) -> HandlerResult {
    relay_message(bot, ctx, dialogue, msg, code, Side::Staff).await
}

/// Counts for coordinators — never content: refused buttons, requests no organization could
/// take, open referrals, messages waiting to be delivered.
fn stats(ctx: &BotContext, lang: Lang) -> Result<Screen, BotError> {
    let open: usize = ctx.store.open_referral_counts()?.values().sum();
    let text = ctx.i18n.with(
        lang,
        Msg::AdminStats,
        &[
            (
                "security",
                Arg::Num(ctx.store.counter("security_events")? as i64),
            ),
            ("unplaced", Arg::Num(ctx.store.counter("unplaced")? as i64)),
            ("open", Arg::Num(open as i64)),
            ("outbox", Arg::Num(ctx.store.outbox_len() as i64)),
        ],
    );
    let count = |name: &str| ctx.store.counter(name).map(|n| Arg::Num(n as i64));
    let feedback = ctx.i18n.with(
        lang,
        Msg::AdminFeedbackStats,
        &[
            ("yes", count("help_yes")?),
            ("partly", count("help_partly")?),
            ("no", count("help_no")?),
            ("held", count("held")?),
            ("notheld", count("not_held")?),
            ("eunplaced", count("expert_unplaced")?),
            ("nooffer", count("expert_no_offer")?),
        ],
    );
    Ok(render::info(&ctx.i18n, lang, format!("{text}\n{feedback}")))
}

/// A coordinator's invitation for an organization's staff.
async fn invite(ctx: &BotContext, lang: Lang, me: &Me, org_id: &str) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let Some(org) = ctx.index.find(org_id) else {
        let shown = html::escape(&html::truncate(org_id, 40));
        let text = i18n.with(lang, Msg::InviteUnknownOrg, &[("id", Arg::Str(&shown))]);
        return Ok(render::info(i18n, lang, text));
    };
    let code = ctx.store.create_invite(&org.id, ctx.now())?;
    ctx.store.flush().await?;
    tracing::info!("invitation created");
    let link = format!("https://t.me/{}?start=join-{code}", me.username());
    let text = i18n.with(
        lang,
        Msg::InviteCreated,
        &[
            ("org", Arg::Str(&html::escape(org.name.get(lang)))),
            ("code", Arg::Str(&code)),
            ("link", Arg::Str(&html::escape(&link))),
        ],
    );
    Ok(render::info(i18n, lang, text))
}

/// Uses an invitation: the person becomes staff of its organization.
async fn join(ctx: &BotContext, lang: Lang, msg: &Message, code: &str) -> Result<Screen, BotError> {
    let i18n = &ctx.i18n;
    let Some(user) = msg.from.as_ref() else {
        return Ok(hint(ctx, lang, Msg::JoinInvalid));
    };
    let joined =
        ctx.store
            .accept_invite(code.trim(), user.id.0 as i64, msg.chat.id.0, ctx.now())?;
    if joined.is_ok() {
        // New referrals reach staff in the language they joined in.
        super::workflow::remember_language(ctx, user.id.0 as i64, lang)?;
    }
    ctx.store.flush().await?;
    Ok(match joined {
        Ok(org_id) => {
            tracing::info!("a staff member joined an organization");
            let name = ctx
                .index
                .find(&org_id)
                .map(|o| o.name.get(lang).to_string())
                .unwrap_or(org_id);
            render::info(
                i18n,
                lang,
                i18n.with(
                    lang,
                    Msg::JoinDone,
                    &[("org", Arg::Str(&html::escape(&name)))],
                ),
            )
        }
        Err(_) => {
            tracing::info!("an invalid invitation was used");
            hint(ctx, lang, Msg::JoinInvalid)
        }
    })
}

/// Deletes everything about the person, tells organizations whose referral was open, and
/// only then confirms.
async fn forget(
    bot: &Bot,
    ctx: &BotContext,
    lang: Lang,
    user_id: i64,
    chat: ChatId,
) -> Result<(), BotError> {
    let forgotten = ctx.store.forget_person(user_id, chat.0, ctx.now() * 1000)?;
    let mut notices = Vec::new();
    for (code, org) in &forgotten.open_referrals {
        notices.extend(super::workflow::staff_notice(
            ctx,
            org,
            Msg::ForgetWithdrawn,
            code,
        )?);
    }
    ctx.store.enqueue(&notices, ctx.now() * 1000)?;
    ctx.commit().await?;
    tracing::info!(
        requests = forgotten.requests,
        "a person's data was deleted on request"
    );
    // Telegram deletes what it still allows (48 hours); older messages stay, as the reply says.
    for ids in forgotten.recent_messages.chunks(100) {
        let ids: Vec<MessageId> = ids.iter().map(|&id| MessageId(id)).collect();
        if bot.delete_messages(chat, ids).await.is_err() {
            tracing::info!("some messages could not be deleted from the chat");
        }
    }
    // The confirmation is not remembered: nothing about the person is kept after this.
    let done = render::info(&ctx.i18n, lang, ctx.i18n.text(lang, Msg::ForgetDone));
    send_unrecorded(bot, chat, done, false).await?;
    Ok(())
}

/// The text a person typed, or the hint to send instead: for a sticker, photo or voice
/// message, and for a command that is not ours (ours are handled before this).
fn typed_text<'m>(ctx: &BotContext, lang: Lang, msg: &'m Message) -> Result<&'m str, Screen> {
    match msg.text() {
        None => Err(hint(ctx, lang, Msg::TextExpected)),
        Some(text) if text.starts_with('/') => Err(hint(ctx, lang, Msg::UnknownCommand)),
        Some(text) => Ok(text),
    }
}

/// Text while choosing a region: a place name, resolved to a region.
pub async fn region_text(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
    topic: String,
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        let screen = match typed_text(&ctx, lang, &msg) {
            Err(hint) => hint,
            Ok(text) => match ctx.index.resolve_region(text) {
                Some(region) => {
                    let region = RegionChoice::Region(region.code.clone());
                    dialogue.exit().await?;
                    topic_results(&ctx, lang, &topic, &region, 0)
                }
                None => {
                    let shown = html::escape(&html::truncate(text, 60));
                    Screen {
                        text: ctx.i18n.with(
                            lang,
                            Msg::RegionNotRecognised,
                            &[("text", Arg::Str(&shown))],
                        ),
                        keyboard: None,
                    }
                }
            },
        };
        Ok(screen)
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

/// Any other message: text is a free-text search; anything else gets a hint.
pub async fn free_text(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    msg: Message,
) -> HandlerResult {
    let lang = ctx.lang(msg.from.as_ref());
    let work = async {
        let screen = match typed_text(&ctx, lang, &msg) {
            Err(hint) => hint,
            Ok(text) => {
                let query = ctx.index.parse_query(text);
                if query.is_empty() {
                    hint(&ctx, lang, Msg::EmptyQuery)
                } else {
                    let state = State::TextResults {
                        topics: query.topics,
                        region: query.region,
                        terms: query.terms,
                    };
                    dialogue.update(state.clone()).await?;
                    text_results(&ctx, lang, &state, 0)
                        .unwrap_or_else(|| hint(&ctx, lang, Msg::EmptyQuery))
                }
            }
        };
        Ok(screen)
    };
    answer_message(&bot, &ctx, &msg, lang, work).await
}

fn topic_results(
    ctx: &BotContext,
    lang: Lang,
    topic: &str,
    region: &RegionChoice,
    page: u16,
) -> Screen {
    let i18n = &ctx.i18n;
    let taxonomy = ctx.index.taxonomy();
    let found = ctx.index.by_topic_and_region(topic, region, ctx.today());
    let header = render::topic_region_header(i18n, lang, taxonomy, topic, region, found.len());
    let mut extra = Vec::new();
    if *region != RegionChoice::Nationwide {
        let all = Callback::Results {
            topic: topic.to_string(),
            region: RegionChoice::Nationwide,
            page: 0,
        };
        extra.push(all.encode().ok().map(|d| {
            teloxide::types::InlineKeyboardButton::callback(i18n.text(lang, Msg::BtnNationwide), d)
        }));
    }
    extra.push(Callback::Find.encode().ok().map(|d| {
        teloxide::types::InlineKeyboardButton::callback(i18n.text(lang, Msg::BtnTopics), d)
    }));
    let page_cb = |p| Callback::Results {
        topic: topic.to_string(),
        region: region.clone(),
        page: p,
    };
    render::results(i18n, lang, header, &found, page as usize, page_cb, extra)
}

fn text_results(ctx: &BotContext, lang: Lang, state: &State, page: u16) -> Option<Screen> {
    let State::TextResults {
        topics,
        region,
        terms,
    } = state
    else {
        return None;
    };
    let query = crate::domain::TextQuery {
        topics: topics.clone(),
        region: region.clone(),
        terms: terms.clone(),
    };
    let found = ctx.index.search_text(&query, ctx.today());
    let header = render::text_header(
        &ctx.i18n,
        lang,
        ctx.index.taxonomy(),
        topics,
        region.as_deref(),
        terms,
        found.len(),
    );
    Some(render::results(
        &ctx.i18n,
        lang,
        header,
        &found,
        page as usize,
        Callback::TextPage,
        Vec::new(),
    ))
}

// --- buttons ---

/// The screen a dialogue's button led to, or — if the button did not belong to the chat's
/// current step (old or forged) — "this button has expired", counted as a security event.
fn or_stale(ctx: &BotContext, lang: Lang, screen: Option<Screen>) -> Screen {
    screen.unwrap_or_else(|| {
        ctx.security_event("stale");
        hint(ctx, lang, Msg::ButtonExpired)
    })
}

/// Decodes a button and checks that what it points at still exists.
fn valid_callback(ctx: &BotContext, state: &State, data: Option<&str>) -> Option<Callback> {
    let callback = Callback::decode(data?).ok()?;
    let taxonomy = ctx.index.taxonomy();
    let ok = match &callback {
        Callback::Topic(topic) => taxonomy.topic(topic).is_some(),
        Callback::Results { topic, region, .. } => {
            taxonomy.topic(topic).is_some()
                && match region {
                    RegionChoice::Nationwide => true,
                    RegionChoice::Region(code) => taxonomy.region(code).is_some(),
                }
        }
        Callback::Org(id) | Callback::AskOrg(id) => ctx.index.visible(id, ctx.today()).is_some(),
        Callback::MaterialTopic(topic) => taxonomy.topic(topic).is_some(),
        Callback::TextPage(_) => matches!(state, State::TextResults { .. }),
        _ => true,
    };
    ok.then_some(callback)
}

pub async fn callback(
    bot: Bot,
    ctx: Arc<BotContext>,
    dialogue: PoruchDialogue,
    q: CallbackQuery,
    // The chat's state as the dialogue layer already loaded it: read once per press.
    state: State,
) -> HandlerResult {
    let mut lang = ctx.lang(Some(&q.from));
    let chat = q.chat_id().unwrap_or(ChatId(q.from.id.0 as i64));
    let message = q.message.as_ref().map(|m| m.id());
    let Some(callback) = valid_callback(&ctx, &state, q.data.as_deref()) else {
        ctx.security_event("undecodable");
        bot.answer_callback_query(q.id.clone())
            .text(ctx.i18n.text(lang, Msg::ButtonExpired))
            .await?;
        send(&bot, &ctx, chat, hint(&ctx, lang, Msg::ButtonExpired)).await?;
        return Ok(());
    };
    bot.answer_callback_query(q.id.clone()).await?;
    let result = async {
        let i18n = &ctx.i18n;
        // Any other button ends an unwritten comment (see `command`).
        if matches!(state, State::Commenting { .. }) && callback != Callback::SkipText {
            dialogue.exit().await?;
        }
        let taxonomy = ctx.index.taxonomy();
        match callback {
            Callback::Menu => send(&bot, &ctx, chat, render::menu(i18n, lang)).await?,
            Callback::Find => {
                dialogue.exit().await?;
                send(&bot, &ctx, chat, render::topics(i18n, lang, taxonomy)).await?
            }
            Callback::Urgent => {
                send(
                    &bot,
                    &ctx,
                    chat,
                    render::hotlines(i18n, lang, &ctx.hotlines),
                )
                .await?
            }
            Callback::Language => send(&bot, &ctx, chat, render::language(i18n, lang)).await?,
            Callback::Privacy => {
                send(
                    &bot,
                    &ctx,
                    chat,
                    render::info(i18n, lang, privacy_text(&ctx, lang)),
                )
                .await?
            }
            Callback::SetLang(new) => {
                ctx.store.set_user_language(q.from.id.0 as i64, new)?;
                ctx.store.flush().await?;
                lang = new;
                send(&bot, &ctx, chat, hint(&ctx, lang, Msg::LanguageSet)).await?
            }
            Callback::Topic(topic) => {
                dialogue
                    .update(State::ChoosingRegion {
                        topic: topic.clone(),
                    })
                    .await?;
                edit_or_send(
                    &bot,
                    &ctx,
                    chat,
                    message,
                    render::regions(i18n, lang, taxonomy, &topic),
                )
                .await?
            }
            Callback::Results {
                topic,
                region,
                page,
            } => {
                dialogue.exit().await?;
                edit_or_send(
                    &bot,
                    &ctx,
                    chat,
                    message,
                    topic_results(&ctx, lang, &topic, &region, page),
                )
                .await?
            }
            Callback::TextPage(page) => {
                let screen = text_results(&ctx, lang, &state, page)
                    .unwrap_or_else(|| hint(&ctx, lang, Msg::ButtonExpired));
                edit_or_send(&bot, &ctx, chat, message, screen).await?
            }
            Callback::ForgetConfirmed => forget(&bot, &ctx, lang, q.from.id.0 as i64, chat).await?,
            Callback::Ask | Callback::AskOrg(_) => {
                let org = match callback {
                    Callback::AskOrg(id) => Some(id),
                    _ => None,
                };
                let screen = requesting::start(&ctx, &dialogue, lang, org)
                    .await?
                    .unwrap_or_else(|| hint(&ctx, lang, Msg::ButtonExpired));
                send(&bot, &ctx, chat, screen).await?
            }
            Callback::Draft(input) => {
                let screen = or_stale(
                    &ctx,
                    lang,
                    requesting::on_button(&ctx, &dialogue, state, chat, lang, input).await?,
                );
                send(&bot, &ctx, chat, screen).await?
            }
            Callback::Token(token) => {
                let user = q.from.id.0 as i64;
                match referrals::press(&ctx, &dialogue, user, lang, &token).await? {
                    Pressed::Show {
                        screen,
                        protect: true,
                    } => send_protected(&bot, &ctx, chat, screen).await?,
                    Pressed::Show { screen, .. } => send(&bot, &ctx, chat, screen).await?,
                    Pressed::Refused(kind) => {
                        ctx.security_event(kind);
                        send(&bot, &ctx, chat, hint(&ctx, lang, Msg::NotAllowed)).await?
                    }
                }
            }
            Callback::ExpertStart => {
                let screen = expert_request::start(&ctx, &dialogue, lang).await?;
                send(&bot, &ctx, chat, screen).await?
            }
            Callback::Expert(input) => {
                let screen = or_stale(
                    &ctx,
                    lang,
                    expert_request::on_button(&ctx, &dialogue, state, chat, lang, input).await?,
                );
                send(&bot, &ctx, chat, screen).await?
            }
            Callback::Materials => {
                edit_or_send(&bot, &ctx, chat, message, materials::topics(&ctx, lang)?).await?
            }
            Callback::MaterialTopic(topic) => {
                let screen = materials::topic(&ctx, lang, &topic)?;
                edit_or_send(&bot, &ctx, chat, message, screen).await?
            }
            Callback::Material(id) => {
                match materials::delivery(&ctx, q.from.id.0 as i64, lang, &id)? {
                    Some(delivery) => send_material(&bot, &ctx, chat, delivery).await?,
                    None => send(&bot, &ctx, chat, hint(&ctx, lang, Msg::ButtonExpired)).await?,
                }
            }
            Callback::PublishTopic(topic) => {
                let user = q.from.id.0 as i64;
                let screen = or_stale(
                    &ctx,
                    lang,
                    materials::publish(&ctx, &dialogue, user, lang, &state, &topic).await?,
                );
                send(&bot, &ctx, chat, screen).await?
            }
            Callback::SkipText => {
                let screen = match &state {
                    State::Commenting { .. } => {
                        dialogue.exit().await?;
                        render::info(i18n, lang, i18n.text(lang, Msg::CommentSkipped))
                    }
                    _ => match materials::skip_title(&ctx, &dialogue, lang, &state).await? {
                        Some(screen) => screen,
                        None => hint(&ctx, lang, Msg::ButtonExpired),
                    },
                };
                send(&bot, &ctx, chat, screen).await?
            }
            Callback::Org(id) => {
                let screen = match ctx.index.visible(&id, ctx.today()) {
                    Some(org) => {
                        let ratings = ctx.store.ratings(&org.id)?;
                        let rating = ratings
                            .shown(ctx.min_ratings)
                            .map(|avg| (avg, ratings.count));
                        render::card(i18n, lang, taxonomy, org, rating)
                    }
                    None => hint(&ctx, lang, Msg::ButtonExpired),
                };
                send(&bot, &ctx, chat, screen).await?
            }
        }
        Ok(())
    }
    .await;
    apologize_on_error(&bot, &ctx, chat, lang, result).await
}
