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
}

impl Msg {
    /// The descriptions registered with `set_my_commands`, in menu order.
    pub const COMMAND_DESCRIPTIONS: [Msg; 8] = [
        Msg::CmdStart,
        Msg::CmdFind,
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
