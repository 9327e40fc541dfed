//! The directory's file format (TOML, human-edited): reading it with every problem listed by
//! file, line and field, and writing it back. The shipped taxonomy, hotlines and demo
//! directory are compiled in from `data/`.

pub mod hsds;
mod organizations;
mod problem;
mod tables;
mod taxonomy;

pub use organizations::{
    RawOrganization, check_form, export_organizations, organization_form, parse_organizations,
};
pub use problem::{Problem, Report, Severity};
mod materials;
pub use materials::{materials, parse_materials};
pub use taxonomy::{hotlines, parse_hotlines, parse_taxonomy, taxonomy};

/// The shipped demonstration directory, imported into an empty store on first start.
pub const DEMO_ORGANIZATIONS: &str = include_str!("../../data/organizations.toml");
pub const DEMO_ORGANIZATIONS_NAME: &str = "data/organizations.toml";
