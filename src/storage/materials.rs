//! Materials published through the bot, and which materials (from the bot or the directory
//! file) coordinators have hidden.
//!
//! Trees:
//! - `materialid_material`: material id ("m-" + 8 hex) → `MaterialRecord` (JSON)
//! - `materialid_hiddenat`: material id → unix seconds (i64 big-endian) it was hidden

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, corrupt};
use crate::domain::material::{Material, Source};
use crate::domain::{Localized, Timestamp};

#[derive(Serialize, Deserialize)]
struct MaterialRecord {
    org: String,
    title_uk: String,
    title_en: Option<String>,
    topics: Vec<String>,
    /// Exactly one of the two.
    file_id: Option<String>,
    url: Option<String>,
    published_at: i64,
}

impl Store {
    /// A fresh id for a material published through the bot.
    pub fn new_material_id(&self) -> Result<String, StoreError> {
        loop {
            let random = super::crypto::Sealer::random4();
            let id = format!(
                "m-{}",
                random
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            );
            if !self.materialid_material.contains_key(id.as_bytes())? {
                return Ok(id);
            }
        }
    }

    /// Publishes a material. The caller flushes before confirming.
    pub fn publish_material(&self, material: &Material, now: Timestamp) -> Result<(), StoreError> {
        let (file_id, url) = match &material.source {
            Source::Document { file_id } => (Some(file_id.clone()), None),
            Source::Link { url } => (None, Some(url.clone())),
        };
        let record = MaterialRecord {
            org: material.org.clone(),
            title_uk: material.title.uk.clone(),
            title_en: material.title.en.clone(),
            topics: material.topics.clone(),
            file_id,
            url,
            published_at: now.secs(),
        };
        let bytes = serde_json::to_vec(&record).map_err(corrupt("materialid_material"))?;
        self.materialid_material
            .insert(material.id.as_bytes(), bytes)?;
        Ok(())
    }

    /// Every material published through the bot, oldest id first.
    pub fn published_materials(&self) -> Result<Vec<Material>, StoreError> {
        self.materialid_material
            .iter()
            .map(|item| {
                let (key, value) = item?;
                let r: MaterialRecord =
                    serde_json::from_slice(&value).map_err(corrupt("materialid_material"))?;
                let source = match (r.file_id, r.url) {
                    (Some(file_id), _) => Source::Document { file_id },
                    (None, Some(url)) => Source::Link { url },
                    (None, None) => {
                        return Err(StoreError::Corrupt {
                            tree: "materialid_material",
                            reason: "no file or link".into(),
                        });
                    }
                };
                Ok(Material {
                    id: String::from_utf8_lossy(&key).into_owned(),
                    org: r.org,
                    title: Localized {
                        uk: r.title_uk,
                        en: r.title_en,
                    },
                    topics: r.topics,
                    source,
                })
            })
            .collect()
    }

    /// Hides a material from `/materials` (a coordinator's decision).
    pub fn hide_material(&self, id: &str, now: Timestamp) -> Result<(), StoreError> {
        self.materialid_hiddenat
            .insert(id.as_bytes(), &now.secs().to_be_bytes())?;
        Ok(())
    }

    pub fn is_material_hidden(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.materialid_hiddenat.contains_key(id.as_bytes())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_material_is_listed_until_hidden() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::temporary()?;
        let id = store.new_material_id()?;
        assert!(crate::domain::material::valid_id(&id));
        let memo = Material {
            id: id.clone(),
            org: "org-a".into(),
            title: Localized::new("Пам'ятка", "Memo"),
            topics: vec!["crsv".into()],
            source: Source::Document {
                file_id: "BQACAgIAAx".into(),
            },
        };
        store.publish_material(&memo, Timestamp::from_secs(1))?;
        assert_eq!(store.published_materials()?, vec![memo]);
        assert!(!store.is_material_hidden(&id)?);
        store.hide_material(&id, Timestamp::from_secs(2))?;
        assert!(store.is_material_hidden(&id)?);
        Ok(())
    }
}
