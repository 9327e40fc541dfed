//! Materials: the directory's and those organizations' staff publish in the bot, minus those
//! a coordinator hid.

use super::access::{self, Refusal};
use super::{App, AppResult, Committed};
use crate::domain::Localized;
use crate::domain::material::{MAX_TITLE, Material, Source};

/// Every material anyone may receive.
pub fn listed(app: &App) -> AppResult<Vec<Material>> {
    let mut out = Vec::new();
    let published = app.store.published_materials()?;
    for m in app.materials.iter().chain(&published) {
        if !app.store.is_material_hidden(&m.id)? {
            out.push(m.clone());
        }
    }
    Ok(out)
}

/// One material, if it is listed.
pub fn find(app: &App, id: &str) -> AppResult<Option<Material>> {
    Ok(listed(app)?.into_iter().find(|m| m.id == id))
}

/// Whether `who` may publish (staff of an organization).
pub fn may_publish(app: &App, who: i64) -> AppResult<bool> {
    Ok(access::staff_org(app, who)?.is_ok())
}

/// A material as its publisher completed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMaterial {
    pub source: Source,
    pub title: Localized,
    pub topic: String,
}

/// What became of publishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    Done(Material),
    /// The topic is unknown or a title is too long: the dialogue should not let this through.
    Invalid,
    Refused(Refusal),
}

/// Publishes a material for `who`'s organization.
pub async fn publish(app: &App, who: i64, new: NewMaterial) -> AppResult<Committed<Published>> {
    let org = match access::staff_org(app, who)? {
        Ok(org) => org,
        Err(refusal) => return Ok(app.unchanged(Published::Refused(refusal))),
    };
    let too_long = new.title.all().any(|t| t.chars().count() > MAX_TITLE);
    if too_long || app.directory().taxonomy().topic(&new.topic).is_none() {
        return Ok(app.unchanged(Published::Invalid));
    }
    let material = Material {
        id: app.store.new_material_id()?,
        org,
        title: new.title,
        topics: vec![new.topic],
        source: new.source,
    };
    app.store.publish_material(&material, app.now())?;
    tracing::info!("an organization published a material");
    app.commit(Published::Done(material)).await
}

/// A coordinator hides a material.
pub async fn hide(app: &App, who: i64, id: &str) -> AppResult<Committed<Result<(), Refusal>>> {
    if let Err(refusal) = access::coordinator(app, who) {
        return Ok(app.unchanged(Err(refusal)));
    }
    app.store.hide_material(id, app.now())?;
    tracing::info!("a coordinator hid a material");
    app.commit(Ok(())).await
}
