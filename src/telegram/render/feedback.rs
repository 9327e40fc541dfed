//! The screens of questions afterwards: the stars, and the optional comment.

use super::{Buttons, Screen, button, info, keyboard};
use crate::app::act::Act;
use crate::domain::Lang;
use crate::domain::feedback::Side;
use crate::i18n::{Arg, Msg};
use crate::storage::StoreError;
use crate::telegram::callback::Callback;
use crate::telegram::context::BotContext;

/// "How would you rate it?" with 1 to 5 stars in one row.
pub fn stars(
    ctx: &BotContext,
    who: i64,
    lang: Lang,
    code: &str,
    side: Side,
) -> Result<Screen, StoreError> {
    let mut buttons = Buttons::new(ctx, who, lang);
    for n in 1..=5u8 {
        let label = ctx
            .i18n
            .with(lang, Msg::BtnStars, &[("n", Arg::Num(n.into()))]);
        buttons.add_text(label, Act::Rate(code.to_string(), side, n))?;
    }
    Ok(Screen {
        text: ctx.i18n.text(lang, Msg::AskRate),
        keyboard: Some(super::rows(vec![buttons.list])),
    })
}

/// Rated: a comment for the coordinators may follow, or be skipped.
pub fn rated(ctx: &BotContext, lang: Lang) -> Screen {
    let skip = button(
        ctx.i18n.text(lang, Msg::BtnSkipComment),
        &Callback::SkipText,
    );
    Screen {
        text: ctx.i18n.text(lang, Msg::Rated),
        keyboard: Some(keyboard(&ctx.i18n, lang, vec![skip])),
    }
}

pub fn done(ctx: &BotContext, lang: Lang, msg: Msg) -> Screen {
    info(&ctx.i18n, lang, ctx.i18n.text(lang, msg))
}
