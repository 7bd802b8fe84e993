/* global document */
// DOM rendering of the dashboard. Every value reaches the page as a text node or an attribute
// set through the DOM (never as markup), so key labels, messages and resources chosen by callers
// are shown literally and cannot inject HTML.

/** An element with attributes (`class`, `title`, `data-*`) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/** Replaces the children of `parent` with `children`. */
export function fill(parent, children) {
  parent.replaceChildren(...children);
}

/** `1m 05s`, `42s`, `1.5s`, `expired`. */
export function duration(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '-';
  if (ms <= 0) return 'expired';
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${seconds}s`;
}

/** `14:03:27` in local time. */
export function clock(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? '-' : date.toLocaleTimeString([], { hour12: false });
}

/** A class name made only of letters, digits and dashes. */
export function token(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-');
}

/** `in 42s`, `due` once the time has come (the refresh is under way), `-` when none is planned. */
function nextRefresh(at, now) {
  if (at === undefined) return '-';
  return at - now > 0 ? `in ${duration(at - now)}` : 'due';
}

/** What a key is for: its scopes, then (smaller) its tenant and CAE flag. */
function keyDetails(key) {
  const extras = [
    key.tenantId ? `tenant ${key.tenantId}` : undefined,
    key.enableCae ? 'CAE' : undefined,
  ];
  return { scopes: key.scopes.join(' '), extras: extras.filter(Boolean).join(', ') };
}

const KEY_CELLS = [
  'key-label wrap',
  'credential',
  'state',
  'num countdown',
  'num next-refresh',
  'num acquisitions',
  'num cache-hits',
  'num failures',
  'num subscribers',
  'wrap last-error',
];

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function keyRow(key) {
  const row = el('tr', { 'data-key': key.key, title: key.key });
  for (const cls of KEY_CELLS) row.append(el('td', { class: cls }));
  row.cells[0].append(el('span', { class: 'scopes' }), el('span', { class: 'muted extras' }));
  row.cells[2].append(el('span', { class: 'badge' }));
  return row;
}

/**
 * One row per key, updated in place (rows are kept by key, so the countdowns that change four
 * times a second do not rebuild the table); countdowns from `now`, the server's clock estimated.
 */
export function renderKeys(tbody, empty, keys, now) {
  empty.hidden = keys.length > 0;
  const rows = new Map([...tbody.rows].map((row) => [row.getAttribute('data-key'), row]));
  keys.forEach((key, index) => {
    const row = rows.get(key.key) ?? keyRow(key);
    rows.delete(key.key);
    const [label, credential, state, expires, refresh, acquired, hits, failures, subs, error] =
      row.cells;
    const { scopes, extras } = keyDetails(key);
    setText(label.firstChild, scopes);
    setText(label.lastChild, extras);
    setText(credential, key.credential);
    const badge = state.firstChild;
    setText(badge, key.state);
    badge.className = `badge state-${token(key.state)}`;
    setText(
      expires,
      key.expiresOnTimestamp === undefined ? '-' : duration(key.expiresOnTimestamp - now),
    );
    setText(refresh, nextRefresh(key.nextRefreshAt, now));
    setText(acquired, String(key.acquisitions));
    setText(hits, String(key.cacheHits));
    setText(failures, String(key.failures));
    setText(subs, String(key.subscribers));
    setText(error, key.lastError ? key.lastError.code : '-');
    if (key.lastError) error.title = key.lastError.message;
    else error.removeAttribute('title');
    if (tbody.rows[index] !== row) tbody.insertBefore(row, tbody.rows[index] ?? null);
  });
  for (const stale of rows.values()) stale.remove();
}

/** Readiness badge and reasons. */
export function renderReadiness(badge, list, readiness) {
  badge.textContent = readiness.ready ? 'ready' : 'not ready';
  badge.className = `badge ${readiness.ready ? 'badge-ok' : 'badge-bad'}`;
  fill(
    list,
    readiness.reasons.map((reason) => el('li', {}, reason)),
  );
}

/** Hits per cache layer below the streams, and the live keys' total. */
export function renderCache(tbody, note, totals, keys) {
  const layers = Object.entries(totals.cacheHitsByLayer).sort(([a], [b]) => a.localeCompare(b));
  fill(
    tbody,
    layers.map(([layer, hits]) =>
      el('tr', { 'data-layer': layer }, el('td', {}, layer), el('td', { class: 'num' }, hits)),
    ),
  );
  const live = keys.reduce((sum, key) => sum + key.cacheHits, 0);
  note.textContent =
    `Layers: tokens a key's stream took from a cache layer since the service started. ` +
    `Live keys answered ${live} lookups from cache in all (their current token included).`;
}

/** Each chain link's decisions. */
export function renderChain(tbody, empty, chain) {
  empty.hidden = chain.length > 0;
  fill(
    tbody,
    chain.map((row) =>
      el(
        'tr',
        { 'data-link': row.link },
        el('td', {}, row.link),
        el('td', { class: 'num' }, row.tried),
        el('td', { class: 'num' }, row.unavailable),
        el('td', { class: 'num' }, row.failed),
        el('td', { class: 'num' }, row.served),
        el(
          'td',
          { class: 'wrap', title: row.lastMessage },
          `${row.lastDecision} at ${clock(row.lastAt)}`,
        ),
      ),
    ),
  );
}

/** The sidecar's clients, most recent first. */
export function renderClients(tbody, total, totals) {
  total.textContent = `(${totals.sidecarRequests} requests)`;
  fill(
    tbody,
    totals.clients.map((row) =>
      el(
        'tr',
        { 'data-client': row.client },
        el('td', {}, row.client),
        el('td', { class: 'num' }, row.total),
        el(
          'td',
          {},
          Object.entries(row.byStatus)
            .map(([status, count]) => `${status}: ${count}`)
            .join(', '),
        ),
        el('td', {}, row.lastReason ? `${row.lastStatus} ${row.lastReason}` : row.lastStatus),
        el('td', { class: 'wrap' }, row.lastResource ?? '-'),
        el('td', {}, clock(row.lastAt)),
      ),
    ),
  );
}

/** Recent sidecar requests, newest first. */
export function renderRequests(list, requests) {
  fill(
    list,
    requests
      .slice(-30)
      .reverse()
      .map((r) =>
        el(
          'li',
          { class: r.status >= 400 ? 'kind-error' : 'kind-refresh', 'data-status': r.status },
          `${clock(r.at)} ${r.client} ${r.status}${r.reason ? ` ${r.reason}` : ''} ` +
            `${r.resource ?? ''} ${r.durationMs} ms`,
        ),
      ),
  );
}

/** Recent engine events, newest first, each described in a line. */
export function renderEvents(list, events, kindOf) {
  fill(
    list,
    events
      .slice(-40)
      .reverse()
      .map((e) => {
        const kind = kindOf(e);
        return el(
          'li',
          { class: kind ? `kind-${kind}` : undefined, 'data-type': e.type, 'data-kind': kind },
          `${clock(e.at)} ${describe(e)}`,
        );
      }),
  );
}

function describe(e) {
  switch (e.type) {
    case 'acquisition-started':
      return `${e.reason} acquisition started: ${e.key}`;
    case 'acquisition-succeeded':
      return `${e.reason === 'proactive' ? 'refreshed' : `acquired (${e.reason})`}: ${e.key}`;
    case 'acquisition-failed':
      return `${e.reason} acquisition failed, ${e.errorCode}: ${e.key}: ${e.message}`;
    case 'retry-scheduled':
      return `retry ${e.attempt} scheduled in ${duration(e.retryAt - e.at)}: ${e.key}`;
    case 'token-expired':
      return `token expired, ${e.errorCode}: ${e.key}`;
    case 'cache-hit':
      return `cache hit in ${e.layer}: ${e.key}`;
    case 'cache-degraded':
      return `cache layer ${e.layer} degraded (${e.operation}): ${e.message}`;
    case 'cache-recovered':
      return `cache layer ${e.layer} recovered after ${duration(e.degradedMs)}`;
    case 'cache-warning':
      return `cache layer ${e.layer}: ${e.message}`;
    case 'cache-lock':
      return `cache lock in ${e.layer}: ${e.outcome} after ${duration(e.waitedMs)}: ${e.key}`;
    case 'chain-decision':
      return `chain: ${e.link} ${e.decision}${e.message ? `: ${e.message}` : ''} (${e.key})`;
    default:
      return `${e.type}: ${e.key ?? ''}`;
  }
}
