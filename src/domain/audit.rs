//! The audit log's entries: who changed what in the directory, vetting, staff and settings,
//! and when. Never content and never a request's code: an entry names an organization at
//! most, and a person only by a keyed hash.

use super::Timestamp;

/// In what capacity someone acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorRole {
    Coordinator,
    Staff,
    /// The operator at the command line (an import).
    Operator,
}

impl ActorRole {
    pub fn code(self) -> &'static str {
        match self {
            ActorRole::Coordinator => "coordinator",
            ActorRole::Staff => "staff",
            ActorRole::Operator => "operator",
        }
    }

    pub fn from_code(code: &str) -> Option<ActorRole> {
        [
            ActorRole::Coordinator,
            ActorRole::Staff,
            ActorRole::Operator,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditAction {
    OrgCreated,
    OrgEdited,
    OrgVetted,
    OrgSuspended,
    OrgReactivated,
    OrgPaused,
    OrgResumed,
    ChangeProposed,
    ChangeApproved,
    ChangeRejected,
    StaffInvited,
    InviteCancelled,
    StaffJoined,
    StaffRemoved,
    StaffLeft,
    DirectoryImported,
    DirectoryExported,
    ReportExported,
}

impl AuditAction {
    pub const ALL: [AuditAction; 18] = [
        AuditAction::OrgCreated,
        AuditAction::OrgEdited,
        AuditAction::OrgVetted,
        AuditAction::OrgSuspended,
        AuditAction::OrgReactivated,
        AuditAction::OrgPaused,
        AuditAction::OrgResumed,
        AuditAction::ChangeProposed,
        AuditAction::ChangeApproved,
        AuditAction::ChangeRejected,
        AuditAction::StaffInvited,
        AuditAction::InviteCancelled,
        AuditAction::StaffJoined,
        AuditAction::StaffRemoved,
        AuditAction::StaffLeft,
        AuditAction::DirectoryImported,
        AuditAction::DirectoryExported,
        AuditAction::ReportExported,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::OrgCreated => "org-created",
            AuditAction::OrgEdited => "org-edited",
            AuditAction::OrgVetted => "org-vetted",
            AuditAction::OrgSuspended => "org-suspended",
            AuditAction::OrgReactivated => "org-reactivated",
            AuditAction::OrgPaused => "org-paused",
            AuditAction::OrgResumed => "org-resumed",
            AuditAction::ChangeProposed => "change-proposed",
            AuditAction::ChangeApproved => "change-approved",
            AuditAction::ChangeRejected => "change-rejected",
            AuditAction::StaffInvited => "staff-invited",
            AuditAction::InviteCancelled => "invite-cancelled",
            AuditAction::StaffJoined => "staff-joined",
            AuditAction::StaffRemoved => "staff-removed",
            AuditAction::StaffLeft => "staff-left",
            AuditAction::DirectoryImported => "directory-imported",
            AuditAction::DirectoryExported => "directory-exported",
            AuditAction::ReportExported => "report-exported",
        }
    }

    pub fn from_code(code: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

serde_as_code!(AuditAction);

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub role: ActorRole,
    /// The actor's keyed hash (hex); empty for the operator.
    pub actor: String,
    pub action: AuditAction,
    pub org: Option<String>,
    /// Which fields changed (their names, never their values), if the action edits.
    pub fields: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_and_role_has_a_code_that_reads_back() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
        }
        for r in [
            ActorRole::Coordinator,
            ActorRole::Staff,
            ActorRole::Operator,
        ] {
            assert_eq!(ActorRole::from_code(r.code()), Some(r));
        }
    }
}
