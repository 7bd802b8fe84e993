/* global document, window, EventSource */
// The dashboard page: follows `/events` (Server-Sent Events) and redraws. A `state` message
// replaces everything (first message, and after every reconnect), `events` messages append
// engine events and sidecar requests, `snapshot` messages replace the keys and the totals.
// Countdowns run on the server's clock, estimated from the `now` each message carries.
import {
  el,
  fill,
  renderCache,
  renderChain,
  renderClients,
  renderEvents,
  renderKeys,
  renderReadiness,
  renderRequests,
} from './render.js';
import { KINDS, kindOf, Timeline, WINDOW_MS } from './timeline.js';

const MAX_EVENTS = 2000;
const MAX_REQUESTS = 200;

const $ = (id) => document.getElementById(id);

const model = {
  offsetMs: 0,
  keys: [],
  events: [],
  requests: [],
  readiness: { ready: false, reasons: [] },
  totals: { cacheHitsByLayer: {}, clients: [], chain: [], sidecarRequests: 0 },
  dropped: 0,
};

const timeline = new Timeline($('timeline-chart'));

function serverNow() {
  return Date.now() + model.offsetMs;
}

function takeTime(message) {
  if (typeof message.now === 'number') model.offsetMs = message.now - Date.now();
}

function takeSnapshot(message) {
  takeTime(message);
  model.keys = message.keys;
  model.readiness = message.readiness;
  model.totals = {
    cacheHitsByLayer: message.cacheHitsByLayer,
    clients: message.clients,
    chain: message.chain,
    sidecarRequests: message.sidecarRequests,
  };
}

function append(list, items, max) {
  list.push(...items);
  if (list.length > max) list.splice(0, list.length - max);
}

function renderCounts(now) {
  const recent = model.events.filter((e) => e.at > now - WINDOW_MS);
  fill(
    $('timeline-counts'),
    KINDS.map(({ kind, label, color }) => {
      const count = recent.filter((e) => kindOf(e) === kind).length;
      const swatch = el('span', { class: 'swatch', 'data-color': color });
      swatch.style.background = color;
      return el('li', { 'data-kind': kind, 'data-count': count }, swatch, `${label}: ${count}`);
    }),
  );
  if (model.dropped > 0)
    $('timeline-counts').append(
      el('li', { class: 'muted' }, `${model.dropped} events not shown (the page fell behind)`),
    );
}

/** Countdowns and the chart move every tick; the rest changes with messages. */
function tick() {
  const now = serverNow();
  renderKeys($('keys').tBodies[0], $('keys-empty'), model.keys, now);
  timeline.update(model.events, now);
  renderCounts(now);
}

function renderAll() {
  renderReadiness($('readiness'), $('readiness-reasons'), model.readiness);
  renderCache($('cache-layers').tBodies[0], $('cache-note'), model.totals, model.keys);
  renderChain($('chain').tBodies[0], $('chain-empty'), model.totals.chain);
  renderClients($('clients').tBodies[0], $('sidecar-total'), model.totals);
  renderRequests($('recent-requests'), model.requests);
  renderEvents($('recent-events'), model.events, kindOf);
  tick();
}

function setConnection(text, kind) {
  const badge = $('connection');
  badge.textContent = text;
  badge.className = `badge badge-${kind}`;
}

function listen() {
  const source = new EventSource('/events');
  source.addEventListener('state', (m) => {
    const message = JSON.parse(m.data);
    takeSnapshot(message);
    $('description').textContent = `Tokens from ${message.description}`;
    model.events = message.events;
    model.requests = message.requests;
    model.dropped = 0;
    setConnection('live', 'ok');
    renderAll();
  });
  source.addEventListener('events', (m) => {
    const message = JSON.parse(m.data);
    takeTime(message);
    append(model.events, message.events, MAX_EVENTS);
    append(model.requests, message.requests, MAX_REQUESTS);
    model.dropped += message.dropped;
    renderAll();
  });
  source.addEventListener('snapshot', (m) => {
    takeSnapshot(JSON.parse(m.data));
    renderAll();
  });
  source.addEventListener('error', () => setConnection('reconnecting', 'wait'));
}

listen();
window.setInterval(tick, 250);
// uPlot loads with `defer`, after this module may already have drawn: draw the chart once it is.
window.addEventListener('load', tick);
