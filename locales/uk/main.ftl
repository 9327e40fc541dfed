# Ukrainian (primary). Every key here must also be in ../en/main.ftl.
# Text is sent as Telegram HTML: only <b>, <i>, <code> and <a href> tags; arguments arrive escaped.

welcome =
    Вітаю! Я <b>Поруч</b>: допомагаю людям із сектору безпеки й оборони знайти перевірені громадські організації — юристів, психологів, тренерів — у вашій області.
    Я зберігаю лише те, без чого не можу працювати: мову і крок, на якому ви зупинилися.
menu = Що потрібно?
btn-find = 🔎 Знайти підтримку
btn-urgent = 🆘 Термінова допомога
btn-language = 🌐 Мова / Language
btn-privacy = 🔒 Приватність
btn-menu = ☰ Меню
btn-next = Далі ›
btn-back = ‹ Назад
btn-nationwide = 🇺🇦 Вся Україна
btn-lang-uk = 🇺🇦 Українська
btn-lang-en = 🇬🇧 English
btn-topics = ‹ Теми
choose-topic = З чим потрібна допомога? Оберіть тему:
choose-region =
    Тема: <b>{ $topic }</b>
    Оберіть область або напишіть назву міста чи області (наприклад, «Дніпро»):
region-not-recognised = Не вдалося впізнати місце «{ $text }». Оберіть область кнопкою або напишіть назву міста чи області, наприклад «Львів». Щоб вийти, надішліть /cancel.
results-header =
    <b>{ $topic }</b> · { $region }
    Знайдено: { $count }
text-results-header =
    Пошук: <i>{ $query }</i>
    Знайдено: { $count }
results-page = Сторінка { $page } з { $pages }. Натисніть на організацію, щоб побачити контакти.
no-results = На жаль, нікого не знайдено. Спробуйте «Вся Україна» або інші слова. Якщо допомога потрібна зараз — /urgent.
org-count =
    { $count ->
        [one] { $count } організація
        [few] { $count } організації
       *[other] { $count } організацій
    }
nationwide = вся Україна
card-services = <b>Допомога:</b> { $list }
card-audiences = <b>Для кого:</b> { $list }
card-regions = <b>Де:</b> { $list }
card-languages = <b>Мови:</b> { $list }
card-contacts = <b>Контакти:</b>
card-hours = <b>Години роботи:</b> { $hours }
card-vetted = ✅ Перевірено { $date } ({ $by })
card-women-led = Організацію очолюють жінки.
card-demo = ⚠️ Демонстраційний запис: цієї організації не існує.
urgent-header = <b>Якщо вам загрожує небезпека просто зараз — телефонуйте 112 або 102.</b>
urgent-footer = Дзвінок на ці лінії не бачить ваш командир чи підрозділ.
language-choose = Оберіть мову / Choose a language:
language-set = Готово: тепер я говорю українською.
privacy =
    <b>Що я зберігаю</b>
    • Мову, яку ви обрали, — доки ви користуєтеся ботом.
    • Крок діалогу (наприклад, обрану тему чи ключові слова останнього пошуку), щоб продовжити після перезапуску, — доки ви не почнете новий пошук або не надішлете /cancel.
    Я не зберігаю текст ваших повідомлень. Журнали сервера не містять тексту повідомлень, номерів телефонів чи ідентифікаторів Telegram.

    <b>Де</b>
    На сервері організації, яка керує ботом, у вбудованій базі даних. Вашому командуванню чи підрозділу нічого не передається.

    <b>Важливо</b>
    Чати з ботами в Telegram <b>не мають наскрізного шифрування</b>: Telegram технічно може бачити листування. Якщо вашим телефоном може скористатися хтось інший, видаліть цей чат після розмови.
help =
    <b>Як користуватися</b>
    /find — знайти організацію за темою та областю
    /urgent — термінові гарячі лінії
    /language — змінити мову
    /privacy — що я зберігаю
    /cancel — вийти з будь-якого кроку
    Або просто напишіть, що шукаєте, наприклад: «юрист домашнє насильство Дніпро».
cancelled = Скасовано. Нічого не збережено.
button-expired = Ця кнопка застаріла. Ось меню.
text-expected = Я розумію лише текст і кнопки. Напишіть, що шукаєте, або оберіть дію в меню.
unknown-command = Я не знаю такої команди. Список команд — /help.
empty-query = Напишіть, що шукаєте, наприклад: «психолог у Львові».
error-generic = Щось пішло не так, і я не зміг виконати дію. Спробуйте ще раз. Термінові лінії — /urgent.
cmd-start = Почати і показати меню
cmd-find = Знайти організацію
cmd-urgent = Термінові гарячі лінії
cmd-language = Змінити мову
cmd-privacy = Що зберігає бот
cmd-help = Довідка
cmd-cancel = Скасувати поточний крок
service-consultation = консультації
service-legal-aid = правова допомога
service-psychological-support = психологічна підтримка
service-medical-aid = медична допомога
service-training = тренінги
service-lecture = лекції
service-materials = матеріали
service-mentoring = менторство
service-research = дослідження
service-documentation = документування злочинів
service-shelter = притулок
service-advocacy = адвокація
service-peer-support = групи взаємопідтримки
audience-service-members = військовослужбовці
audience-commanders = командири
audience-advisers = радники з гендерних питань
audience-cadets = курсанти
audience-families = родини
audience-veterans = ветерани
