/** The sandbox's favicon: the car of the Teams icon, drawn small. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b2545"/><path d="M10 13h12l3 5v5H7v-5z" fill="#fff"/><circle cx="11" cy="23" r="2.5" fill="#fff"/><circle cx="21" cy="23" r="2.5" fill="#fff"/></svg>`;

/**
 * The local web chat: one page, no build step, keyboard-usable, readable on a phone. Its own
 * words are French, like the bot's first language; the conversation reads top to bottom.
 */
export const PAGE = `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bot vie privée Ocean — bac à sable</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<style>
  :root { --fg:#1b1f24; --muted:#5b6570; --bg:#f6f7f9; --card:#fff; --accent:#1c5fd1; --ok:#1f7a3a; --warn:#9a5b00; --err:#b42318; --mine:#e8f0fe; }
  * { box-sizing: border-box; }
  body { margin:0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
  header { background:#0b2545; color:#fff; padding:12px 16px; }
  header h1 { margin:0; font-size:1.15rem; }
  header p { margin:4px 0 0; font-size:.9rem; opacity:.85; }
  main { max-width: 980px; margin: 0 auto; padding: 12px; display:grid; gap:12px; grid-template-columns: 1fr; }
  @media (min-width: 860px) { main { grid-template-columns: 320px 1fr; } }
  section { background:var(--card); border-radius:10px; padding:12px 14px; box-shadow: 0 1px 2px rgba(0,0,0,.08); min-width:0; }
  h2 { font-size:1rem; margin:0 0 8px; }
  label { display:block; font-weight:600; margin:8px 0 4px; }
  select, input[type=text] { width:100%; padding:9px 10px; font:inherit; border:1px solid #b7c0cc; border-radius:8px; background:#fff; }
  button { font:inherit; padding:8px 12px; border-radius:8px; border:1px solid #9aa7b6; background:#fff; cursor:pointer; margin:4px 6px 4px 0; min-height:40px; }
  button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
  button.danger { border-color:var(--err); color:var(--err); }
  button:focus-visible, select:focus-visible, input:focus-visible, a:focus-visible { outline:3px solid #f5b700; outline-offset:2px; }
  .row { display:flex; gap:8px; align-items:center; }
  .row input { flex:1; }
  .hint { color:var(--muted); font-size:.88rem; }
  #conversation { max-height: 70vh; overflow-y:auto; padding-right:4px; }
  .msg { border:1px solid #e3e7ec; border-radius:10px; padding:10px 12px; margin:10px 0; background:#fff; }
  .msg h3 { margin:0 0 6px; font-size:1rem; }
  .mine { margin:10px 0 10px auto; max-width:80%; background:var(--mine); border-radius:10px; padding:8px 12px; width:fit-content; font-family: ui-monospace, monospace; }
  .tone-muted { color:var(--muted); } .tone-success { color:var(--ok); } .tone-warning { color:var(--warn); } .tone-error { color:var(--err); font-weight:600; }
  .item { border-top:1px solid #eef1f4; padding:6px 0; }
  .status { font-size:.9rem; }
  table { border-collapse: collapse; width:100%; font-size:.92rem; }
  th, td { padding:4px 6px; border-bottom:1px solid #eef1f4; text-align:left; }
  td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
  tfoot td { font-weight:700; }
  .fields { display:grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap:6px; }
  .fields div { background:var(--bg); border-radius:8px; padding:6px 8px; }
  .fields b { display:block; font-size:.8rem; color:var(--muted); }
  img { max-width:100%; height:auto; }
  .scroll { overflow-x:auto; }
  dialog { border:none; border-radius:12px; max-width: 520px; width: calc(100% - 24px); }
  .field-error { color:var(--err); font-size:.88rem; margin-top:2px; }
  .sr-only { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
</style>
</head>
<body>
<header>
  <h1>Bot vie privée Ocean — bac à sable local</h1>
  <p>Une flotte Ocean simulée et un stockage local : les mêmes commandes et les mêmes messages que dans Slack et Teams.</p>
</header>
<main>
  <section aria-labelledby="who-title">
    <h2 id="who-title">Qui êtes-vous ?</h2>
    <label for="who">Personne</label>
    <select id="who" data-testid="who"></select>
    <p class="hint" id="who-note"></p>
    <button id="send-prompts" data-testid="send-prompts" class="primary">Envoyer les messages du jour à tous les conducteurs</button>
    <p class="hint" id="prompts-result" data-testid="prompts-result" role="status" aria-live="polite"></p>
    <h2>Essayez</h2>
    <ul class="hint">
      <li><code>privacy</code> — trajets en attente et horaires de vie privée</li>
      <li><code>privacy schedule</code> — voir et modifier ses horaires</li>
      <li><code>privacy-report hier</code> — gestionnaires, après avoir répondu en conducteur : le rapport d’hier montre vos réponses tout de suite (celui du mois dernier ne bouge pas)</li>
      <li><code>privacy-report sans-réponse</code> — gestionnaires : qui n’a pas répondu, et qui le bot ne peut pas joindre</li>
      <li><code>privacy-report mois-dernier par véhicule</code> — gestionnaires</li>
      <li><code>privacy link @Antoine Fournier 1110000407</code> — gestionnaires : relie Antoine, qui n’a pas d’e-mail dans Ocean, par son n° Ocean (voir <code>privacy-report sans-réponse</code>)</li>
      <li><code>help</code></li>
    </ul>
  </section>
  <section aria-labelledby="chat-title">
    <h2 id="chat-title">Conversation</h2>
    <div id="conversation" data-testid="conversation" aria-live="polite"></div>
    <form id="command-form" class="row" autocomplete="off">
      <label for="command" class="sr-only">Commande</label>
      <input id="command" type="text" name="command" placeholder="privacy" data-testid="command" maxlength="500">
      <button type="submit" class="primary">Envoyer</button>
    </form>
  </section>
</main>
<dialog id="form-dialog" aria-labelledby="form-title"><form id="form" method="dialog"></form></dialog>
<script>
const $ = (s) => document.querySelector(s);
let people = [];
let shown = '';
const who = () => $('#who').value;
async function api(path, body) {
  const res = await fetch('/web/api/' + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (v === undefined || v === null) continue; if (k === 'class') e.className = v; else if (k.startsWith('data')) e.setAttribute(k.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase()), v); else e[k] = v; }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c);
  return e;
}
function button(a, messageId) {
  const b = el('button', { type: 'button', class: a.style || '', textContent: a.label, dataActionId: a.actionId, dataValue: a.value });
  b.addEventListener('click', () => act(a, messageId));
  return b;
}
function renderView(view, messageId) {
  const box = el('article', { class: 'msg', dataMessageId: messageId || '' });
  if (view.title) box.append(el('h3', { textContent: view.title }));
  for (const b of view.blocks) {
    if (b.type === 'text') box.append(el('p', { class: 'tone-' + (b.tone || 'normal'), textContent: b.text, style: 'white-space:pre-line' }));
    else if (b.type === 'heading') box.append(el('h4', { textContent: b.text }));
    else if (b.type === 'divider') box.append(el('hr'));
    else if (b.type === 'fields') box.append(el('div', { class: 'fields' }, b.fields.map((f) => el('div', {}, el('b', { textContent: f.label }), f.value))));
    else if (b.type === 'actions') box.append(el('div', {}, b.actions.map((a) => button(a, messageId))));
    else if (b.type === 'item') box.append(el('div', { class: 'item', dataTestid: 'trip' }, el('div', { textContent: b.text }), b.status ? el('div', { class: 'status tone-' + (b.tone || 'muted'), textContent: b.status, dataTestid: 'trip-status' }) : null, el('div', {}, b.actions.map((a) => button(a, messageId)))));
    else if (b.type === 'table') {
      const num = (i) => (b.columns[i] && b.columns[i].align === 'right' ? 'num' : '');
      const table = el('table', {}, el('thead', {}, el('tr', {}, b.columns.map((c, i) => el('th', { scope: 'col', class: num(i), textContent: c.label })))),
        el('tbody', {}, b.rows.map((r) => el('tr', {}, r.map((v, i) => el('td', { class: num(i), textContent: v }))))),
        b.footer ? el('tfoot', {}, el('tr', {}, b.footer.map((v, i) => el('td', { class: num(i), textContent: v })))) : null);
      box.append(el('div', { class: 'scroll' }, table));
    } else if (b.type === 'image') box.append(el('img', { src: b.src, alt: b.alt, dataTestid: 'chart' }));
    else if (b.type === 'file') box.append(el('p', {}, el('a', { href: b.href, download: b.name, textContent: b.title + ' — ' + b.name, dataTestid: 'csv' })));
  }
  return box;
}
function renderMessage(m) {
  return m.from === 'user' ? el('p', { class: 'mine', textContent: m.text, dataMessageId: m.id }) : renderView(m.view, m.id);
}
function append(messages) {
  const box = $('#conversation');
  for (const m of messages || []) box.append(renderMessage(m));
  box.scrollTop = box.scrollHeight;
}
async function refresh() {
  if (!who()) return;
  const messages = await api('conversation?as=' + encodeURIComponent(who()));
  const text = JSON.stringify(messages);
  if (text === shown) return;
  shown = text;
  const box = $('#conversation');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  box.replaceChildren(...(Array.isArray(messages) ? messages : []).map(renderMessage));
  if (atBottom) box.scrollTop = box.scrollHeight;
}
async function act(a, messageId) {
  const out = await api('action', { as: who(), messageId, actionId: a.actionId, value: a.value });
  if (out.updated) { const old = document.querySelector('[data-message-id="' + out.updated.id + '"]'); if (old) old.replaceWith(renderMessage(out.updated)); }
  append(out.messages);
  if (out.form) openForm(out.form);
}
function openForm(form, errors) {
  const f = $('#form');
  f.replaceChildren();
  f.append(el('h2', { id: 'form-title', textContent: form.title }));
  if (form.intro) f.append(el('p', { class: 'hint', textContent: form.intro }));
  for (const field of form.fields) {
    const id = 'field-' + field.id;
    const err = (errors && errors[field.id]) || field.error;
    f.append(el('label', { htmlFor: id, textContent: field.label }));
    f.append(el('input', { type: 'text', id, name: field.id, value: field.value || '', placeholder: field.placeholder || '', maxLength: field.maxLength || 500, ariaInvalid: err ? 'true' : 'false' }));
    if (field.hint) f.append(el('div', { class: 'hint', textContent: field.hint }));
    if (err) { const e = el('div', { class: 'field-error', id: id + '-error', textContent: err, role: 'alert' }); f.append(e); f.querySelector('#' + id).setAttribute('aria-describedby', id + '-error'); }
  }
  const cancel = el('button', { type: 'button', textContent: form.cancelLabel });
  cancel.addEventListener('click', () => $('#form-dialog').close());
  const save = el('button', { type: 'submit', class: 'primary', textContent: form.submitLabel });
  f.append(el('div', {}, save, cancel));
  f.onsubmit = async (ev) => {
    ev.preventDefault();
    const values = Object.fromEntries(form.fields.map((x) => [x.id, f.querySelector('#field-' + x.id).value]));
    const out = await api('submit', { as: who(), formId: form.formId, state: form.state, values });
    if (out.errors) return openForm({ ...form, fields: form.fields.map((x) => ({ ...x, value: values[x.id], error: undefined })) }, out.errors);
    $('#form-dialog').close();
    append(out.messages);
  };
  if (!$('#form-dialog').open) $('#form-dialog').showModal();
  const first = f.querySelector('[aria-invalid="true"]') || f.querySelector('input');
  if (first) first.focus();
}
$('#command-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#command');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  const out = await api('command', { as: who(), text });
  if (out.messages) append(out.messages);
  else append([{ from: 'bot', view: { blocks: [{ type: 'text', text: out.error || 'erreur', tone: 'error' }] } }]);
  input.focus();
});
$('#send-prompts').addEventListener('click', async () => {
  $('#prompts-result').textContent = '…';
  const out = await api('send-prompts', { as: who() });
  $('#prompts-result').textContent = out.outcomes ? 'Journée du ' + out.day.split('-').reverse().join('/') + ' : ' + out.outcomes.sent + ' envoyé(s), ' + out.outcomes.alreadyDone + ' déjà envoyé(s), ' + out.outcomes.noTrips + ' sans trajet.' : (out.error || '');
  await refresh();
});
$('#who').addEventListener('change', () => {
  const p = people.find((x) => x.key === who());
  $('#who-note').textContent = p ? [p.role === 'manager' ? 'gestionnaire de flotte' : 'conducteur', p.email || '', p.note].filter(Boolean).join(' · ') : '';
  shown = '';
  history.replaceState(null, '', '#' + encodeURIComponent(who()));
  refresh();
});
(async () => {
  people = await api('people');
  const managers = el('optgroup', { label: 'Gestionnaires' });
  const drivers = el('optgroup', { label: 'Conducteurs' });
  for (const p of people) (p.role === 'manager' ? managers : drivers).append(el('option', { value: p.key, textContent: p.name + (p.note ? ' (' + p.note + ')' : '') }));
  $('#who').append(drivers, managers);
  // Who you were stays in the address: a reload keeps the same conversation.
  const chosen = people.find((p) => p.key === decodeURIComponent(location.hash.slice(1)));
  const firstDriver = people.find((p) => p.role === 'driver' && p.email && !p.note);
  if (chosen || firstDriver) $('#who').value = (chosen || firstDriver).key;
  $('#who').dispatchEvent(new Event('change'));
  setInterval(refresh, 2000);
})();
</script>
</body>
</html>`;
