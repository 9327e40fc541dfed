//! The domain: directory, taxonomy and search. Knows nothing of Telegram or of storage and
//! does no I/O; everything here is plain data and pure functions.

pub mod expert;
pub mod feedback;
pub mod lang;
pub mod material;
pub mod normalize;
pub mod organization;
pub mod referral;
pub mod request;
pub mod routing;
pub mod search;
pub mod taxonomy;
pub mod validate;
pub mod when;

pub use lang::{Lang, Localized};
pub use organization::{
    Audience, Contacts, Organization, RegionScope, Service, Vetting, VettingStatus,
};
pub use referral::{Action, DeclineReason, HelpKind, Outcome, ReferralStatus, Transition};
pub use request::{ContactChoice, HelpRequest, Referral, parse_contact};
pub use search::{RegionChoice, SearchIndex, TextQuery};
pub use taxonomy::{Hotline, Region, Taxonomy, Topic};
