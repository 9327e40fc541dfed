# English. Every key here must also be in ../uk/main.ftl.
# Text is sent as Telegram HTML: only <b>, <i>, <code> and <a href> tags; arguments arrive escaped.

welcome =
    Hello! I am the <b>Poruch</b> bot. I help people who serve or work in the security and defence sector find vetted civil society organizations in their region: legal and psychological help, trainings.
    If you are in danger, tap 🆘. I keep only what I need — details in /privacy.
menu = How can I help?
btn-find = 🔎 Find support
btn-urgent = 🆘 Urgent help
btn-language = 🌐 Мова / Language
btn-privacy = 🔒 Privacy
btn-menu = ☰ Menu
btn-next = Next ›
btn-back = ‹ Back
btn-nationwide = 🇺🇦 All of Ukraine
btn-lang-uk = 🇺🇦 Українська
btn-lang-en = 🇬🇧 English
btn-topics = ‹ Topics
choose-topic = What do you need help with? Choose a topic:
choose-region =
    Topic: <b>{ $topic }</b>
    Choose a region, or type a city or region name (for example, “Dnipro”):
region-not-recognised = I could not recognize the place “{ $text }”. Choose a region with a button, or type a city or region name such as “Lviv”.
results-header =
    <b>{ $topic }</b> · { $region }
    Found: { $count }
text-results-header =
    I understood: <i>{ $query }</i>
    Found: { $count }
results-page = Page { $page } of { $pages }. Tap an organization to see its contacts.
no-results = Nothing was found. What is it about? Choose a topic below. Or do not search at all: ask for help confidentially, and I will find an organization that can take your request.
no-results-region = Or search all of Ukraine: organizations that work nationwide may help too.
btn-not-this = ✏️ Not it — choose a topic
org-count =
    { $count ->
        [one] { $count } organization
       *[other] { $count } organizations
    }
nationwide = all of Ukraine
card-services = <b>Help:</b> { $list }
card-audiences = <b>For:</b> { $list }
card-regions = <b>Where:</b> { $list }
card-languages = <b>Languages:</b> { $list }
card-contacts = <b>Contacts:</b>
card-hours = <b>Hours:</b> { $hours }
card-vetted = ✅ Vetted on { $date } ({ $by })
card-women-led = Led by women.
card-demo = ⚠️ Demonstration entry: this organization does not exist.
urgent-header = <b>If you are in danger now, call 112 or 102.</b>
urgent-footer = These lines are separate from your unit. The call stays in your phone’s call log — delete it if you need to. Tap a number to copy it.
language-choose = Оберіть мову / Choose a language:
language-set = Done: I will speak English now.
privacy =
    <b>Important</b>
    • Telegram chats with bots are <b>not end-to-end encrypted</b>: Telegram can technically see the conversation.
    • Whoever runs the bot’s server and holds its encryption key can technically read everything stored here.
    • If someone else may use your phone: notices about your requests are discreet already (you can change that in /language), /hide clears this chat’s last 48 hours, and you can delete the chat itself in your chat list.

    <b>Who sees what</b>
    • The organization I pass your request to sees the topic, the region, the kind of help, your description and the reference code. It gets your contact (a phone number or username) only once it accepts the request. Organizations do not see your name or Telegram account unless you wrote them yourself.
    • If the organization cannot take the request, it goes on as you chose before sending it: to the next vetted organization (which sees the same), or I ask you first.
    • The coordinators see only counts (how many requests found no organization, and so on) and comments you choose to write to them. If a coordinator joined an organization’s team, its staff would see that.
    • Poruch passes nothing to your command or unit.

    <b>What I keep</b>
    • Your language and notice setting — for as long as you use the bot.
    • The step of a dialogue, so you can continue after a restart — until you finish or cancel it.
    • Help requests (/request): topic, region, kind of help, your choices before sending, and — encrypted — your description, your contact, and the messages between you and the organization until they are delivered. A request is deleted { $days } after it is finished.
    • Requests for trainers or experts (/expert): what you need, the topic, audience, format, dates, and — encrypted — the requesting body, your contact and the organizations’ proposals. They are deleted { $days } after they end.
    • Answers to follow-up questions only as counts and an organization’s rating total; a comment goes to the coordinators and is not kept.
    • The numbers (not the text) of this chat’s messages of the last 48 hours, so that /hide and /forget can delete them, and counts for the limits (how many requests a day).
    Server logs contain no message text, phone numbers or Telegram IDs.
    To delete everything I keep about you: /forget.
help =
    <b>How to use</b>
    /find — find an organization by topic and region
    /request — ask an organization for help, confidentially
    /expert — request a trainer, lecturer or expert
    /materials — memos, cards and leaflets by topic
    /my — your requests: status, offers, write, withdraw
    /urgent — urgent hotlines
    /language — language and notices
    /privacy — what I keep and who sees what
    /cancel — leave any step
    /hide — clear this chat (your requests stay)
    /forget — delete everything I keep about you
    Or just type what you are looking for, for example: “lawyer domestic violence Dnipro”.
cancelled = Cancelled. Nothing was kept.
button-expired = This button has expired. Here is the menu.
text-expected = I understand only text and buttons. Type what you are looking for, or choose from the menu.
unknown-command = I do not know that command. See /help for the list.
empty-query = Type what you are looking for, for example: “psychologist in Lviv”.
error-generic = Something went wrong and I could not do that. Please try again. Urgent lines — /urgent.
invite-created =
    Invitation to “{ $org }” (single use, valid for 72 hours):
    <code>{ $code }</code>
    Link: { $link }
    Hand it to the organization’s staff member in person.
invite-unknown-org = There is no organization with the id “{ $id }” in the directory. Usage: /invite ORG_ID
join-done = Done: you are on the team of “{ $org }” in Poruch as <b>{ $label }</b>. To leave the team: /leave.
join-invalid = This invitation is not valid: it was used, it expired, or the code is wrong. Ask the coordinators for a new one.
forget-confirm = Delete everything Poruch keeps about you: your language, the step of a dialogue, your requests, messages still waiting to be delivered, and any organization team membership? Organizations with open requests will be told the request was withdrawn. This cannot be undone.
forget-done = Done: everything was deleted. I removed this chat’s messages of the last 48 hours; a bot cannot delete older ones — if someone may take your phone, delete the chat yourself.
forget-withdrawn = Request { $code } was withdrawn: the person deleted their data from Poruch.
btn-forget-yes = 🗑 Yes, delete everything
btn-forget-no = No, keep it
cmd-forget = Delete everything the bot keeps about me
cmd-start = Start and show the menu
cmd-find = Find an organization
cmd-urgent = Urgent hotlines
cmd-language = Change the language
cmd-privacy = What the bot keeps
cmd-help = Help
cmd-cancel = Cancel the current step
service-consultation = consultations
service-legal-aid = legal aid
service-psychological-support = psychological support
service-medical-aid = medical aid
service-training = training
service-lecture = lectures
service-materials = materials
service-mentoring = mentoring
service-research = research
service-documentation = documenting crimes
service-shelter = shelter
service-advocacy = advocacy
service-peer-support = peer support groups
audience-service-members = service members
audience-commanders = commanders
audience-advisers = gender equality advisers
audience-cadets = cadets
audience-families = families
audience-veterans = veterans
btn-ask = 🤝 Ask for help confidentially
btn-my = 📋 My requests
btn-ask-org = 🤝 Ask this organization
cmd-request = Ask an organization for help, confidentially
cmd-my = My requests
ask-intro =
    <b>A confidential request</b>
    I will pass it to a vetted organization that works on your topic. Before anything is sent, you will see exactly what it will see, and you will choose what happens if it cannot take it. Poruch sends nothing to your command or unit.
    If someone else may look at your phone, use /hide afterwards or delete this chat.

    Step 1 of 5. What is it about?
ask-org-intro =
    <b>A confidential request to “{ $org }”</b>
    Before anything is sent, you will see exactly what the organization will see. Poruch sends nothing to your command or unit.
    If someone else may look at your phone, use /hide afterwards or delete this chat.

    Step 1 of 5. What is it about?
ask-region =
    Step 2 of 5. Where do you need help? Type a city or a region — for example, “Dnipro”.
    If you would rather not say, choose “All of Ukraine”: then only nationwide organizations can take it.
btn-region-unsaid = 🇺🇦 All of Ukraine / rather not say
ask-kind = Step 3 of 5. What kind of help do you need?
kind-legal = Legal aid
kind-psychological = Psychological support
kind-medical = Medical aid
kind-documentation = Documenting a crime
kind-shelter = Shelter
kind-other = Other
ask-description =
    Step 4 of 5. What do you need right now? Briefly, at most 1,000 characters. You do not have to describe what happened.
    Do not write names or your unit unless you want the organization to know them. You can skip this step.
btn-skip = Skip ›
description-too-long =
    Your text is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }; the limit is 1,000. Please shorten it, or skip this step.
ask-contact =
    Step 5 of 5. How should the organization reach you?
    • <b>Only through this bot</b> — the organization sees neither your name nor your account. We suggest this.
    • Or give a phone number or a Telegram username yourself: the organization gets it only once it accepts your request.
btn-contact-bot = 💬 Only through this bot, no name
btn-contact-share = 📞 Share a phone or username
ask-contact-typing = Type a phone number (for example, +380 67 123 45 67) or a Telegram username (for example, @name). Only the organization that accepts your request gets it — and only once it accepts.
contact-not-recognised = That does not look like a phone number or a @username. Type it again, or choose to be reached only through this bot.
consent =
    <b>Please check.</b> The request goes first to { $first }.
    Until an organization accepts it, it sees the topic, the region, the kind of help and your description, but <b>not</b> your contact — that it gets only when it accepts:

    { $summary }

    The organization does not see your name, Telegram account or unit unless you wrote them yourself. Poruch sends nothing to your command or unit.

    <b>If the organization cannot take it</b> or does not answer in time: { $choice }
    { $ask ->
        [yes] A day after the request is closed, I will ask you once whether you got help (the organization does not see your answer).
       *[no] I will not ask you anything after the request is closed.
    }

    The description and the contact are stored encrypted. The request is deleted { $days } after it is finished, or at once with /forget.
summary-org = Organization: { $org }
summary-topic = Topic: { $topic }
summary-region = Region: { $region }
summary-kind = Kind of help: { $kind }
summary-description = Description: <i>{ $text }</i>
summary-no-description = Description: none
summary-contact-bot = Contact: only through this bot (no name, no account)
summary-contact-phone = Contact: phone { $value }
summary-contact-telegram = Contact: Telegram { $value }
btn-send = ✅ Send
btn-cancel = ✖ Cancel
request-sent =
    Sent. Your reference code: <code>{ $code }</code>

    I passed it to <b>{ $org }</b>, which has { $hours } to answer. { $then ->
        [pass-on] If it cannot take it, I will pass the request to the next vetted organization and tell you.
       *[ask-first] If it cannot take it, I will ask you first what to do.
    } The answer comes here.
    /my — your requests: status, write, withdraw.
request-no-org = No organization can take this request right now: the ones that work on this topic, in this region, with this kind of help are not accepting requests. Nothing was sent to anyone. What you wrote is still here — you can send it to nationwide organizations, choose another kind of help, or cancel. The 116 123 line works around the clock, free and anonymous.
request-already-sent = This request has already been sent. Your requests — /my.
admin-unplaced = A help request found no organization that could take it (its content is not kept). Such requests in all: { $count }.
hours =
    { $count ->
        [one] { $count } hour
       *[other] { $count } hours
    }
staff-new-referral =
    <b>New request { $code }</b>
    Topic: { $topic }
    Region: { $region }
    Kind of help: { $kind }
    Please answer by { $deadline } (Kyiv time). Open it to see the details.
btn-open = Open
inbox-header = <b>Open requests of { $org }</b>: { $count }
inbox-empty = There are no open requests.
inbox-paused = ⏸ New requests are paused. /resume to receive them again.
inbox-item = { $code } · { $status }
referral-detail =
    <b>Request { $code }</b> — { $status }
    Topic: { $topic }
    Region: { $region }
    Kind of help: { $kind }
    Received: { $received } (Kyiv time)
    { $description }
    { $contact }
status-pending = waiting for an answer
status-accepted = accepted
status-declined = declined
status-expired = the time to answer passed
status-closed = closed
status-withdrawn = withdrawn
status-unplaced = no organization could take it
btn-accept = ✅ Accept
btn-decline = ✖ Decline
btn-reply = 💬 Reply
btn-close = 🏁 Close
btn-inbox = 📥 Inbox
btn-pause = ⏸ Pause new requests
btn-resume = ▶ Resume new requests
decline-ask = Why are you declining request { $code }? The requester is not told the reason; the request goes on as they chose.
reason-not-our-profile = Not our profile
reason-no-capacity = No capacity now
reason-outside-region = Outside our region
reason-other = Another reason
close-ask = How did the work on request { $code } end?
outcome-helped = Helped
outcome-referred-elsewhere = Referred elsewhere
outcome-could-not-contact = Could not contact
outcome-no-longer-needed = No longer needed
outcome-other = Other
staff-accepted =
    You accepted request { $code }. The requester was told and can write to you here.
    { $contact }
staff-already-accepted = Your organization has already accepted request { $code }.
staff-declined = You declined request { $code }. The requester is told, and the request goes on as they chose when sending it.
staff-closed = Request { $code } is closed. Outcome: { $outcome }.
changed-meanwhile = This request has changed in the meantime: it was withdrawn, a colleague is handling it, or the time to answer passed. Its current state is below.
not-allowed = This is not available to you.
reply-prompt = Type your message to the requester of { $code }. It is sent under your organization’s name; your own account is not shown.
write-prompt =
    Write your message to <b>{ $org }</b> (request { $code }). They see only the reference code — not your name or account.
    You can also send a photo or a document, but <b>files can carry hidden details</b> (place, author, device). Send a photo as a photo, not as a file: then Telegram removes these details. Documents are passed on as they are.
relay-to-requester =
    💬 <b>{ $org }</b> · { $code }:
    { $text }
relay-to-staff =
    💬 Request { $code }:
    { $text }
relay-file-caption = 📎 Request { $code }
relay-sent = Passed on to <b>{ $org }</b>. You can write more.
relay-closed = This conversation has ended: the request is no longer open for messages.
relay-text-only = Only text can be passed on. Type your message.
relay-unsupported = Only text, photos and documents can be passed on.
pause-done = New requests to { $org } are paused. Open ones stay in /inbox. /resume to receive new ones.
resume-done = { $org } receives new requests again.
notice-accepted = The organization <b>{ $org }</b> accepted your request { $code }. You can write to it here with the Write button below; its answers come here too.
notice-rerouted = The previous organization could not take your request { $code }, or did not answer in time. As you chose, I passed it to <b>{ $org }</b>.
notice-unplaced = No organization can take your request { $code } now. Nothing more was passed to anyone. The 116 123 line works around the clock, free and anonymous; other lines — the 🆘 button.
notice-closed =
    The organization <b>{ $org }</b> closed your request { $code }. { $outcome ->
        [helped] It noted that help was given.
        [referred-elsewhere] It referred you to other specialists.
        [could-not-contact] It could not reach you.
        [no-longer-needed] It noted that help is no longer needed.
       *[other] {""}
    }
    If you still need help, tap “Ask for help confidentially” and I will pass the request on again.
notice-withdrawn = The requester withdrew request { $code }.
notice-finished = The requester closed request { $code }: help is no longer needed.
notice-expired = Request { $code } was not answered in time and was offered to another organization.
my-header = <b>Your requests</b>: { $count }
my-empty = You have no requests. /request — ask for help confidentially.
my-item = { $code } · { $status }
my-detail =
    <b>Request { $code }</b>
    Sent: { $date } (Kyiv time)
    Status: { $status }
rstatus-pending = waiting for an answer from { $org }
rstatus-accepted = accepted by { $org }
rstatus-closed = closed by { $org }
rstatus-withdrawn = withdrawn by you
rstatus-unplaced = no organization could take it
btn-write = 💬 Write
btn-withdraw = ↩ Withdraw
btn-finish = 🏁 I got help — close
withdraw-confirm = Withdraw request { $code }? The organization will be told it was withdrawn, and you will no longer be able to write to each other.
btn-withdraw-yes = Yes, withdraw
withdrawn-done = Request { $code } was withdrawn.
finished-done = Request { $code } is closed. Thank you — take care.
days =
    { $count ->
        [one] { $count } day
       *[other] { $count } days
    }
admin-stats =
    <b>Poruch now</b> (counts only, no content)
    Open requests with organizations: { $open }
    Requests no organization could take, in all: { $unplaced }
    Refused button presses (security events), in all: { $security }
    Messages waiting to be delivered: { $outbox }
# --- trainers and experts, feedback, materials (issue 4) ---
btn-expert = 🎓 Request a trainer or expert
btn-materials = 📚 Materials
cmd-expert = Request a trainer, lecturer or expert
cmd-materials = Memos, cards and leaflets by topic
expert-need =
    <b>A request for a trainer or expert</b>
    Vetted organizations that offer this will see your request and may send offers; you choose one. Your contact goes only to the one you choose.

    Step 1 of 8. What do you need?
need-training = Training or course
need-lecture = Lecture
need-regulations = Consultation on regulations
need-legal-expertise = Legal expertise
need-materials = Materials
need-joint-event = Joint event
need-mentoring = Mentoring
expert-topic = Step 2 of 8. On which topic?
expert-audience = Step 3 of 8. Who is it for?
eaud-commanders = Commanders
eaud-personnel = Personnel
eaud-cadets = Cadets
eaud-psychologists = Psychologists
eaud-police = Police officers
eaud-advisers = Gender equality advisers
eaud-other = Other
expert-size = Step 4 of 8. About how many people? Type a number or choose one.
size-not-understood = Please type the number of people, from 1 to 10,000 — for example <code>40</code>.
expert-format = Step 5 of 8. Online or in person?
btn-online = 💻 Online
btn-in-person = 📍 In person
expert-region = Step 5 of 8 (continued). In which region? Choose one or type a city.
expert-when =
    Step 6 of 8. When? Type the dates in any form: <code>12.03–15.03</code>, <code>12.03.2027</code>, <code>March</code>, <code>March–April</code> — or tap “Flexible dates”.
when-not-understood = I couldn’t read “{ $text }” as future dates within the next year. Try <code>12.03–15.03</code> or <code>March</code>, or tap “Flexible dates”.
when-understood = I understood: <b>{ $when }</b>. Is that right? If not, type the dates again.
when-flexible = flexible dates
when-range = { $from } – { $to }
btn-flexible = 🗓 Flexible dates
btn-dates-right = ✅ Yes, that’s right
expert-body = Step 7 of 8. Your organization or unit, if you want to name it — for example “Military Lyceum, Lviv”. Organizations will see it. Or tap Skip.
body-too-long = That is { $length } — please keep it to 200 characters.
expert-contact = Step 8 of 8. How should the organization you choose contact you? Only that organization gets it, and only after you choose its offer.
expert-confirm =
    <b>Check your request.</b> Organizations that can help will see exactly this:

    { $summary }

    Your contact goes only to the organization whose offer you choose.
    { $contact }
    Poruch sends nothing to your command or unit.
expert-summary =
    <b>{ $need }</b> · { $topic }
    For: { $audience }, about { $size }
    Format: { $format }
    When: { $when }
    Organization or unit: { $body }
body-unnamed = not named
format-online = online
format-in-person = in person, { $region }
people =
    { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
expert-sent = Sent. Your code: <code>{ $code }</code>. It went to { $orgs ->
        [one] { $orgs } organization
       *[other] { $orgs } organizations
    }. Their offers will come here as they arrive — choose the one you like. /my shows them all.
expert-no-org =
    No organization in the directory offers this yet, so nothing was sent or stored. You could try the online format or a nearby topic, look through nationwide organizations (/find), or browse /materials. The coordinators were told that a request could not be placed (without its content).
admin-expert-unplaced = A request for a trainer or expert found no organization (its content is not kept). Such requests in all: { $count }.
staff-new-expert =
    <b>New request for a trainer or expert</b> <code>{ $code }</code>
    { $summary }

    Send an offer or pass. The adviser’s contact comes only if your offer is chosen.
btn-offer = ✍️ Offer
btn-pass = Pass
offer-prompt = Your organization’s proposal for { $code }, in one message: what you offer, when, and the cost (or that it is free). Up to 1,000 characters.
offer-too-long = That is { $length } — please keep the proposal to 1,000 characters.
offer-sent = Your offer for { $code } was sent to the adviser. You will be told if it is chosen.
passed = Noted: your organization passes on { $code }.
expert-not-open = { $code } is no longer open for answers: it was filled, withdrawn or its dates passed — or your organization has already answered.
expert-detail = <b>Request { $code }</b> · { $status }
estatus-open = open
estatus-filled = an offer was chosen
estatus-withdrawn = withdrawn
estatus-expired = closed, the dates passed
estatus-offered = you offered
estatus-passed = you passed
estatus-waiting = waiting for your answer
inbox-experts = <b>Requests for trainers and experts</b>: { $count }
notice-offer =
    <b>New offer</b> for { $code } from <b>{ $org }</b>:
    { $proposal }
btn-pick = ✅ Choose this offer
btn-about-org = About the organization
notice-picked =
    🎉 Your offer for { $code } was chosen.
    { $summary }
    { $contact }
notice-picked-bot = Contact is through the bot: tap Reply to write.
notice-filled-other = { $code } was filled by another organization. Thank you for your offer.
notice-expert-withdrawn = { $code } was withdrawn. Thank you for your offer.
picked-done =
    You chose <b>{ $org }</b> for { $code }. It now has your contact as you chose.
    { $contact }
    After the event I will ask you how it went.
pick-taken = You have already chosen another organization for { $code }.
notice-no-offers = No organization has made an offer for { $code } in { $days }. You could look at nationwide organizations (/find), browse /materials, or withdraw the request in /my. It stays open until its dates pass.
admin-no-offers = A request for a trainer or expert had no offer in time (content not kept). Such requests in all: { $count }.
notice-expert-expired = { $code } was closed: its dates passed without a choice.
my-expert-header = <b>Trainer and expert requests</b>: { $count }
my-expert-detail =
    <b>Request { $code }</b> · { $status }
    { $summary }
    Offers: { $count }
offer-line = <b>{ $org }</b>: { $proposal }
withdraw-expert-confirm = Withdraw request { $code }? I will tell the organizations that sent offers.
expert-withdrawn-done = { $code } was withdrawn.
ask-held-requester = <b>{ $code }</b>, with <b>{ $org }</b>: did the cooperation take place?
ask-held-org = <b>{ $code }</b>: did the cooperation on this request take place?
ask-reminder = A reminder, in case you missed it:
btn-held-yes = Yes, it took place
btn-held-no = No
ask-rate = How would you rate it? 1 is poor, 5 is excellent.
btn-stars = { $n } ★
rated = Thank you! If you like, write a short comment for the coordinators — it is never shown publicly. Or tap Skip.
not-held-noted = Thank you, noted.
comment-sent = Thank you. Your comment went to the coordinators only.
comment-skipped = Thank you.
admin-comment =
    <b>Feedback</b> on { $code } ({ $org }), { $side }: { $stars }/5
    { $text }
side-requester = from the person who asked
side-organization = from the organization
ask-help = <b>{ $code }</b>: did you get the help you needed? This is optional and anonymous: the organization does not see your answer.
btn-help-yes = Yes
btn-help-partly = Partly
btn-help-no = No
help-answered = Thank you. Your answer is counted anonymously.
comment-too-long = That is { $length } — please keep the comment to 1,000 characters.
feedback-done = This question has already been answered. Thank you.
btn-skip-comment = Skip
card-rating =
    ⭐ { $avg } out of 5 ({ $count ->
        [one] { $count } rating
       *[other] { $count } ratings
    })
materials-choose = <b>Materials</b> from the organizations: memos, cards, leaflets. Choose a topic:
materials-topic-item = { $topic } ({ $count })
materials-list =
    <b>{ $topic }</b>: { $count ->
        [one] { $count } material
       *[other] { $count } materials
    }. Tap one to receive it.
materials-none = There are no materials yet.
material-link =
    📄 <b>{ $title }</b> — { $org }
    { $url }
material-caption = { $title } — { $org }
btn-hide = 🙈 Hide (for coordinators)
material-hidden = Hidden: it is no longer listed in /materials.
material-start = Send the document to publish (PDF, DOCX…), or a link starting with https://.
material-not-file = Please send a document, or a link starting with https://.
material-title-uk = The title in Ukrainian (up to 120 characters):
material-title-en = The title in English — or tap Skip to use the Ukrainian one:
material-title-too-long = That is { $length } — please keep the title to 120 characters.
material-topic = Which topic is it on?
material-published = Published: <b>{ $title }</b>. Anyone can now get it in /materials.
admin-feedback-stats =
    Help requests, “did you get the help you needed?”: yes { $yes }, partly { $partly }, no { $no }
    Cooperations that took place: { $held }, did not: { $notheld }
    Expert requests no organization could take: { $eunplaced }; without an offer in time: { $nooffer }
characters =
    { $count ->
        [one] { $count } character
       *[other] { $count } characters
    }

# --- staff: joining with a label, the team list, leaving ---
join-ask-label =
    The code is valid: it invites you to the team of “{ $org }”.
    How should colleagues and coordinators know you? Write a name and a role on one line, for example: <i>Olena, lawyer</i>. Only your organization’s team and the coordinators see it.
join-label-invalid = Write a name and a role on one line, up to 60 characters, for example: <i>Olena, lawyer</i>.
join-too-many = Too many tries with invalid invitations in the last hour. Try later, or ask the coordinators for a new invitation.
staff-header = <b>Team of “{ $org }”</b>: { $count ->
        [one] { $count } person
       *[other] { $count } people
    }
staff-item = • <b>{ $label }</b> — on the team since { $joined }, last active { $active }
staff-none = Nobody is on the team of “{ $org }” now. To invite someone: /invite { $id }
staff-unknown-org = There is no organization with the id “{ $id }” in the directory. Usage: /staff ORG_ID
staff-no-label = (no label)
btn-revoke = ✖ Remove: { $label }
revoke-confirm = Remove <b>{ $label }</b> from the team of “{ $org }”? They stop receiving requests at once, their buttons stop working, and messages waiting for them are cancelled. The team and the coordinators will be told.
btn-revoke-yes = ✖ Yes, remove
revoke-done = <b>{ $label }</b> is no longer on the team of “{ $org }”.
leave-confirm = Leave the team of “{ $org }”? You will no longer receive requests or be able to answer the ones you have. The rest of the team and the coordinators will be told.
btn-leave-yes = Yes, leave the team
leave-done = You left the team of “{ $org }”.
staff-not-member = You are not on the team of any organization.
notice-staff-joined = <b>{ $label }</b> is now on the team of “{ $org }”.
notice-staff-revoked = <b>{ $label }</b> is no longer on the team of “{ $org }”: the coordinators ended the membership.
notice-staff-left = <b>{ $label }</b> is no longer on the team of “{ $org }”: they left.

# --- consent: who gets it first, and what if they cannot take it ---
consent-first-org = <b>{ $org }</b>
consent-first-any = a vetted organization that works on “{ $topic }” (region: { $region })
consent-pass-on = I pass it on to the next vetted organization at once (it sees the same) and tell you.
consent-ask-first = I ask you first; nothing goes anywhere until you answer.
btn-choice-pass-on = Pass it on
btn-choice-ask-first = Ask me first
summary-contact-later = (the organization gets the contact only when it accepts the request)
detail-contact-later = Contact: you will see it once you accept the request.
detail-respond-by = Answer by: { $deadline }
status-lapsed = the organization no longer takes part
rstatus-lapsed = { $org } can no longer continue
rstatus-waiting = waiting for your decision: pass it on or withdraw
notice-cannot-take =
    { $why ->
        [declined] The organization <b>{ $org }</b> declined your request { $code }.
        [no-answer] The organization <b>{ $org }</b> did not answer your request { $code } in time.
        [ended] The organization <b>{ $org }</b> ended the conversation on request { $code } and will not receive your messages about it any more.
       *[lapsed] The organization <b>{ $org }</b> no longer works in Poruch and cannot continue with your request { $code }.
    }
    Pass the request on to another vetted organization, or withdraw it? Until you answer, it goes nowhere.
notice-still-waiting = A reminder: request { $code } waits for your decision — pass it on to another vetted organization, or withdraw it. If you do not answer within { $days }, I withdraw it and pass nothing to anyone.
notice-waited-out = Request { $code } was withdrawn: in { $days } you did not say whether to pass it on. Nothing was passed to anyone. If you still need help — /request. Urgent lines — the 🆘 button.
btn-pass-on = ➡️ Pass it on to another organization
passed-on = Request { $code } went to <b>{ $org }</b>. I will tell you when it answers.
passed-on-none = No other organization can take request { $code } now. Nothing was passed to anyone.

# --- the help request's steps ---
step-moved = That button belongs to an earlier step. Here is where you are now:
topic-not-sure = Not sure / other
btn-not-sure = 🤷 Not sure / something else
btn-region-list = 📋 Show the list of regions
ask-region-list = Step 2 of 5. Choose a region — or type a city.
btn-any-org = 🤝 Send to another vetted organization
no-org-chosen = “{ $org }” is not taking requests right now. Nothing was sent, and you have not written anything yet. You can send the request to another vetted organization that works on this topic, choose another kind of help, or call a line — 116 123 works around the clock, free and anonymous.
no-org-for-kind = No organization that works on “{ $topic }” takes requests for this kind of help ({ $kind }) in this region ({ $region }) right now. You have not written anything yet, and nothing was stored. You can send the request to nationwide organizations, choose another kind of help, or call a line — 116 123 works around the clock, free and anonymous.
btn-send-nationwide = 🇺🇦 Send to nationwide organizations
btn-other-kind = ↩ Another kind of help
chosen-unavailable = “{ $org }” stopped taking requests a moment ago. Nothing was sent to anyone, and your draft is kept. Send it to another vetted organization that works on this topic instead?
consent-first-direct = a vetted organization that helps people directly (region: { $region })
cancel-confirm = Cancel the request? What you wrote will be deleted.
btn-cancel-yes = Yes, cancel
btn-cancel-no = No, go back

# --- writing through the bot ---
writing-left = You left the conversation. Messages you sent were delivered.
reply-sent = Sent to the requester of { $code }. You can write more.
relay-too-many =
    This conversation has reached its limit of { $count ->
        [one] { $count } message
       *[other] { $count } messages
    } an hour, so this one was not passed on. Please try again later. If it is urgent — the 🆘 button.
btn-stop-writing = ✖ Stop writing
status-blocked = conversation ended by your organization
admin-blocked = An organization ended a conversation and blocked the requester’s messages on it (content not kept). Such conversations in all: { $count }.
btn-block = 🚫 End and block messages
block-confirm = End the conversation on request { $code } and stop the requester’s messages on it? The requester is told politely and may pass the request on to another organization. This cannot be undone.
btn-block-yes = 🚫 Yes, end and block
block-done = The conversation on request { $code } is ended; the requester’s messages on it no longer reach you. Coordinators see only a count.

# --- limits against floods ---
limit-pending-help =
    You already have { $count ->
        [one] { $count } request
       *[other] { $count } requests
    } waiting for an organization’s answer — the most at once. You can send a new one when an organization answers, or withdraw one in /my. Nothing was stored. If it is urgent — the 🆘 button.
limit-help-per-day =
    You have sent { $count ->
        [one] { $count } request
       *[other] { $count } requests
    } in the last day — the most in a day. You can send a new one within 24 hours. Nothing was stored. Your requests — /my. If it is urgent — the 🆘 button.
limit-open-expert =
    You already have { $count ->
        [one] { $count } open request
       *[other] { $count } open requests
    } for trainers and experts — the most at once. Withdraw one, or wait until one is filled. Nothing was stored.

# --- the quick exit ---
cmd-hide = Clear this chat (your requests stay)
btn-hide-chat = 🧹 Clear this chat
hide-confirm =
    <b>Clear this chat?</b>
    I delete the messages of the last 48 hours here — yours and mine, notices included. Your requests stay: /my shows them.
    What I cannot do: delete messages older than 48 hours (Telegram does not let bots), or remove the chat from your chat list — to do that yourself, press and hold the chat (on a computer, right-click it) and choose Delete.
btn-hide-yes = 🧹 Yes, clear
hide-done =
    { $deleted ->
        [one] { $deleted } message removed.
       *[other] { $deleted } messages removed.
    }{ $failed ->
        [0] {""}
        [one] { " " }{ $failed } could not be removed.
       *[other] { " " }{ $failed } could not be removed.
    } Messages older than 48 hours stay. The chat stays in your list until you delete it there.

# --- discreet notices ---
btn-show = 👁 Show
notice-discreet = 🔔 There is news on your request { $code }.
notice-gone = This notice was shown here already, or it is no longer kept.
notices-discreet = 🔔 Notices about your requests are <b>discreet</b>: your lock screen and chat list show only that there is news — never an organization or a message. Press Show to read one.
notices-full = 🔔 Notices about your requests come <b>in full</b>: your lock screen may show the organization and its messages.
btn-notices-discreet = Discreet notices
btn-notices-full = Full notices
notices-set = Done.

# --- editor pass: new keys ---
language-name =
    { $code ->
        [uk] Ukrainian
        [en] English
        [ru] Russian
        [pl] Polish
        [crh] Crimean Tatar
       *[other] { $code }
    }
help-staff =
    <b>For organization staff</b>
    /inbox — open requests, /dashboard — your organization’s dashboard, /pause and /resume — stop or restart new requests, /material — publish a material, /leave — leave the team.
help-coordinators =
    <b>For coordinators</b>
    /invite ORG_ID — an invitation to an organization’s team, /staff ORG_ID — the team and removals, /stats — counts without content, /dashboard — the dashboard: directory, vetting, teams, monitoring and the change log.
privacy-short =
    <b>In short</b>
    • Telegram does not end-to-end encrypt chats with bots, and whoever runs the server with its key can technically read what is stored.
    • An organization sees your request without your name or account, and gets your contact only once it accepts. Poruch passes nothing to your command.
    • Notices about your requests are discreet. /hide clears the chat’s last 48 hours; /forget deletes everything about you.
btn-privacy-more = More
draft-pending = You have an unfinished request in which you already wrote something. Continue it, or delete it?
btn-continue = ↩ Continue
btn-discard = 🗑 Delete the draft
use-buttons = Here, please choose one of the buttons below.
btn-ask-after-yes = Ask me afterwards
btn-ask-after-no = Don’t ask

# --- the organization's card and vetting (notices), /dashboard ---
notice-org-edited = The card of <b>{ $org }</b> was changed: { $fields }. You can check it in /dashboard.
notice-org-vetted = The coordinators confirmed the vetting of <b>{ $org }</b>.
notice-org-suspended = The coordinators suspended <b>{ $org }</b> in Poruch: it is not shown in search and gets no new requests.
notice-org-reactivated = <b>{ $org }</b> is back in Poruch’s search and gets requests again.
notice-vetting-ends = The vetting of <b>{ $org }</b> holds until { $until } ({ $days } left). After that the organization is not shown in search until the coordinators vet it again.
notice-vetting-ended = The vetting of <b>{ $org }</b> ended on { $until }: the organization is not shown in search and gets no new requests until the coordinators vet it again.
notice-change-proposed = The team of <b>{ $org }</b> proposes to change its card: { $fields }. Review and approve in /dashboard.
notice-change-approved = The coordinators approved the changes to the card of <b>{ $org }</b>: { $fields }. The bot already shows the new version.
notice-change-rejected = The coordinators did not approve the proposed changes to the card of <b>{ $org }</b>: { $fields }. If the changes are needed, write to the coordinators.
field-name = name
field-description = description
field-topics = topics
field-services = kinds of help
field-audiences = who it works with
field-regions = regions
field-languages = languages
field-phone = phone
field-email = email
field-website = website
field-telegram = Telegram
field-hours = opening hours
field-women_led = women-led
field-accepts_referrals = takes requests
field-response_hours = time to answer
field-online = works online
field-vetting = vetting
dashboard-open = The Poruch dashboard opens with the button below — inside Telegram, no separate login.
btn-dashboard = 📊 Open the dashboard
dashboard-not-configured = The dashboard is not switched on on this server: the operator sets PORUCH_WEB_ADDR and PORUCH_PUBLIC_URL (the HTTPS address Telegram opens). How: README, section "Dashboard".
dashboard-not-allowed = The dashboard is for coordinators and the teams of partner organizations.

# --- the dashboard page (asked for by key from src/web/assets/app.js) ---
dash-brand = Poruch
dash-title = Poruch — dashboard
dash-tab-directory = Directory
dash-tab-audit = Change log
dash-tab-my = My organization
dash-loading = Loading…
dash-no-launch = Open the dashboard from the Poruch bot: /dashboard.
dash-auth-failed = Could not confirm that the dashboard was opened from Telegram. Open it again from the bot: /dashboard.
dash-stale = This dashboard session is more than an hour old. Open it again from the bot: /dashboard.
dash-nobody = The dashboard is for coordinators and the teams of partner organizations.
dash-forbidden = Only coordinators can do this.
dash-not-found = There is no such organization in the directory.
dash-bad-date = The vetting date must be in the future.
dash-error = Something went wrong. Please try again in a minute.
dash-search = Search by name or id
dash-all-standings = All statuses
dash-standing-active = Vetted
dash-standing-expiring = Vetting ends soon
dash-standing-expired = Vetting ended
dash-standing-suspended = Suspended
dash-all-topics = All topics
dash-all-regions = All regions
dash-col-expires = Vetted until
dash-col-staff = Team
dash-col-open = Open requests
dash-paused = paused
dash-demo = demo
dash-found = Found
dash-empty = Nothing found.
dash-page = Page
dash-prev = ‹ Back
dash-next = Next ›
dash-new-org = + New organization
dash-new-org-title = New organization
dash-download-toml = Download the directory (TOML)
dash-download-csv = Download CSV
dash-back = ‹ To the directory
dash-section-card = Card in the bot
dash-section-edit = Edit
dash-section-team = Team
dash-vet = Confirm vetting
dash-vet-until = Vetting holds until
dash-suspend = Suspend
dash-reactivate = Reactivate
dash-confirm-suspend = Suspend this organization? It will not be shown in search and will get no new requests.
dash-save = Save
dash-saved = Saved. The bot already shows the new version.
dash-nothing-changed = Nothing changed — nothing was saved.
dash-invalid = Not saved. Please correct the marked fields.
dash-changed-meanwhile = Someone else changed this organization while you were editing. Open it again and make your changes once more.
dash-id = Id
dash-id-hint = Latin letters, digits and hyphens, e.g. pravo-kyiv. It cannot be changed later.
dash-id-taken = An organization with this id already exists.
dash-not-yours = Changes to these fields take effect once the coordinators approve them:
dash-own-note = Opening hours, description and time to answer change at once. Changes to contacts, topics, regions, kinds of help and the other fields take effect once the coordinators approve them.
dash-lang-uk = in Ukrainian
dash-lang-en = in English
dash-national = All of Ukraine
dash-members = Members
dash-joined = joined
dash-last-active = last active
dash-remove = Remove
dash-confirm-remove = Remove from the team? They stop getting the organization’s requests and messages at once.
dash-no-members = Nobody is on the team yet.
dash-invitations = Invitations still valid
dash-expires = valid until
dash-cancel = Cancel
dash-new-invitation = New invitation
dash-invitation-made = The invitation is valid for 72 hours and for one person. Send them the link or the command:
dash-no-invitations = No invitations are still valid.
dash-filter-org = Organization id
dash-all-actions = All actions
dash-coordinator = coordinator
dash-operator = server operator
dash-former-member = former team member
dash-propose = Send to the coordinators for approval
dash-proposed = Sent to the coordinators. Until they approve the changes, the bot shows the current card.
dash-proposals = Changes waiting for approval
dash-approve = Approve
dash-reject = Reject
dash-approved = Changes approved. The bot already shows the new version.
dash-rejected = Changes rejected; the organization’s team has been told.
dash-yes = yes
dash-no = no
dash-tab-monitoring = Monitoring
dash-from = From month
dash-to = To month
dash-total = Total
dash-figures = Figures by month
dash-organizations = Organizations in the directory now
dash-orgs-total = Vetted organizations
dash-orgs-women-led = Led by women
dash-privacy-note = Only anonymous counts by month: under 5 is shown as “<5”, a median or 90th percentile only of at least 5 requests. The counts stay after the requests themselves are deleted.
dash-bad-period = Choose months so that the first is not after the last (at most 120 months).
dash-chart-requests = Requests by month
dash-chart-answers = Median hours to a first answer
dash-m-help-submitted = Help requests
dash-m-help-unplaced = Help requests no organization could take
dash-m-help-answered = Help requests an organization answered
dash-m-help-closed = Help requests closed
dash-m-help-first_answer_h-median = Hours to a first answer, median
dash-m-help-first_answer_h-p90 = Hours to a first answer, 90th percentile
dash-m-help-close_h-median = Hours to closing, median
dash-m-help-close_h-p90 = Hours to closing, 90th percentile
dash-m-feedback-help_yes = Answered that they got help
dash-m-feedback-help_partly = Answered that they got some help
dash-m-feedback-help_no = Answered that they got no help
dash-m-feedback-held = Cooperations that took place (as answered)
dash-m-feedback-not_held = Cooperations that did not take place (as answered)
dash-m-expert-submitted = Requests for trainers and experts
dash-m-expert-unplaced = Requests for trainers no organization could be offered
dash-m-expert-arranged = Trainings and events arranged
dash-m-expert-people_planned = Participants of arranged events (as requested)
dash-m-expert-held = Trainings and events held
dash-m-expert-people_reached = People reached by events held
dash-m-search-empty = Free-text searches that found nothing (their words are never kept)
dash-m-help-topic = Help requests by topic
dash-m-help-region = Help requests by region
dash-m-help-kind = Help requests by kind of help
dash-m-help-outcome = Closed with the outcome
dash-m-expert-topic = Requests for trainers by topic
dash-m-expert-kind = Requests for trainers by format
dash-m-expert-audience = Requests for trainers by audience
dash-section-requests = Requests to the organization by month
dash-org-accepted = accepted
dash-org-declined = declined
dash-org-no_answer = not answered in time
dash-org-closed = closed
dash-m-help-helped_share = Share closed as helped
dash-m-feedback-help_yes_share = Share of answers “I got help”
dash-more = Show more
dash-action-org-created = organization added
dash-action-org-edited = card changed
dash-action-org-vetted = vetting confirmed
dash-action-org-suspended = suspended
dash-action-org-reactivated = reactivated
dash-action-org-paused = new requests paused
dash-action-org-resumed = new requests resumed
dash-action-change-proposed = change proposed
dash-action-change-approved = change approved
dash-action-change-rejected = change rejected
dash-action-staff-invited = invitation created
dash-action-invite-cancelled = invitation cancelled
dash-action-staff-joined = member joined the team
dash-action-staff-removed = member removed from the team
dash-action-staff-left = member left the team
dash-action-directory-imported = directory imported from a file
dash-action-directory-exported = directory downloaded
dash-action-report-exported = report downloaded
