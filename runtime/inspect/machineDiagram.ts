/**
 * XState machine definitions as diagrams, rendered offline: Mermaid `stateDiagram-v2` (child
 * states declared inside their composite state, as Mermaid needs), Graphviz DOT, and JSON (the
 * directed graph). Built from `xstate/graph`'s `toDirectedGraph` plus the eventless (`always`)
 * transitions it omits; delayed transitions read `after <delay>`, guarded ones `EVENT [guard]`.
 * Node ids are the state paths with every non-alphanumeric character replaced by `_`, so they are
 * valid in both syntaxes. In DOT an edge to or from a composite state is drawn to its
 * cluster (`compound=true`, anchored on the cluster's initial leaf).
 */
import type { AnyStateMachine } from 'xstate'
import { toDirectedGraph } from 'xstate/graph'

interface Edge {
  readonly source: { id: string }
  readonly target: { id: string }
  readonly label: { text: string }
  readonly transition: { readonly guard?: unknown }
}

interface Node {
  readonly id: string
  readonly children: readonly Node[]
  readonly edges: readonly Edge[]
  readonly stateNode: {
    readonly type: string
    readonly key: string
    readonly initial?: { readonly target?: readonly { readonly key: string }[] }
    readonly always?: readonly {
      readonly guard?: unknown
      readonly target?: readonly { readonly id: string }[]
    }[]
  }
}

/** A state path (`reboot.sending.a`) as a diagram id (`reboot_sending_a`). */
export function diagramId(path: string): string {
  return path.replace(/[^A-Za-z0-9_]/g, '_')
}

function eventName(text: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(text)
  if (after) return /^\d+$/.test(after[1]!) ? `after ${after[1]} ms` : `after ${after[1]}`
  return text.replace(/^xstate\.done\.actor\..*/, 'done').replace(/^xstate\.error\.actor\..*/, 'error')
}

/** A guard as text: its name, `and`/`or`/`not` of names, or `guarded` for an inline function. */
function guardText(g: unknown): string {
  if (typeof g === 'string') return g
  if (typeof g === 'function') {
    const parts = (g as { guards?: unknown[] }).guards
    if (parts === undefined) return g.name === '' || g.name === 'guard' ? 'guarded' : g.name
    if (g.name === 'not') return `not ${guardText(parts[0])}`
    return parts.map(guardText).join(` ${g.name} `)
  }
  if (typeof g === 'object' && g !== null && typeof (g as { type?: unknown }).type === 'string')
    return (g as { type: string }).type
  return 'guarded'
}

function label(e: Edge): string {
  const g = e.transition.guard
  return g === undefined ? eventName(e.label.text) : `${eventName(e.label.text)} [${guardText(g)}]`
}

/**
 * Edges to draw: the graph's edges plus the eventless (`always`) transitions it leaves out; the
 * root's own targetless handlers have no state to loop on.
 */
function drawnEdges(root: Node): Edge[] {
  const out: Edge[] = []
  const walk = (n: Node): void => {
    for (const t of n.stateNode.always ?? [])
      out.push({
        source: { id: n.id },
        target: { id: t.target?.[0]?.id ?? n.id },
        label: { text: 'always' },
        transition: t,
      })
    for (const e of n.edges) if (e.source.id !== root.id) out.push(e)
    for (const c of n.children) walk(c)
  }
  walk(root)
  return out
}

function shortName(id: string): string {
  return id.slice(id.lastIndexOf('.') + 1)
}

function initialChild(node: Node): string | undefined {
  const key = node.stateNode.initial?.target?.[0]?.key
  return key === undefined ? undefined : node.children.find((c) => c.stateNode.key === key)?.id
}

/**
 * Mermaid `stateDiagram-v2` of `machine`.
 *
 * @category diagrams
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = toDirectedGraph(machine) as unknown as Node
  const lines = ['stateDiagram-v2']
  const emit = (node: Node, indent: string): void => {
    const init = initialChild(node)
    if (init !== undefined) lines.push(`${indent}[*] --> ${diagramId(init)}`)
    for (const child of node.children) {
      const id = diagramId(child.id)
      if (child.children.length > 0) {
        lines.push(`${indent}state "${shortName(child.id)}" as ${id} {`)
        emit(child, `${indent}  `)
        lines.push(`${indent}}`)
      } else {
        lines.push(`${indent}state "${shortName(child.id)}" as ${id}`)
      }
      if (child.stateNode.type === 'final') lines.push(`${indent}${id} --> [*]`)
    }
  }
  emit(root, '  ')
  const edges = drawnEdges(root).map(
    (e) => `  ${diagramId(e.source.id)} --> ${diagramId(e.target.id)}: ${label(e)}`,
  )
  return [...lines, ...new Set(edges)].join('\n')
}

/**
 * Graphviz DOT of `machine` (composite states as clusters).
 *
 * @category diagrams
 */
export function toDot(machine: AnyStateMachine): string {
  const root = toDirectedGraph(machine) as unknown as Node
  const lines = [
    `digraph "${root.id}" {`,
    '  rankdir=LR;',
    '  compound=true;',
    '  node [shape=box, style=rounded];',
  ]
  const byId = new Map<string, Node>()
  const index = (n: Node): void => {
    byId.set(n.id, n)
    for (const c of n.children) index(c)
  }
  index(root)
  const leaf = (n: Node): Node => {
    const init = initialChild(n)
    const next = init === undefined ? n.children[0] : byId.get(init)
    return next === undefined ? n : leaf(next)
  }
  const emit = (node: Node, indent: string): void => {
    for (const child of node.children) {
      const id = diagramId(child.id)
      if (child.children.length > 0) {
        lines.push(`${indent}subgraph cluster_${id} {`, `${indent}  label="${shortName(child.id)}";`)
        emit(child, `${indent}  `)
        lines.push(`${indent}}`)
      } else {
        const shape = child.stateNode.type === 'final' ? ', peripheries=2' : ''
        lines.push(`${indent}${id} [label="${shortName(child.id)}"${shape}];`)
      }
    }
  }
  emit(root, '  ')
  const edges = drawnEdges(root).map((e) => {
    const src = byId.get(e.source.id)!
    const dst = byId.get(e.target.id)!
    const attrs = [`label="${label(e).replaceAll('"', '\\"')}"`]
    if (src.children.length > 0) attrs.push(`ltail=cluster_${diagramId(src.id)}`)
    if (dst.children.length > 0) attrs.push(`lhead=cluster_${diagramId(dst.id)}`)
    return `  ${diagramId(leaf(src).id)} -> ${diagramId(leaf(dst).id)} [${attrs.join(', ')}];`
  })
  return [...lines, ...new Set(edges), '}'].join('\n')
}

/**
 * The machine as plain JSON: `{ id, states, edges }`, `states` the tree `{ id, type, initial?,
 * children }` and `edges` every drawn transition `{ source, target, event, guard? }` (raw event
 * names, `xstate.after.<delay>.<path>` for delays, `always` for eventless ones).
 *
 * @category diagrams
 */
export function toGraphJson(machine: AnyStateMachine): unknown {
  const root = toDirectedGraph(machine) as unknown as Node
  const walk = (node: Node): unknown => ({
    id: node.id,
    type: node.stateNode.type,
    ...(initialChild(node) === undefined ? {} : { initial: initialChild(node) }),
    children: node.children.map(walk),
  })
  return {
    id: root.id,
    states: walk(root),
    edges: drawnEdges(root).map((e) => ({
      source: e.source.id,
      target: e.target.id,
      event: e.label.text,
      ...(e.transition.guard === undefined ? {} : { guard: guardText(e.transition.guard) }),
    })),
  }
}
