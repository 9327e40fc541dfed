//! The typed list of every message the bot can send, each mapped to one Fluent key.

macro_rules! messages {
    ($($variant:ident => $key:literal,)*) => {
        /// A message of the locale files. Code can only ask for keys listed here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($variant,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$variant,)*];

            pub fn key(self) -> &'static str {
                match self { $(Msg::$variant => $key,)* }
            }
        }
    };
}

messages! {
    Welcome => "welcome",
    Menu => "menu",
    BtnFind => "btn-find",
    BtnUrgent => "btn-urgent",
    BtnLanguage => "btn-language",
    BtnPrivacy => "btn-privacy",
    BtnMenu => "btn-menu",
    BtnNext => "btn-next",
    BtnBack => "btn-back",
    BtnNationwide => "btn-nationwide",
    BtnTopics => "btn-topics",
    BtnLangUk => "btn-lang-uk",
    BtnLangEn => "btn-lang-en",
    ChooseTopic => "choose-topic",
    ChooseRegion => "choose-region",
    RegionNotRecognised => "region-not-recognised",
    ResultsHeader => "results-header",
    TextResultsHeader => "text-results-header",
    ResultsPage => "results-page",
    NoResults => "no-results",
    OrgCount => "org-count",
    Nationwide => "nationwide",
    CardServices => "card-services",
    CardAudiences => "card-audiences",
    CardRegions => "card-regions",
    CardLanguages => "card-languages",
    CardContacts => "card-contacts",
    CardHours => "card-hours",
    CardVetted => "card-vetted",
    CardWomenLed => "card-women-led",
    CardDemo => "card-demo",
    UrgentHeader => "urgent-header",
    UrgentFooter => "urgent-footer",
    LanguageChoose => "language-choose",
    LanguageSet => "language-set",
    Privacy => "privacy",
    Help => "help",
    Cancelled => "cancelled",
    ButtonExpired => "button-expired",
    TextExpected => "text-expected",
    UnknownCommand => "unknown-command",
    EmptyQuery => "empty-query",
    ErrorGeneric => "error-generic",
    InviteCreated => "invite-created",
    InviteUnknownOrg => "invite-unknown-org",
    JoinDone => "join-done",
    JoinInvalid => "join-invalid",
    ForgetConfirm => "forget-confirm",
    ForgetDone => "forget-done",
    ForgetWithdrawn => "forget-withdrawn",
    BtnForgetYes => "btn-forget-yes",
    BtnForgetNo => "btn-forget-no",
    CmdForget => "cmd-forget",
    CmdStart => "cmd-start",
    CmdFind => "cmd-find",
    CmdUrgent => "cmd-urgent",
    CmdLanguage => "cmd-language",
    CmdPrivacy => "cmd-privacy",
    CmdHelp => "cmd-help",
    CmdCancel => "cmd-cancel",
    ServiceConsultation => "service-consultation",
    ServiceLegalAid => "service-legal-aid",
    ServicePsychologicalSupport => "service-psychological-support",
    ServiceMedicalAid => "service-medical-aid",
    ServiceTraining => "service-training",
    ServiceLecture => "service-lecture",
    ServiceMaterials => "service-materials",
    ServiceMentoring => "service-mentoring",
    ServiceResearch => "service-research",
    ServiceDocumentation => "service-documentation",
    ServiceShelter => "service-shelter",
    ServiceAdvocacy => "service-advocacy",
    ServicePeerSupport => "service-peer-support",
    AudienceServiceMembers => "audience-service-members",
    AudienceCommanders => "audience-commanders",
    AudienceAdvisers => "audience-advisers",
    AudienceCadets => "audience-cadets",
    AudienceFamilies => "audience-families",
    AudienceVeterans => "audience-veterans",
    BtnAsk => "btn-ask",
    BtnMy => "btn-my",
    BtnAskOrg => "btn-ask-org",
    CmdRequest => "cmd-request",
    CmdMy => "cmd-my",
    AskIntro => "ask-intro",
    AskOrgIntro => "ask-org-intro",
    AskRegion => "ask-region",
    BtnRegionUnsaid => "btn-region-unsaid",
    AskKind => "ask-kind",
    KindLegal => "kind-legal",
    KindPsychological => "kind-psychological",
    KindMedical => "kind-medical",
    KindDocumentation => "kind-documentation",
    KindShelter => "kind-shelter",
    KindOther => "kind-other",
    AskDescription => "ask-description",
    BtnSkip => "btn-skip",
    DescriptionTooLong => "description-too-long",
    AskContact => "ask-contact",
    BtnContactBot => "btn-contact-bot",
    BtnContactShare => "btn-contact-share",
    AskContactTyping => "ask-contact-typing",
    ContactNotRecognised => "contact-not-recognised",
    Consent => "consent",
    SummaryOrg => "summary-org",
    SummaryTopic => "summary-topic",
    SummaryRegion => "summary-region",
    SummaryKind => "summary-kind",
    SummaryDescription => "summary-description",
    SummaryNoDescription => "summary-no-description",
    SummaryContactBot => "summary-contact-bot",
    SummaryContactPhone => "summary-contact-phone",
    SummaryContactTelegram => "summary-contact-telegram",
    BtnSend => "btn-send",
    BtnCancel => "btn-cancel",
    RequestSent => "request-sent",
    RequestNoOrg => "request-no-org",
    RequestAlreadySent => "request-already-sent",
    AdminUnplaced => "admin-unplaced",
    Hours => "hours",
    Days => "days",
    AdminStats => "admin-stats",
    StaffNewReferral => "staff-new-referral",
    BtnOpen => "btn-open",
    InboxHeader => "inbox-header",
    InboxEmpty => "inbox-empty",
    InboxPaused => "inbox-paused",
    InboxItem => "inbox-item",
    ReferralDetail => "referral-detail",
    StatusPending => "status-pending",
    StatusAccepted => "status-accepted",
    StatusDeclined => "status-declined",
    StatusExpired => "status-expired",
    StatusClosed => "status-closed",
    StatusWithdrawn => "status-withdrawn",
    StatusUnplaced => "status-unplaced",
    BtnAccept => "btn-accept",
    BtnDecline => "btn-decline",
    BtnReply => "btn-reply",
    BtnClose => "btn-close",
    BtnInbox => "btn-inbox",
    BtnPause => "btn-pause",
    BtnResume => "btn-resume",
    DeclineAsk => "decline-ask",
    ReasonNotOurProfile => "reason-not-our-profile",
    ReasonNoCapacity => "reason-no-capacity",
    ReasonOutsideRegion => "reason-outside-region",
    ReasonOther => "reason-other",
    CloseAsk => "close-ask",
    OutcomeHelped => "outcome-helped",
    OutcomeReferredElsewhere => "outcome-referred-elsewhere",
    OutcomeCouldNotContact => "outcome-could-not-contact",
    OutcomeNoLongerNeeded => "outcome-no-longer-needed",
    OutcomeOther => "outcome-other",
    StaffAccepted => "staff-accepted",
    StaffAlreadyAccepted => "staff-already-accepted",
    StaffDeclined => "staff-declined",
    StaffClosed => "staff-closed",
    ChangedMeanwhile => "changed-meanwhile",
    NotAllowed => "not-allowed",
    ReplyPrompt => "reply-prompt",
    WritePrompt => "write-prompt",
    RelayToRequester => "relay-to-requester",
    RelayToStaff => "relay-to-staff",
    RelayFileCaption => "relay-file-caption",
    RelaySent => "relay-sent",
    RelayClosed => "relay-closed",
    RelayTextOnly => "relay-text-only",
    RelayUnsupported => "relay-unsupported",
    PauseDone => "pause-done",
    ResumeDone => "resume-done",
    NoticeAccepted => "notice-accepted",
    NoticeRerouted => "notice-rerouted",
    NoticeUnplaced => "notice-unplaced",
    NoticeClosed => "notice-closed",
    NoticeWithdrawn => "notice-withdrawn",
    NoticeFinished => "notice-finished",
    NoticeExpired => "notice-expired",
    MyHeader => "my-header",
    MyEmpty => "my-empty",
    MyItem => "my-item",
    MyDetail => "my-detail",
    RstatusPending => "rstatus-pending",
    RstatusAccepted => "rstatus-accepted",
    RstatusClosed => "rstatus-closed",
    RstatusWithdrawn => "rstatus-withdrawn",
    RstatusUnplaced => "rstatus-unplaced",
    BtnWrite => "btn-write",
    BtnWithdraw => "btn-withdraw",
    BtnFinish => "btn-finish",
    WithdrawConfirm => "withdraw-confirm",
    BtnWithdrawYes => "btn-withdraw-yes",
    WithdrawnDone => "withdrawn-done",
    FinishedDone => "finished-done",
}

impl Msg {
    /// The descriptions registered with `set_my_commands`, in menu order.
    pub const COMMAND_DESCRIPTIONS: [Msg; 10] = [
        Msg::CmdStart,
        Msg::CmdFind,
        Msg::CmdRequest,
        Msg::CmdMy,
        Msg::CmdUrgent,
        Msg::CmdLanguage,
        Msg::CmdPrivacy,
        Msg::CmdHelp,
        Msg::CmdCancel,
        Msg::CmdForget,
    ];

    pub fn service(service: crate::domain::Service) -> Msg {
        use crate::domain::Service as S;
        match service {
            S::Consultation => Msg::ServiceConsultation,
            S::LegalAid => Msg::ServiceLegalAid,
            S::PsychologicalSupport => Msg::ServicePsychologicalSupport,
            S::MedicalAid => Msg::ServiceMedicalAid,
            S::Training => Msg::ServiceTraining,
            S::Lecture => Msg::ServiceLecture,
            S::Materials => Msg::ServiceMaterials,
            S::Mentoring => Msg::ServiceMentoring,
            S::Research => Msg::ServiceResearch,
            S::Documentation => Msg::ServiceDocumentation,
            S::Shelter => Msg::ServiceShelter,
            S::Advocacy => Msg::ServiceAdvocacy,
            S::PeerSupport => Msg::ServicePeerSupport,
        }
    }

    pub fn kind(kind: crate::domain::HelpKind) -> Msg {
        use crate::domain::HelpKind as K;
        match kind {
            K::Legal => Msg::KindLegal,
            K::Psychological => Msg::KindPsychological,
            K::Medical => Msg::KindMedical,
            K::Documentation => Msg::KindDocumentation,
            K::Shelter => Msg::KindShelter,
            K::Other => Msg::KindOther,
        }
    }

    pub fn outcome(outcome: crate::domain::Outcome) -> Msg {
        use crate::domain::Outcome as O;
        match outcome {
            O::Helped => Msg::OutcomeHelped,
            O::ReferredElsewhere => Msg::OutcomeReferredElsewhere,
            O::CouldNotContact => Msg::OutcomeCouldNotContact,
            O::NoLongerNeeded => Msg::OutcomeNoLongerNeeded,
            O::Other => Msg::OutcomeOther,
        }
    }

    pub fn reason(reason: crate::domain::DeclineReason) -> Msg {
        use crate::domain::DeclineReason as R;
        match reason {
            R::NotOurProfile => Msg::ReasonNotOurProfile,
            R::NoCapacity => Msg::ReasonNoCapacity,
            R::OutsideRegion => Msg::ReasonOutsideRegion,
            R::Other => Msg::ReasonOther,
        }
    }

    /// A referral's status as its organization's staff see it.
    pub fn status(status: crate::domain::ReferralStatus) -> Msg {
        use crate::domain::ReferralStatus as S;
        match status {
            S::Pending => Msg::StatusPending,
            S::Accepted => Msg::StatusAccepted,
            S::Declined => Msg::StatusDeclined,
            S::Expired => Msg::StatusExpired,
            S::Closed(_) => Msg::StatusClosed,
            S::Withdrawn => Msg::StatusWithdrawn,
        }
    }

    pub fn audience(audience: crate::domain::Audience) -> Msg {
        use crate::domain::Audience as A;
        match audience {
            A::ServiceMembers => Msg::AudienceServiceMembers,
            A::Commanders => Msg::AudienceCommanders,
            A::Advisers => Msg::AudienceAdvisers,
            A::Cadets => Msg::AudienceCadets,
            A::Families => Msg::AudienceFamilies,
            A::Veterans => Msg::AudienceVeterans,
        }
    }
}
