// The dashboard: everything comes from the inspection stream at /ws/inspect (the tree with health
// every second, actor and machine events as they happen, log lines), plus the control API for the
// petal and proxy switches. No framework, no CDN: this file, style.css and the local mermaid build.

const token = new URLSearchParams(location.search).get('token')
const withToken = (url) =>
  token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url
const headers = token
  ? { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
  : { 'Content-Type': 'application/json' }
const $ = (sel) => document.querySelector(sel)
const el = (tag, props = {}, ...children) => {
  const { dataset, ...rest } = props
  const e = Object.assign(document.createElement(tag), rest)
  Object.assign(e.dataset, dataset)
  for (const c of children) e.append(c)
  return e
}
const badge = (text) => el('span', { className: `badge ${text}`, textContent: text })

const machines = new Map() // sessionId -> { name, mermaid, value, status, rendered }
const logLines = []
let components = { petals: [], proxies: [] }
let lastHealth = null

window.mermaid?.initialize({ startOnLoad: false, securityLevel: 'strict' })

// ---- supervision tree ------------------------------------------------------------------------

function renderTree(node, health) {
  const info = health?.actors?.[node.path]
  const li = el(
    'li',
    { dataset: { path: node.path } },
    el(
      'div',
      { className: 'node' },
      el('span', {
        className: 'path',
        textContent: node.path === '/' ? '/ (root)' : node.path.slice(node.path.lastIndexOf('/') + 1),
      }),
      badge(node.status),
      el('span', { className: 'restarts', textContent: `restarts ${node.restarts}` }),
      node.lastError
        ? el('span', { className: 'err', textContent: node.lastError, title: node.lastError })
        : '',
    ),
  )
  if (info === undefined && node.path !== '/') li.dataset.missing = 'true'
  if (node.children.length > 0) li.append(el('ul', {}, ...node.children.map((c) => renderTree(c, health))))
  return li
}

function onTree(payload) {
  const { tree, health } = payload
  lastHealth = health
  $('#overall').className = `badge ${health.status}`
  $('#overall').textContent = health.status
  $('#version').textContent = `v${health.version}`
  if (tree) $('#tree').replaceChildren(renderTree(tree, health))
  renderProxies()
  renderPetals()
}

// ---- proxies and petals ----------------------------------------------------------------------

async function loadComponents() {
  const r = await fetch(withToken('/api/petal-proxies-control/components/list'), { headers })
  if (r.ok) components = await r.json()
  renderProxies()
  renderPetals()
}

async function toggle(kind, name, on) {
  const r = await fetch(withToken(`/api/petal-proxies-control/${kind}/control`), {
    method: 'POST',
    headers,
    body: JSON.stringify({ petals: [name], action: on ? 'ON' : 'OFF' }),
  })
  const body = await r.json()
  $('#control-message').textContent = body.errors?.join(' ') || body.message || body.error?.message || ''
  await loadComponents()
}

function renderProxies() {
  const rows = components.proxies
    .filter((p) => p.available || p.enabled)
    .map((p) => {
      const status = lastHealth?.proxies?.[p.name]?.status ?? (p.enabled ? 'unknown' : 'stopped')
      const button = el('button', {
        textContent: p.enabled ? 'off' : 'on',
        onclick: () => toggle('proxies', p.name, !p.enabled),
      })
      return el(
        'tr',
        { dataset: { proxy: p.name } },
        el('td', { textContent: p.name }),
        el('td', {}, badge(p.enabled ? status : 'stopped')),
        el('td', {}, button),
      )
    })
  $('#proxies tbody').replaceChildren(...rows)
}

function renderPetals() {
  const states = new Map((lastHealth?.petals ?? []).map((p) => [p.name, p]))
  const rows = components.petals.map((p) => {
    const h = states.get(p.name)
    const state = p.enabled ? (h?.status ?? 'loading') : 'not_loaded'
    const button = el('button', {
      textContent: p.enabled ? 'off' : 'on',
      onclick: () => toggle('petals', p.name, !p.enabled),
    })
    return el(
      'tr',
      { dataset: { petal: p.name } },
      el('td', { textContent: p.name, title: h?.error ?? '' }),
      el('td', {}, badge(state)),
      el('td', { className: 'restarts', textContent: String(h?.restarts ?? 0) }),
      el('td', {}, button),
    )
  })
  $('#petals tbody').replaceChildren(...rows)
}

// ---- machines --------------------------------------------------------------------------------

function activeIds(prefix, value) {
  if (typeof value === 'string') return [`${prefix}.${value}`]
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...activeIds(`${prefix}.${k}`, v)])
  }
  return []
}

let renderSeq = 0
async function renderMachine(sessionId) {
  const m = machines.get(sessionId)
  if (!m || !window.mermaid) return
  const ids = activeIds(m.name, m.value).map((p) => p.replace(/[^A-Za-z0-9_]/g, '_'))
  const text = `${m.mermaid}\n  classDef active fill:#fde68a,stroke:#b45309,stroke-width:2px\n${ids.map((i) => `  class ${i} active`).join('\n')}`
  let card = document.querySelector(`.machine[data-session="${CSS.escape(sessionId)}"]`)
  if (!card) {
    card = el(
      'div',
      { className: 'machine', dataset: { session: sessionId } },
      el('h3'),
      el('div', { className: 'diagram' }),
    )
    $('#machines').prepend(card)
  }
  card.querySelector('h3').textContent = `${m.name} — ${JSON.stringify(m.value)} (${m.status ?? 'active'})`
  try {
    const { svg } = await window.mermaid.render(`m${++renderSeq}`, text)
    card.querySelector('.diagram').innerHTML = svg
  } catch (e) {
    card.querySelector('.diagram').textContent = String(e)
  }
}

// ---- events and logs -------------------------------------------------------------------------

function addEvent(e) {
  const when = new Date(Number(e.createdAt)).toLocaleTimeString()
  const machine = machines.get(e.sessionId)
  const who = machine ? `${machine.name} (${e.sessionId})` : e.sessionId
  const what =
    e.type === '@petal.supervision'
      ? `${e.kind} ${e.path}${e.delayMs !== undefined ? ` in ${Math.round(e.delayMs)} ms` : ''}${e.reason ? `: ${e.reason}` : ''}`
      : e.type === '@xstate.event'
        ? `event ${e.event?.type} -> ${who}`
        : e.type === '@xstate.snapshot'
          ? `snapshot ${who}: ${JSON.stringify(e.snapshot?.value ?? e.snapshot?.status)}`
          : e.type === '@petal.skipped'
            ? `${e.count} more events not shown (busy machines: latest state kept)`
            : `actor ${e.sessionId}`
  const list = $('#events')
  list.prepend(el('li', { textContent: `${when} ${what}`, dataset: { type: e.type } }))
  while (list.children.length > 100) list.lastChild.remove()
}

function renderLogs() {
  const min = Number($('#log-level').value)
  const items = logLines
    .filter((l) => l.level >= min)
    .slice(-200)
    .reverse()
    .map((l) =>
      el('li', {
        className: `lvl-${l.level}`,
        textContent: `${new Date(l.time).toLocaleTimeString()} ${l.msg}`,
      }),
    )
  $('#logs').replaceChildren(...items)
}
$('#log-level').addEventListener('change', renderLogs)

// ---- the stream ------------------------------------------------------------------------------

function onEvent(e) {
  switch (e.type) {
    case '@petal.tree':
      onTree(e.tree)
      return
    case '@petal.log':
      logLines.push(e)
      if (logLines.length > 1000) logLines.shift()
      renderLogs()
      return
    case '@xstate.actor':
      if (e.mermaid) {
        machines.set(e.sessionId, {
          name: e.name,
          mermaid: e.mermaid,
          value: e.snapshot?.value,
          status: e.snapshot?.status,
        })
        void renderMachine(e.sessionId)
      }
      return
    case '@xstate.snapshot': {
      const m = machines.get(e.sessionId)
      if (m) {
        m.value = e.snapshot?.value
        m.status = e.snapshot?.status
        void renderMachine(e.sessionId)
      }
      addEvent(e)
      return
    }
    default:
      addEvent(e)
  }
}

function connect() {
  const ws = new WebSocket(
    withToken(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/inspect`),
  )
  ws.onopen = () => {
    $('#conn').className = 'badge running'
    $('#conn').textContent = 'live'
  }
  ws.onmessage = (m) => onEvent(JSON.parse(m.data))
  ws.onclose = () => {
    $('#conn').className = 'badge stopped'
    $('#conn').textContent = 'offline'
    setTimeout(connect, 1000)
  }
}

connect()
void loadComponents()
setInterval(loadComponents, 5000)
