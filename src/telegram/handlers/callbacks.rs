//! Button presses. Each callback query is answered at once (exactly once); the button's data
//! is decoded and checked against what exists; a token button goes to the router
//! (`telegram::actions`); a dialogue's button goes to its dialogue.

use std::sync::Arc;

use teloxide::dispatching::dialogue::GetChatId;
use teloxide::prelude::*;

use super::{apologize_on_error, hint};
use crate::app::{coordination, discreet, hide, materials};
use crate::domain::{Lang, RegionChoice, TextQuery};
use crate::i18n::Msg;
use crate::telegram::actions::{self, Next};
use crate::telegram::callback::{Callback, DraftInput};
use crate::telegram::dialogue::{expert, help, materials as publish};
use crate::telegram::render::materials::Delivery;
use crate::telegram::render::{self, Screen};
use crate::telegram::send::{delete_messages, edit_or_send, send, send_document, send_unrecorded};
use crate::telegram::{BotContext, BotError, HandlerResult, PoruchDialogue, State};

/// The screen a dialogue's button led to, or — if the button did not belong to the chat's
/// current step (an earlier step's, or a finished dialogue's) — "this button has expired".
/// Not a security event: a dialogue's buttons only ever act on the chat's own draft.
fn or_stale(ctx: &BotContext, lang: Lang, screen: Option<Screen>) -> Screen {
    screen.unwrap_or_else(|| hint(ctx, lang, Msg::ButtonExpired))
}

/// The screen of the step a chat's dialogue is at.
fn current_step(ctx: &BotContext, lang: Lang, state: &State) -> Result<Option<Screen>, BotError> {
    Ok(match state {
        State::Requesting { step, draft } => Some(help::screen(ctx, lang, *step, draft)?),
        State::Expert { step, draft } => Some(expert::screen(ctx, lang, *step, draft)),
        State::Material { step, .. } => Some(publish::screen(ctx, lang, *step)),
        _ => None,
    })
}

/// Decodes a button and checks that what it points at still exists.
fn valid_callback(ctx: &BotContext, state: &State, data: Option<&str>) -> Option<Callback> {
    let callback = Callback::decode(data?).ok()?;
    let directory = ctx.app.directory();
    let taxonomy = directory.taxonomy();
    let ok = match &callback {
        Callback::Topic(topic) => taxonomy.topic(topic).is_some(),
        Callback::Results { topic, region, .. } => {
            taxonomy.topic(topic).is_some()
                && match region {
                    RegionChoice::Nationwide => true,
                    RegionChoice::Region(code) => taxonomy.region(code).is_some(),
                }
        }
        Callback::Org(id) | Callback::AskOrg(id) => {
            directory.visible(id, ctx.app.today()).is_some()
        }
        Callback::MaterialTopic(topic) => taxonomy.topic(topic).is_some(),
        Callback::TextPage(_) | Callback::TextNationwide => {
            matches!(state, State::TextResults { .. })
        }
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
    let lang = ctx.lang(Some(&q.from));
    let chat = q.chat_id().unwrap_or(ChatId(q.from.id.0 as i64));
    let Some(callback) = valid_callback(&ctx, &state, q.data.as_deref()) else {
        ctx.app.security_event("undecodable");
        bot.answer_callback_query(q.id.clone())
            .text(ctx.i18n.text(lang, Msg::ButtonExpired))
            .await?;
        send(
            &bot,
            &ctx,
            chat,
            hint(&ctx, lang, Msg::ButtonExpired),
            false,
        )
        .await?;
        return Ok(());
    };
    bot.answer_callback_query(q.id.clone()).await?;
    let press = Press {
        bot: &bot,
        ctx: &ctx,
        dialogue: &dialogue,
        chat,
        who: q.from.id.0 as i64,
        message: q.message.as_ref().map(|m| m.id()),
    };
    let result = press.handle(callback, state, lang).await;
    apologize_on_error(&bot, &ctx, chat, lang, result).await
}

/// A press being handled: where it came from.
struct Press<'a> {
    bot: &'a Bot,
    ctx: &'a BotContext,
    dialogue: &'a PoruchDialogue,
    chat: ChatId,
    who: i64,
    /// The message the button was on (edited in place where that makes sense).
    message: Option<teloxide::types::MessageId>,
}

impl Press<'_> {
    async fn send(&self, screen: Screen) -> HandlerResult {
        send(self.bot, self.ctx, self.chat, screen, false).await?;
        Ok(())
    }

    async fn edit(&self, screen: Screen) -> HandlerResult {
        edit_or_send(self.bot, self.ctx, self.chat, (self.message, false), screen).await?;
        Ok(())
    }

    /// In place of a protected message (a notice): protected too if it must be sent anew.
    async fn edit_protected(&self, screen: Screen) -> HandlerResult {
        edit_or_send(self.bot, self.ctx, self.chat, (self.message, true), screen).await?;
        Ok(())
    }

    async fn handle(&self, callback: Callback, state: State, mut lang: Lang) -> HandlerResult {
        let ctx = self.ctx;
        let i18n = &ctx.i18n;
        let app = &ctx.app;
        let directory = app.directory();
        let taxonomy = directory.taxonomy();
        // Any other button ends an unwritten comment (a comment is only ever the very next
        // message after a rating).
        if matches!(state, State::Commenting { .. }) && callback != Callback::SkipText {
            self.dialogue.exit().await?;
        }
        match callback {
            // The menu leaves whatever the chat was in: text typed next is a search, never a
            // message to an organization or a step of a forgotten draft.
            Callback::Menu => {
                if state != State::Idle {
                    self.dialogue.exit().await?;
                }
                self.send(render::menu(i18n, lang)).await
            }
            Callback::StopWriting => {
                let screen = if state.is_writing() {
                    self.dialogue.exit().await?;
                    render::info(i18n, lang, i18n.text(lang, Msg::WritingLeft))
                } else {
                    render::menu(i18n, lang)
                };
                self.edit(screen).await
            }
            Callback::Find => {
                self.dialogue.exit().await?;
                self.send(render::search::topics(i18n, lang, taxonomy))
                    .await
            }
            Callback::Urgent => self.send(render::hotlines(i18n, lang, &ctx.hotlines)).await,
            Callback::Language => {
                let full = discreet::full_notices(app, self.who)?;
                self.send(render::language(i18n, lang, full)).await
            }
            Callback::Notices(full) => {
                discreet::set_full_notices(app, self.who, full)
                    .await?
                    .into_inner();
                let screen = render::language(i18n, lang, full);
                self.edit(Screen {
                    text: format!("{}\n\n{}", i18n.text(lang, Msg::NoticesSet), screen.text),
                    ..screen
                })
                .await
            }
            Callback::Privacy => {
                self.send(render::coordination::privacy_short(i18n, lang))
                    .await
            }
            Callback::PrivacyMore => {
                self.edit(render::coordination::privacy(
                    i18n,
                    lang,
                    app.config.retention_days,
                ))
                .await
            }
            Callback::SetLang(new) => {
                app.set_language(self.who, new).await?.into_inner();
                lang = new;
                self.send(hint(ctx, lang, Msg::LanguageSet)).await
            }
            Callback::Topic(topic) => {
                let screen = render::search::regions(i18n, lang, taxonomy, &topic);
                self.dialogue
                    .update(State::ChoosingRegion { topic })
                    .await?;
                self.edit(screen).await
            }
            Callback::Results {
                topic,
                region,
                page,
            } => {
                self.dialogue.exit().await?;
                let screen = render::search::topic_results(
                    i18n,
                    lang,
                    (&directory, &ctx.hotlines),
                    app.today(),
                    (&topic, &region, page),
                );
                self.edit(screen).await
            }
            Callback::TextPage(page) => {
                let screen = match state {
                    State::TextResults {
                        topics,
                        region,
                        terms,
                    } => {
                        let query = TextQuery {
                            topics,
                            region,
                            terms,
                        };
                        let at = (&*directory, &ctx.hotlines[..]);
                        render::search::text_results(i18n, lang, at, app.today(), &query, page).0
                    }
                    _ => hint(ctx, lang, Msg::ButtonExpired),
                };
                self.edit(screen).await
            }
            // The same search without its region: the state keeps what was understood.
            Callback::TextNationwide => {
                let screen = match state {
                    State::TextResults { topics, terms, .. } => {
                        let query = TextQuery {
                            topics,
                            region: None,
                            terms,
                        };
                        self.dialogue
                            .update(State::TextResults {
                                topics: query.topics.clone(),
                                region: None,
                                terms: query.terms.clone(),
                            })
                            .await?;
                        let at = (&*directory, &ctx.hotlines[..]);
                        render::search::text_results(i18n, lang, at, app.today(), &query, 0).0
                    }
                    _ => hint(ctx, lang, Msg::ButtonExpired),
                };
                self.edit(screen).await
            }
            Callback::ForgetConfirmed => self.forget(lang).await,
            Callback::Hide => self.edit(render::hide_confirm(i18n, lang)).await,
            Callback::HideConfirmed => self.hide(lang).await,
            Callback::Ask | Callback::AskOrg(_) => {
                let org = match callback {
                    Callback::AskOrg(id) => Some(id),
                    _ => None,
                };
                let screen = help::start(ctx, self.dialogue, (self.chat, lang), org)
                    .await?
                    .unwrap_or_else(|| hint(ctx, lang, Msg::ButtonExpired));
                self.send(screen).await
            }
            Callback::Draft(input) => self.draft(input, state, lang).await,
            Callback::Token(token) => self.token(&token, state, lang).await,
            Callback::ExpertStart => {
                let screen = expert::start(ctx, self.dialogue, (self.chat, lang)).await?;
                self.send(screen).await
            }
            Callback::Expert(input) => {
                let screen =
                    expert::on_button(ctx, self.dialogue, state.clone(), self.chat, lang, input)
                        .await?;
                self.step(screen, &state, lang).await
            }
            Callback::Materials => {
                let listed = materials::listed(app)?;
                self.edit(render::materials::topics(i18n, lang, taxonomy, &listed))
                    .await
            }
            Callback::MaterialTopic(topic) => {
                let listed = materials::listed(app)?;
                let screen = render::materials::topic(i18n, lang, taxonomy, &topic, &listed);
                self.edit(screen).await
            }
            Callback::Material(id) => match materials::find(app, &id)? {
                Some(material) => {
                    match render::materials::delivery(ctx, self.who, lang, material)? {
                        Delivery::Text(screen) => self.send(screen).await,
                        Delivery::Document {
                            file_id,
                            caption,
                            keyboard,
                        } => {
                            send_document(self.bot, ctx, self.chat, file_id, caption, keyboard)
                                .await?;
                            Ok(())
                        }
                    }
                }
                None => self.send(hint(ctx, lang, Msg::ButtonExpired)).await,
            },
            Callback::PublishTopic(topic) => {
                let screen =
                    publish::publish(ctx, self.dialogue, self.who, lang, &state, &topic).await?;
                self.send(or_stale(ctx, lang, screen)).await
            }
            Callback::SkipText => {
                let screen = match &state {
                    State::Commenting { .. } => {
                        self.dialogue.exit().await?;
                        render::info(i18n, lang, i18n.text(lang, Msg::CommentSkipped))
                    }
                    _ => publish::skip_title(ctx, self.dialogue, lang, &state)
                        .await?
                        .unwrap_or_else(|| hint(ctx, lang, Msg::ButtonExpired)),
                };
                self.send(screen).await
            }
            Callback::Org(id) => {
                let screen = match directory.visible(&id, app.today()) {
                    Some(org) => {
                        let ratings = app.store.ratings(&org.id)?;
                        let rating = ratings
                            .shown(app.config.min_ratings)
                            .map(|avg| (avg, ratings.count));
                        render::search::card(i18n, lang, taxonomy, org, rating)
                    }
                    None => hint(ctx, lang, Msg::ButtonExpired),
                };
                self.send(screen).await
            }
        }
    }

    /// A dialogue's own controls (‹ Back, Cancel — which asks first if she typed something —
    /// and "no, back to the step"), or a help request's step.
    async fn draft(&self, input: DraftInput, state: State, lang: Lang) -> HandlerResult {
        let ctx = self.ctx;
        let i18n = &ctx.i18n;
        let screen = match input {
            DraftInput::Cancel if state.in_dialogue() && state.has_typed() => {
                Some(render::cancel_confirm(i18n, lang))
            }
            DraftInput::Cancel | DraftInput::CancelConfirmed if state.in_dialogue() => {
                self.dialogue.exit().await?;
                Some(render::info(i18n, lang, i18n.text(lang, Msg::Cancelled)))
            }
            DraftInput::Stay => current_step(ctx, lang, &state)?,
            DraftInput::Back => match state.clone() {
                State::Expert { step, draft } => {
                    expert::back(ctx, self.dialogue, lang, step, draft).await?
                }
                other => help::on_button(ctx, self.dialogue, other, self.chat, lang, input).await?,
            },
            _ => help::on_button(ctx, self.dialogue, state.clone(), self.chat, lang, input).await?,
        };
        self.step(screen, &state, lang).await
    }

    /// Shows a dialogue step in place of the message its button was on. A button that does
    /// not belong to the current step shows where the dialogue is now, as a new message.
    async fn step(&self, screen: Option<Screen>, state: &State, lang: Lang) -> HandlerResult {
        let ctx = self.ctx;
        match screen {
            Some(screen) => self.edit(screen).await,
            None => match current_step(ctx, lang, state)? {
                Some(now) => {
                    let note = ctx.i18n.text(lang, Msg::StepMoved);
                    self.send(Screen {
                        text: format!("{note}\n\n{}", now.text),
                        keyboard: now.keyboard,
                    })
                    .await
                }
                None => self.send(or_stale(ctx, lang, None)).await,
            },
        }
    }

    /// A token button: the router decides; the dialogue follows what it says.
    async fn token(&self, token: &str, state: State, lang: Lang) -> HandlerResult {
        match actions::press(self.ctx, self.who, lang, token).await? {
            Ok(actions::Shown {
                screen,
                protect,
                next,
                in_place,
            }) => {
                match next {
                    Next::Keep => {}
                    Next::Set(new) => self.dialogue.update(new).await?,
                    Next::LeaveWriting(code) => {
                        if state == (State::Writing { code }) {
                            self.dialogue.exit().await?;
                        }
                    }
                }
                if in_place {
                    self.edit_protected(screen).await
                } else {
                    send(self.bot, self.ctx, self.chat, screen, protect).await?;
                    Ok(())
                }
            }
            Err(kind) => {
                self.ctx.app.security_event(kind);
                self.send(hint(self.ctx, lang, Msg::NotAllowed)).await
            }
        }
    }

    /// The quick exit: deletes the chat's last 48 hours (this message included) and leaves
    /// one neutral line saying what could not be done.
    async fn hide(&self, lang: Lang) -> HandlerResult {
        let hidden = hide::hide(&self.ctx.app, self.chat.0).await?.into_inner();
        let failed = delete_messages(self.bot, self.chat, &hidden.messages).await;
        let deleted = hidden.messages.len().saturating_sub(failed);
        send(
            self.bot,
            self.ctx,
            self.chat,
            render::hide_done(&self.ctx.i18n, lang, deleted, failed),
            false,
        )
        .await?;
        Ok(())
    }

    /// Deletes everything about the person, tells organizations whose referral was open, and
    /// only then confirms; then deletes the chat's recent messages.
    async fn forget(&self, lang: Lang) -> HandlerResult {
        let forgotten = coordination::forget(&self.ctx.app, self.who, self.chat.0)
            .await?
            .into_inner();
        // Telegram deletes what it still allows (48 hours); older messages stay, as the reply
        // says.
        delete_messages(self.bot, self.chat, &forgotten.recent_messages).await;
        // The confirmation is not remembered: nothing about the person is kept after this.
        let i18n = &self.ctx.i18n;
        let done = render::info(i18n, lang, i18n.text(lang, Msg::ForgetDone));
        send_unrecorded(self.bot, self.ctx, self.chat, done, false).await?;
        Ok(())
    }
}
