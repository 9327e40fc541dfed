//! The dialogues: each chat's state (what the next message or button means), kept in the
//! store so a restart resumes the step, and the step-by-step flows that live in it — a help
//! request, a request for a trainer or expert, publishing a material.

pub mod expert;
pub mod help;
pub mod materials;
pub mod state;
pub mod storage;

pub use state::State;
