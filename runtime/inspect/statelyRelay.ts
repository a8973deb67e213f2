/**
 * `petal start --inspect`: the live machines in the official Stately inspector. A loopback relay
 * (HTTP + WebSocket, 127.0.0.1 only) serves a page that embeds https://stately.ai/inspect and
 * forwards to it the events our inspection stream sends through `@statelyai/inspect`'s WebSocket
 * inspector. The UI itself is online-only: the browser that opens the page must reach stately.ai;
 * the stream needs no network. The relay keeps the last 200 events for a page opened late.
 */
import { createServer, type Server } from 'node:http'
import { createWebSocketInspector } from '@statelyai/inspect'
import { WebSocket, WebSocketServer } from 'ws'
import type { ActorSystem } from '../kernel/index.ts'
import { toStatelyEvent } from './statelyEvents.ts'

const MAX_BUFFER = 200

function bridgePage(wsPort: number, inspectorUrl: string): string {
  return `<!DOCTYPE html>
<html><head><title>petal runtime: Stately inspector</title>
<style>*{margin:0;padding:0}html,body{height:100%}iframe{width:100%;height:100%;border:none}</style></head>
<body><iframe id="inspector" src="${inspectorUrl}"></iframe>
<script>
const iframe = document.getElementById('inspector'); const buffer = []; let connected = false
addEventListener('message', (e) => { if (e.data && e.data.type === '@statelyai.connected') { connected = true; buffer.forEach((ev) => iframe.contentWindow.postMessage(ev, '*')); buffer.length = 0 } })
const ws = new WebSocket('ws://' + location.hostname + ':${wsPort}')
ws.onmessage = (m) => { const data = JSON.parse(m.data); if (connected) iframe.contentWindow.postMessage(data, '*'); else buffer.push(data) }
</script></body></html>`
}

/** A running relay; `url` is the page to open. */
export interface StatelyRelay {
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

/**
 * Starts the relay on 127.0.0.1:`port` (0 picks a free port) and streams `system`'s inspection
 * events into it.
 *
 * @category inspection
 */
export async function startStatelyRelay(
  system: ActorSystem,
  port: number,
  inspectorUrl = 'https://stately.ai/inspect',
): Promise<StatelyRelay> {
  let bound = port
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(bridgePage(bound, inspectorUrl))
  })
  const wss = new WebSocketServer({ server: http })
  const buffer: string[] = []
  wss.on('connection', (ws) => {
    for (const msg of buffer) ws.send(msg)
    ws.on('message', (data) => {
      const msg = data.toString()
      buffer.push(msg)
      if (buffer.length > MAX_BUFFER) buffer.shift()
      for (const client of wss.clients)
        if (client !== ws && client.readyState === WebSocket.OPEN) client.send(msg)
    })
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(port, '127.0.0.1', () => resolve())
  })
  const address = http.address()
  bound = typeof address === 'object' && address !== null ? address.port : port
  const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${bound}` })
  // Events are converted here (toStatelyEvent never throws on an actor that is still starting)
  // and handed to the inspector's WebSocket adapter, which buffers them until it is connected.
  const off = system.inspect((e) => {
    if (!e.type.startsWith('@xstate.')) return
    const converted = toStatelyEvent(e)
    if (converted !== undefined) inspector.adapter.send(converted as never)
  })
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    stop: async () => {
      off()
      inspector.stop()
      for (const c of wss.clients) c.terminate()
      wss.close()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    },
  }
}
