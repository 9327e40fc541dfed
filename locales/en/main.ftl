# English. Every key here must also be in ../uk/main.ftl.
# Text is sent as Telegram HTML: only <b>, <i>, <code> and <a href> tags; arguments arrive escaped.

welcome =
    Hello! I am <b>Poruch</b>: I help people in the security and defence sector find vetted civil society organizations — lawyers, psychologists, trainers — in their region.
    I keep only what I cannot work without — details in /privacy.
menu = What do you need?
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
region-not-recognised = I could not recognise the place “{ $text }”. Choose a region with a button, or type a city or region name such as “Lviv”. To leave, send /cancel.
results-header =
    <b>{ $topic }</b> · { $region }
    Found: { $count }
text-results-header =
    Search: <i>{ $query }</i>
    Found: { $count }
results-page = Page { $page } of { $pages }. Tap an organization to see its contacts.
no-results = Sorry, nothing was found. Try “All of Ukraine” or other words. If you need help now — /urgent.
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
urgent-header = <b>If you are in danger right now, call 112 or 102.</b>
urgent-footer = Your commander or unit does not see calls to these lines.
language-choose = Оберіть мову / Choose a language:
language-set = Done: I will speak English now.
privacy =
    <b>What I keep</b>
    • The language you chose — for as long as you use the bot.
    • The step of a dialogue (for example, the topic you chose or the keywords of your last search), so you can continue after a restart — until you start a new search or send /cancel.
    • The numbers (not the text) of this chat's messages of the last 48 hours, so that /forget can delete them.
    I do not keep the text of your messages. Server logs contain no message text, phone numbers or Telegram ids.
    To delete everything I keep about you, send /forget.

    <b>Where</b>
    On the server of the organization that runs the bot, in an embedded database. Nothing is passed to your command or unit.

    <b>Important</b>
    Telegram chats with bots are <b>not end-to-end encrypted</b>: Telegram can technically see the conversation. If someone else may use your phone, delete this chat afterwards.
help =
    <b>How to use</b>
    /find — find an organization by topic and region
    /urgent — urgent hotlines
    /language — change the language
    /privacy — what I keep
    /cancel — leave any step
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
join-done = Done: you are on the team of “{ $org }” in Poruch.
join-invalid = This invitation is not valid: it was used, it expired, or the code is wrong. Ask the coordinator for a new one.
forget-confirm = Delete everything Poruch keeps about you: your language, the step of a dialogue, your requests and any organization team membership? Organizations with open requests will be told the request was withdrawn. This cannot be undone.
forget-done = Done: everything was deleted. Telegram keeps the messages of this chat itself — delete the chat if someone else may see your phone.
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
audience-advisers = gender advisers
audience-cadets = cadets
audience-families = families
audience-veterans = veterans
