// Poruch dashboard: a Telegram Mini App. Reads its launch parameters from the URL fragment
// (as Telegram passes them), sends initData with every API request, and draws what the API
// answers. Every text comes from the server's locale files (by key, through t); every value is put
// on the page as text, never as markup (the one exception, the bot's card preview, is
// rebuilt from an allow-list of Telegram's tags).
'use strict';

const launch = new URLSearchParams(location.hash.slice(1));
const initData = launch.get('tgWebAppData') || '';
let me = null;
let T = {};

function t(key) {
  return T[key] || key;
}

// Field names arrive lower-case for use mid-sentence; a label starts with a capital.
function label(key) {
  const s = t(key);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function applyTheme() {
  let theme = {};
  try {
    theme = JSON.parse(launch.get('tgWebAppThemeParams') || '{}');
  } catch (_) {
    theme = {};
  }
  const map = {
    bg_color: '--bg', text_color: '--text', hint_color: '--hint', link_color: '--link',
    button_color: '--button', button_text_color: '--button-text',
    secondary_bg_color: '--bg2', destructive_text_color: '--danger',
  };
  for (const [k, v] of Object.entries(map)) {
    if (typeof theme[k] === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(theme[k])) {
      document.documentElement.style.setProperty(v, theme[k]);
    }
  }
  // Telegram's own script adds the back button and theme changes; optional, and loaded only
  // inside Telegram (a browser opened by hand works without it).
  const platform = launch.get('tgWebAppPlatform');
  if (platform && platform !== 'unknown') {
    document.head.append(h('script', { src: 'https://telegram.org/js/telegram-web-app.js', async: true }));
  }
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : String(status));
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body) {
  const res = await fetch('api' + path, {
    method,
    headers: Object.assign(
      { Authorization: 'tma ' + initData },
      body === undefined ? {} : { 'Content-Type': 'application/json' },
    ),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let json = null;
  try {
    json = await res.json();
  } catch (_) {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

async function download(path, name) {
  const res = await fetch('api' + path, { headers: { Authorization: 'tma ' + initData } });
  if (!res.ok) return notice('error', t('dash-error'));
  const blob = await res.blob();
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

const main = () => document.getElementById('main');

// replaceChildren, leaving out the parts that are not there (null: a button not shown).
function fill(el, ...nodes) {
  el.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
}

function show(...nodes) {
  const m = main();
  fill(m, ...nodes.flat());
  window.scrollTo(0, 0);
}

function notice(kind, text) {
  const box = document.getElementById('notice');
  const el = h('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
  if (box) fill(box, el);
  return el;
}

function fatal(text) {
  fill(document.getElementById('tabs'));
  show(h('div', { class: 'fatal', role: 'alert', id: 'fatal' }, text));
}

function errorText(e) {
  if (!(e instanceof ApiError)) return t('dash-error');
  switch (e.message) {
    case 'stale': return t('dash-stale');
    case 'auth': return t('dash-auth-failed');
    case 'nobody': return t('dash-nobody');
    case 'forbidden': return t('dash-forbidden');
    case 'changed': return t('dash-changed-meanwhile');
    case 'id-taken': return t('dash-id-taken');
    case 'not-found': return t('dash-not-found');
    case 'bad-date': return t('dash-bad-date');
    default: return t('dash-error');
  }
}

function fail(e) {
  if (e instanceof ApiError && (e.status === 401 || e.message === 'nobody')) fatal(errorText(e));
  else notice('error', errorText(e));
}

// Kyiv time for timestamps (seconds).
function kyiv(secs) {
  return new Date(secs * 1000).toLocaleString(me && me.lang === 'en' ? 'en-GB' : 'uk-UA', {
    timeZone: 'Europe/Kyiv', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit',
  });
}

function name(list, code) {
  const item = (list || []).find((x) => x.code === code);
  if (code === 'national') return t('dash-national');
  return item ? item.name : code;
}

function badge(standing, paused) {
  return h('span', { class: 'badges' },
    h('span', { class: 'badge ' + standing }, t('dash-standing-' + standing)),
    paused ? h('span', { class: 'badge paused' }, t('dash-paused')) : null);
}

// ---------- tabs ----------

const TABS = {
  coordinator: [['directory', 'dash-tab-directory'], ['monitoring', 'dash-tab-monitoring'], ['audit', 'dash-tab-audit']],
  staff: [['my', 'dash-tab-my']],
};

function tabs(active) {
  const nav = document.getElementById('tabs');
  fill(nav, ...TABS[me.role].map(([id, key]) =>
    h('button', {
      class: 'tab' + (id === active ? ' active' : ''), id: 'tab-' + id,
      'aria-current': id === active ? 'page' : null, onclick: () => route(id),
    }, t(key))));
}

function route(view, arg) {
  if (me.role === 'staff') {
    tabs('my');
    return orgView(me.org);
  }
  if (view === 'audit') {
    tabs('audit');
    return auditView(arg || {});
  }
  if (view === 'monitoring') {
    tabs('monitoring');
    return monitoringView(arg || {});
  }
  tabs('directory');
  if (view === 'org') return orgView(arg);
  if (view === 'new') return newOrgView();
  return directoryView(arg || directoryState);
}

// ---------- directory ----------

let directoryState = { q: '', standing: '', topic: '', region: '', page: 0 };

function select(id, value, options, onchange) {
  return h('select', { id, onchange },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

async function directoryView(state) {
  directoryState = state;
  const q = h('input', {
    id: 'search', type: 'search', value: state.q, placeholder: t('dash-search'),
    'aria-label': t('dash-search'),
  });
  let timer = null;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => directoryView(Object.assign({}, state, { q: q.value, page: 0 })), 300);
  });
  const change = (key) => (ev) => directoryView(Object.assign({}, state, { [key]: ev.target.value, page: 0 }));
  const filters = h('div', { class: 'filters' },
    q,
    select('standing', state.standing, [['', t('dash-all-standings')]].concat(
      ['active', 'expiring', 'expired', 'suspended'].map((s) => [s, t('dash-standing-' + s)])), change('standing')),
    select('topic', state.topic, [['', t('dash-all-topics')]].concat(me.topics.map((x) => [x.code, x.name])), change('topic')),
    select('region', state.region, [['', t('dash-all-regions')]].concat(me.regions.map((x) => [x.code, x.name])), change('region')));
  const actions = h('div', { class: 'actions' },
    h('button', { id: 'new-org', class: 'primary', onclick: () => route('new') }, t('dash-new-org')),
    h('button', { id: 'download-toml', onclick: () => download('/directory.toml', 'organizations.toml') }, t('dash-download-toml')));
  const list = h('div', { id: 'list' }, h('p', { class: 'muted' }, t('dash-loading')));
  const pending = h('div', { id: 'proposals' });
  show(h('div', { id: 'notice' }), pending, actions, filters, list);
  proposalsView(pending);
  if (state.q !== '' && document.activeElement !== q) {
    q.focus();
    q.setSelectionRange(q.value.length, q.value.length);
  }
  const params = new URLSearchParams({
    q: state.q, standing: state.standing, topic: state.topic, region: state.region, page: state.page,
  });
  let data;
  try {
    data = await api('GET', '/orgs?' + params);
  } catch (e) {
    return fail(e);
  }
  const rows = data.items.map((o) => h('button', {
    class: 'row org ' + o.standing, 'data-id': o.id, onclick: () => route('org', o.id),
  },
  h('span', { class: 'main' },
    h('span', { class: 'org-name' }, o.name, o.demo ? h('span', { class: 'tag' }, t('dash-demo')) : null),
    h('span', { class: 'org-id muted' }, o.id),
    h('span', { class: 'topics' }, o.topics.map((x) => name(me.topics, x)).join(', ')),
    h('span', { class: 'regions muted' }, o.regions.map((r) => name(me.regions, r)).join(', '))),
  h('span', { class: 'meta' },
    h('span', { class: 'cell expires' }, h('span', { class: 'k' }, t('dash-col-expires')), h('span', { class: 'v' }, o.expires_on)),
    h('span', { class: 'cell' }, h('span', { class: 'k' }, t('dash-col-staff')), h('span', { class: 'v' }, o.staff)),
    h('span', { class: 'cell' }, h('span', { class: 'k' }, t('dash-col-open')), h('span', { class: 'v' }, o.open_referrals))),
  badge(o.standing, o.paused)));
  fill(list,
    h('p', { class: 'muted', id: 'found' }, t('dash-found') + ': ' + data.total),
    rows.length ? h('div', { class: 'rows' }, rows) : h('p', { class: 'empty' }, t('dash-empty')),
    pager(data.page, data.pages, (p) => directoryView(Object.assign({}, state, { page: p }))));
}

// A value of a form's field as words: names for codes, both languages for texts.
function shown(field, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return t(value ? 'dash-yes' : 'dash-no');
  if (Array.isArray(value)) {
    const lists = { topics: me.topics, regions: me.regions, services: me.services, audiences: me.audiences };
    return value.map((v) => (lists[field] ? name(lists[field], v) : v)).join(', ') || '—';
  }
  if (typeof value === 'object') return [value.uk, value.en].filter(Boolean).join(' / ');
  return String(value);
}

async function proposalsView(box) {
  let data;
  try {
    data = await api('GET', '/proposals');
  } catch (e) {
    return fail(e);
  }
  if (!data.items.length) return fill(box);
  const decide = (org, verdict) => async () => {
    try {
      await api('POST', '/orgs/' + encodeURIComponent(org) + '/proposal/' + verdict);
      notice('ok', t(verdict === 'approve' ? 'dash-approved' : 'dash-rejected'));
      proposalsView(box);
    } catch (e) {
      fail(e);
    }
  };
  fill(box, h('section', { class: 'proposals' },
    h('h2', {}, t('dash-proposals') + ' (' + data.items.length + ')'),
    data.items.map((p) => h('div', { class: 'proposal', 'data-org': p.org },
      h('p', {}, h('strong', {}, p.name), ' ', h('span', { class: 'muted' }, kyiv(p.at))),
      h('ul', { class: 'changes' }, p.changes.map((c) => h('li', {},
        h('span', { class: 'k' }, label('field-' + c.field) + ': '),
        h('del', {}, shown(c.field, c.before)), ' → ', h('ins', {}, shown(c.field, c.after))))),
      h('div', { class: 'actions' },
        h('button', { class: 'primary approve', onclick: decide(p.org, 'approve') }, t('dash-approve')),
        h('button', { class: 'reject', onclick: decide(p.org, 'reject') }, t('dash-reject')))))));
}

function pager(page, pages, go) {
  if (pages <= 1) return null;
  return h('div', { class: 'pager' },
    h('button', { id: 'prev', disabled: page === 0, onclick: () => go(page - 1) }, t('dash-prev')),
    h('span', {}, t('dash-page') + ' ' + (page + 1) + ' / ' + pages),
    h('button', { id: 'next', disabled: page + 1 >= pages, onclick: () => go(page + 1) }, t('dash-next')));
}

// ---------- one organization ----------

// The card as the bot shows it: Telegram's HTML, rebuilt from an allow-list of its tags.
function telegramHtml(html) {
  const doc = new DOMParser().parseFromString('<div>' + html + '</div>', 'text/html');
  const allowed = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'S', 'CODE', 'PRE', 'A']);
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const kids = Array.from(node.childNodes).map(copy).filter(Boolean);
    if (!allowed.has(node.tagName)) return kids;
    const el = document.createElement(node.tagName.toLowerCase());
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') || '';
      if (/^(https?:|tg:|mailto:|tel:)/i.test(href)) {
        el.setAttribute('href', href);
        el.setAttribute('target', '_blank');
        el.setAttribute('rel', 'noopener noreferrer');
      }
    }
    el.append(...kids.flat());
    return el;
  };
  return h('div', { class: 'card-preview', id: 'card' }, copy(doc.body.firstChild));
}

async function orgView(id) {
  show(h('p', { class: 'muted' }, t('dash-loading')));
  let data;
  try {
    data = await api('GET', '/orgs/' + encodeURIComponent(id));
  } catch (e) {
    return fail(e);
  }
  const o = data.row;
  const coordinator = me.role === 'coordinator';
  const head = h('div', { class: 'org-head' },
    coordinator ? h('button', { class: 'link', id: 'back', onclick: () => route('directory') }, t('dash-back')) : null,
    h('h1', {}, o.name),
    h('p', { class: 'muted' }, o.id, ' · ', t('dash-col-expires') + ' ' + o.expires_on),
    badge(o.standing, o.paused));
  const parts = [h('div', { id: 'notice' }), head];
  if (coordinator) parts.push(vettingBox(o));
  parts.push(
    h('section', {}, h('h2', {}, t('dash-section-card')), telegramHtml(data.card)),
    h('section', {}, h('h2', {}, t('dash-section-requests')),
      h('div', { class: 'scroll' }, h('table', { class: 'figures', id: 'org-figures' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), data.months.map((m) => h('th', {}, m)))),
        h('tbody', {}, data.figures.map((f) => h('tr', {},
          h('th', { scope: 'row' }, t('dash-org-' + f.what)), f.months.map((v) => h('td', {}, v)))))))),
    h('section', {}, h('h2', {}, t('dash-section-edit')), orgForm(data)));
  if (coordinator) parts.push(h('section', { id: 'team' }, h('h2', {}, t('dash-section-team')), h('div', { id: 'team-body' })));
  show(parts);
  if (coordinator) teamView(o.id);
}

function defaultUntil() {
  const d = new Date();
  d.setFullYear(d.getFullYear() + 1);
  return d.toISOString().slice(0, 10);
}

function vettingBox(o) {
  const until = h('input', { type: 'date', id: 'vet-until', value: defaultUntil(), 'aria-label': t('dash-vet-until') });
  const act = async (path, body, confirmText) => {
    if (confirmText && !window.confirm(confirmText)) return;
    try {
      await api('POST', '/orgs/' + encodeURIComponent(o.id) + path, body);
      await orgView(o.id);
      notice('ok', t('dash-saved'));
    } catch (e) {
      fail(e);
    }
  };
  return h('div', { class: 'vetting' },
    h('label', {}, t('dash-vet-until') + ' ', until),
    h('button', { id: 'vet', class: 'primary', onclick: () => act('/vet', { until: until.value }) }, t('dash-vet')),
    o.standing === 'suspended'
      ? h('button', { id: 'reactivate', onclick: () => act('/reactivate') }, t('dash-reactivate'))
      : h('button', { id: 'suspend', class: 'danger', onclick: () => act('/suspend', undefined, t('dash-confirm-suspend')) }, t('dash-suspend')));
}

function field(key, control, hint) {
  return h('div', { class: 'field', 'data-field': key },
    h('label', { for: control.id }, label('field-' + key)),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null,
    h('p', { class: 'problem', id: 'problem-' + key }));
}

function langPair(key, value, area, disabled) {
  const make = (lang) => h(area ? 'textarea' : 'input', {
    id: 'f-' + key + '-' + lang, name: key + '.' + lang, disabled, rows: area ? 4 : null,
    'aria-label': t('field-' + key) + ' (' + t('dash-lang-' + lang) + ')',
  });
  const uk = make('uk');
  const en = make('en');
  uk.value = (value && value.uk) || '';
  en.value = (value && value.en) || '';
  const box = h('div', { class: 'pair', id: 'f-' + key },
    h('span', { class: 'sub' }, t('dash-lang-uk')), uk, h('span', { class: 'sub' }, t('dash-lang-en')), en);
  box.read = () => ({ uk: uk.value, en: en.value === '' ? null : en.value });
  return box;
}

function checks(key, items, chosen, disabled) {
  const box = h('div', { class: 'checks', id: 'f-' + key, role: 'group' },
    items.map((x) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: x.code, checked: chosen.includes(x.code), disabled }), ' ', x.name)));
  box.read = () => Array.from(box.querySelectorAll('input:checked')).map((i) => i.value);
  return box;
}

function textInput(key, value, disabled, type) {
  const el = h('input', { id: 'f-' + key, type: type || 'text', disabled });
  el.value = value === null || value === undefined ? '' : String(value);
  el.read = () => (el.value.trim() === '' ? null : el.value.trim());
  return el;
}

function flag(key, value, disabled) {
  const el = h('input', { id: 'f-' + key, type: 'checkbox', checked: !!value, disabled });
  el.read = () => el.checked;
  return el;
}

function orgForm(data, creating) {
  const f = data.form;
  const own = data.editable === 'own';
  // Staff may edit every field; what they may not change at once goes to the coordinators.
  const locked = () => false;
  const languages = [{ code: 'uk', name: 'українська / Ukrainian' }, { code: 'en', name: 'English' }];
  const regions = [{ code: 'national', name: t('dash-national') }].concat(me.regions);
  const c = {
    name: langPair('name', f.name, false, locked('name')),
    description: langPair('description', f.description, true, locked('description')),
    topics: checks('topics', me.topics, f.topics || [], locked('topics')),
    services: checks('services', me.services, f.services || [], locked('services')),
    audiences: checks('audiences', me.audiences, f.audiences || [], locked('audiences')),
    regions: checks('regions', regions, f.regions || [], locked('regions')),
    languages: checks('languages', languages, f.languages || [], locked('languages')),
    phone: textInput('phone', f.contacts && f.contacts.phone, locked('phone'), 'tel'),
    email: textInput('email', f.contacts && f.contacts.email, locked('email'), 'email'),
    website: textInput('website', f.contacts && f.contacts.website, locked('website'), 'url'),
    telegram: textInput('telegram', f.contacts && f.contacts.telegram, locked('telegram')),
    hours: langPair('hours', f.hours, false, locked('hours')),
    response_hours: textInput('response_hours', f.response_hours || 24, locked('response_hours'), 'number'),
    women_led: flag('women_led', f.women_led, locked('women_led')),
    accepts_referrals: flag('accepts_referrals', f.accepts_referrals, locked('accepts_referrals')),
    online: flag('online', f.online, locked('online')),
  };
  const id = creating ? textInput('id', '', false) : null;
  const form = h('form', { id: 'org-form', novalidate: true },
    own ? h('p', { class: 'hint' }, t('dash-own-note')) : null,
    creating ? h('div', { class: 'field', 'data-field': 'id' },
      h('label', { for: 'f-id' }, t('dash-id')), id, h('p', { class: 'hint' }, t('dash-id-hint')),
      h('p', { class: 'problem', id: 'problem-id' })) : null,
    Object.entries(c).map(([k, control]) => field(k, control)),
    h('div', { class: 'actions sticky' }, h('button', { type: 'submit', class: 'primary', id: 'save' }, t('dash-save'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    form.querySelectorAll('.problem').forEach((p) => fill(p));
    const hours = c.hours.read();
    const out = Object.assign({}, f, {
      id: creating ? id.read() || '' : f.id,
      name: c.name.read(),
      description: c.description.read(),
      topics: c.topics.read(),
      services: c.services.read(),
      audiences: c.audiences.read(),
      regions: c.regions.read(),
      languages: c.languages.read(),
      contacts: {
        phone: c.phone.read(), email: c.email.read(), website: c.website.read(), telegram: c.telegram.read(),
      },
      hours: hours.uk === '' && !hours.en ? null : hours,
      response_hours: Number(c.response_hours.read() || 24),
      women_led: c.women_led.read(),
      accepts_referrals: c.accepts_referrals.read(),
      online: c.online.read(),
    });
    try {
      const res = creating
        ? await api('POST', '/orgs', { form: out })
        : await api('PUT', '/orgs/' + encodeURIComponent(f.id), { form: out, version: data.version });
      if (creating) {
        await orgView(res.id);
      } else if (res.fields.length === 0) {
        notice('ok', t('dash-nothing-changed'));
      } else {
        await orgView(f.id);
      }
      notice('ok', res.fields && res.fields.length === 0 && !creating ? t('dash-nothing-changed') : t('dash-saved'));
    } catch (e) {
      if (e instanceof ApiError && e.message === 'invalid') {
        showProblems(form, e.body.problems || []);
      } else if (e instanceof ApiError && e.message === 'not-yours') {
        offerProposal(f.id, out, data.version, e.body.fields || []);
      } else {
        fail(e);
      }
    }
  });
  return form;
}

// Staff changed fields a coordinator approves: offer to send the change for approval.
function offerProposal(id, form, version, fields) {
  const send = h('button', {
    id: 'propose', class: 'primary',
    onclick: async () => {
      try {
        await api('POST', '/orgs/' + encodeURIComponent(id) + '/proposal', { form, version });
        notice('ok', t('dash-proposed'));
      } catch (e) {
        fail(e);
      }
    },
  }, t('dash-propose'));
  const box = document.getElementById('notice');
  if (box) {
    fill(box, h('div', { class: 'notice warn', role: 'status' },
      h('p', {}, t('dash-not-yours') + ' ' + fields.map((k) => t('field-' + k)).join(', ') + '.'),
      send));
    box.scrollIntoView({ block: 'start' });
  }
}

// A problem names a field as the directory file does ("contacts.phone", "name.uk").
function showProblems(form, problems) {
  const errors = problems.filter((p) => p.error);
  notice('error', t('dash-invalid'));
  for (const p of errors) {
    const parts = p.field.split('.');
    const key = parts[0] === 'contacts' || parts[0] === 'vetting' ? parts[1] || parts[0] : parts[0];
    const slot = form.querySelector('#problem-' + CSS.escape(key)) || document.getElementById('notice');
    slot.append(h('span', {}, p.message));
  }
  const first = form.querySelector('.problem:not(:empty)');
  if (first) first.closest('.field').scrollIntoView({ block: 'center' });
}

function newOrgView() {
  const empty = {
    form: {
      id: '', name: { uk: '', en: null }, description: { uk: '', en: null }, topics: [], services: [],
      audiences: [], regions: [], languages: ['uk'], contacts: {}, hours: null, response_hours: 24,
      women_led: false, accepts_referrals: true, online: false,
    },
    editable: 'all',
  };
  show(h('div', { id: 'notice' }),
    h('div', { class: 'org-head' },
      h('button', { class: 'link', id: 'back', onclick: () => route('directory') }, t('dash-back')),
      h('h1', {}, t('dash-new-org-title'))),
    orgForm(empty, true));
}

// ---------- team ----------

async function teamView(org) {
  const body = document.getElementById('team-body');
  if (!body) return;
  let data;
  try {
    data = await api('GET', '/orgs/' + encodeURIComponent(org) + '/staff');
  } catch (e) {
    return fail(e);
  }
  const act = async (method, path, confirmText) => {
    if (confirmText && !window.confirm(confirmText)) return null;
    try {
      const res = await api(method, '/orgs/' + encodeURIComponent(org) + path);
      await teamView(org);
      return res;
    } catch (e) {
      fail(e);
      return null;
    }
  };
  const members = data.members.length
    ? h('ul', { class: 'members', id: 'members' }, data.members.map((m) => h('li', {},
      h('span', { class: 'member' }, m.label),
      h('span', { class: 'muted' }, t('dash-joined') + ' ' + m.joined_on + ' · ' + t('dash-last-active') + ' ' + m.last_active),
      h('button', { class: 'danger small', onclick: () => act('POST', '/staff/' + m.id + '/revoke', t('dash-confirm-remove')) }, t('dash-remove')))))
    : h('p', { class: 'empty' }, t('dash-no-members'));
  const invitations = data.invitations.length
    ? h('ul', { class: 'invitations' }, data.invitations.map((i) => h('li', {},
      h('span', {}, t('dash-expires') + ' ' + kyiv(i.expires_at)),
      h('button', { class: 'small', onclick: () => act('DELETE', '/invitations/' + i.id) }, t('dash-cancel')))))
    : h('p', { class: 'empty' }, t('dash-no-invitations'));
  const made = h('div', { id: 'invitation' });
  const make = h('button', {
    id: 'new-invitation',
    onclick: async () => {
      const res = await act('POST', '/invitations');
      if (!res) return;
      const box = document.getElementById('invitation');
      if (box) {
        fill(box, h('div', { class: 'notice ok' },
          h('p', {}, t('dash-invitation-made')),
          res.link ? h('p', {}, h('code', { class: 'copy', id: 'invitation-link' }, res.link)) : null,
          h('p', {}, h('code', { class: 'copy', id: 'invitation-command' }, '/join ' + res.code))));
      }
    },
  }, t('dash-new-invitation'));
  fill(body,
    h('h3', {}, t('dash-members')), members,
    h('h3', {}, t('dash-invitations')), invitations, make, made);
}

// ---------- monitoring ----------

// What a metric is called: a fixed one by its own text, one with a code by its kind and the
// code's name (a topic, a region, a kind of help, an outcome, an audience).
function metricLabel(metric) {
  const key = 'dash-m-' + metric.replace(/\./g, '-');
  if (T[key]) return T[key];
  const lists = {
    'help.topic': me.topics, 'help.region': me.regions, 'help.kind': me.kinds,
    'help.outcome': me.outcomes, 'expert.topic': me.topics, 'expert.kind': me.needs,
    'expert.audience': me.expert_audiences,
  };
  for (const [prefix, list] of Object.entries(lists)) {
    if (metric.startsWith(prefix + '.')) {
      return t('dash-m-' + prefix.replace('.', '-')) + ': ' + name(list, metric.slice(prefix.length + 1));
    }
  }
  return metric;
}

function monthsAgo(n) {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
}

// The months a period can start or end in (the last five years), named in the page's
// language: a month picker would name them in the browser's.
const PICKABLE_MONTHS = 60;

function monthPicker(id, value, onchange) {
  const names = new Intl.DateTimeFormat(me.lang === 'en' ? 'en-GB' : 'uk-UA',
    { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const options = [];
  for (let n = 0; n < PICKABLE_MONTHS; n++) {
    const month = monthsAgo(n);
    options.push([month, names.format(new Date(month + '-01T00:00:00Z'))]);
  }
  if (!options.some(([m]) => m === value)) options.push([value, value]);
  return select(id, value, options, onchange);
}

async function chartImage(path, alt) {
  const res = await fetch('api' + path, { headers: { Authorization: 'tma ' + initData } });
  if (!res.ok) return null;
  const blob = await res.blob();
  return h('img', { class: 'chart', src: URL.createObjectURL(blob), alt });
}

async function monitoringView(state) {
  const reload = () => monitoringView({ from: from.value, to: to.value });
  const from = monthPicker('from', state.from || monthsAgo(11), reload);
  const to = monthPicker('to', state.to || monthsAgo(0), reload);
  const params = () => new URLSearchParams({ from: from.value, to: to.value });
  const body = h('div', { id: 'monitoring' }, h('p', { class: 'muted' }, t('dash-loading')));
  show(h('div', { id: 'notice' }),
    h('div', { class: 'filters period' },
      h('label', {}, t('dash-from'), from), h('label', {}, t('dash-to'), to)),
    h('div', { class: 'actions' },
      h('button', { id: 'download-report', onclick: () => download('/monitoring.csv?' + params(), 'poruch-monitoring.csv') }, t('dash-download-csv'))),
    h('p', { class: 'hint' }, t('dash-privacy-note')),
    body);
  let data;
  try {
    data = await api('GET', '/monitoring?' + params());
  } catch (e) {
    if (e instanceof ApiError && e.message === 'bad-period') return notice('error', t('dash-bad-period'));
    return fail(e);
  }
  const charts = h('div', { class: 'charts' });
  const head = h('tr', {}, h('th', {}, ''), data.months.map((m) => h('th', {}, m)), h('th', {}, t('dash-total')));
  const rows = data.figures.map((f) => h('tr', { 'data-metric': f.metric },
    h('th', { scope: 'row' }, metricLabel(f.metric)),
    f.months.map((v) => h('td', {}, v)),
    h('td', { class: 'total' }, f.total)));
  const o = data.organizations;
  const orgs = h('table', { class: 'figures', id: 'organizations' },
    h('tbody', {},
      h('tr', {}, h('th', { scope: 'row' }, t('dash-orgs-total')), h('td', {}, o.total)),
      h('tr', {}, h('th', { scope: 'row' }, t('dash-orgs-women-led')), h('td', {}, o.women_led + (o.total ? ' (' + Math.round(100 * o.women_led / o.total) + '%)' : ''))),
      o.by_topic.map(([code, n]) => h('tr', {}, h('th', { scope: 'row' }, t('dash-m-help-topic') + ': ' + name(me.topics, code)), h('td', {}, n))),
      o.by_region.map(([code, n]) => h('tr', {}, h('th', { scope: 'row' }, t('dash-m-help-region') + ': ' + name(me.regions, code)), h('td', {}, n)))));
  fill(body,
    charts,
    h('h2', {}, t('dash-figures')),
    rows.length
      ? h('div', { class: 'scroll' }, h('table', { class: 'figures', id: 'figures' }, h('thead', {}, head), h('tbody', {}, rows)))
      : h('p', { class: 'empty' }, t('dash-empty')),
    h('h2', {}, t('dash-organizations')),
    orgs);
  // Drawn for the width it is shown at, so that its labels keep their size on a phone.
  const width = Math.round(charts.getBoundingClientRect().width) || 720;
  for (const [path, alt] of [['/charts/requests.svg', t('dash-chart-requests')], ['/charts/answers.svg', t('dash-chart-answers')]]) {
    const img = await chartImage(path + '?' + params() + '&w=' + width, alt);
    if (img) charts.append(img);
  }
}

// ---------- audit log ----------

async function auditView(state) {
  const org = h('input', { id: 'audit-org', type: 'search', value: state.org || '', placeholder: t('dash-filter-org'), 'aria-label': t('dash-filter-org') });
  const action = select('audit-action', state.action || '', [['', t('dash-all-actions')]].concat(
    me.actions.map((a) => [a, t('dash-action-' + a)])), () => auditView({ org: org.value, action: action.value }));
  org.addEventListener('change', () => auditView({ org: org.value, action: action.value }));
  const list = h('div', { id: 'audit-list' }, h('p', { class: 'muted' }, t('dash-loading')));
  const params = () => new URLSearchParams({ org: org.value, action: action.value });
  show(h('div', { id: 'notice' }),
    h('div', { class: 'actions' },
      h('button', { id: 'download-csv', onclick: () => download('/audit.csv?' + params(), 'audit.csv') }, t('dash-download-csv'))),
    h('div', { class: 'filters' }, org, action),
    list);
  const rows = [];
  const more = h('button', { id: 'more' }, t('dash-more'));
  let page = 0;
  const load = async () => {
    let data;
    try {
      data = await api('GET', '/audit?' + params() + '&page=' + page);
    } catch (e) {
      return fail(e);
    }
    for (const e of data.items) {
      const who = e.role === 'staff' ? (e.who || t('dash-former-member')) : t('dash-' + e.role);
      rows.push(h('li', { class: 'entry' },
        h('span', { class: 'when muted' }, kyiv(e.at)),
        h('span', { class: 'what' }, t('dash-action-' + e.action)),
        e.org ? h('span', { class: 'org-id' }, e.org) : null,
        h('span', { class: 'who muted' }, who),
        e.fields.length ? h('span', { class: 'fields muted' }, e.fields.map((k) => t('field-' + k)).join(', ')) : null));
    }
    fill(list,
      rows.length ? h('ul', { class: 'log' }, rows) : h('p', { class: 'empty' }, t('dash-empty')),
      data.more ? more : null);
    page += 1;
  };
  more.addEventListener('click', load);
  await load();
}

// ---------- start ----------

// Before initData is checked, the language is a guess (the unsigned user field, or the
// browser's); the texts themselves are public.
function guessLang() {
  try {
    const user = JSON.parse(new URLSearchParams(initData).get('user') || '{}');
    if (typeof user.language_code === 'string') return user.language_code.startsWith('en') ? 'en' : 'uk';
  } catch (_) {
    // fall through to the browser's language
  }
  return (navigator.language || '').startsWith('en') ? 'en' : 'uk';
}

async function start() {
  applyTheme();
  try {
    const res = await fetch('api/texts/' + guessLang());
    T = await res.json();
  } catch (_) {
    T = {};
  }
  if (!initData) return fatal(t('dash-no-launch'));
  try {
    me = await api('GET', '/me');
  } catch (e) {
    return fatal(errorText(e));
  }
  T = me.texts;
  document.documentElement.lang = me.lang;
  document.title = t('dash-title');
  document.querySelector('.brand').textContent = t('dash-brand');
  route(me.role === 'staff' ? 'my' : 'directory');
}

document.addEventListener('DOMContentLoaded', start);
