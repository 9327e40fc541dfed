//! The domain: directory, taxonomy and search. Knows nothing of Telegram or of storage and
//! does no I/O; everything here is plain data and pure functions.

/// Serializes a closed set of values as its stable code (`code()` / `from_code()`), the same
/// code the store and the buttons use.
macro_rules! serde_as_code {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <String as serde::Deserialize>::deserialize(d)?;
                <$ty>::from_code(&code)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown code {code:?}")))
            }
        }
    };
}

pub mod audit;
pub mod expert;
pub mod feedback;
pub mod lang;
pub mod material;
pub mod monitoring;
pub mod normalize;
pub mod organization;
pub mod referral;
pub mod request;
pub mod routing;
pub mod search;
pub mod taxonomy;
pub mod time;
pub mod validate;
pub mod when;

pub use lang::{Lang, Localized};
pub use organization::{
    Audience, Contacts, Organization, RegionScope, Service, Vetting, VettingStatus,
};
pub use referral::{
    Action, DeclineReason, HelpKind, OnDecline, Outcome, ReferralStatus, Transition,
};
pub use request::{ContactChoice, HelpRequest, Referral, parse_contact};
pub use search::{RegionChoice, SearchIndex, TextQuery};
pub use taxonomy::{Hotline, Region, Taxonomy, Topic};
pub use time::Timestamp;
