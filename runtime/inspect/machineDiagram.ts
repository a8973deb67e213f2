/**
 * XState machine definitions as diagrams, rendered offline: Mermaid `stateDiagram-v2` (child
 * states declared inside their composite state, as Mermaid needs), Graphviz DOT, and JSON (the
 * directed graph). Built from `xstate/graph`'s `toDirectedGraph`; delayed transitions are labelled
 * `after <ms>`. Node ids are the state paths with every non-alphanumeric character replaced by `_`,
 * so they are valid in both syntaxes. In DOT an edge to or from a composite state is drawn to its
 * cluster (`compound=true`, anchored on the cluster's initial leaf).
 */
import type { AnyStateMachine } from 'xstate'
import { toDirectedGraph } from 'xstate/graph'

interface Node {
  readonly id: string
  readonly children: readonly Node[]
  readonly edges: readonly {
    readonly source: { id: string }
    readonly target: { id: string }
    readonly label: { text: string }
  }[]
  readonly stateNode: {
    readonly type: string
    readonly key: string
    readonly initial?: { readonly target?: readonly { readonly key: string }[] }
  }
}

/** A state path (`reboot.sending.a`) as a diagram id (`reboot_sending_a`). */
export function diagramId(path: string): string {
  return path.replace(/[^A-Za-z0-9_]/g, '_')
}

function label(text: string): string {
  const after = /^xstate\.after\.(\d+)\./.exec(text)
  if (after) return `after ${after[1]} ms`
  return text.replace(/^xstate\.done\.actor\..*/, 'done').replace(/^xstate\.error\.actor\..*/, 'error')
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
  const edges: string[] = []
  const collect = (node: Node): void => {
    for (const e of node.edges)
      edges.push(`  ${diagramId(e.source.id)} --> ${diagramId(e.target.id)}: ${label(e.label.text)}`)
    for (const c of node.children) collect(c)
  }
  collect(root)
  return [...lines, ...edges].join('\n')
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
  const collect = (node: Node): void => {
    for (const e of node.edges) {
      const src = byId.get(e.source.id)!
      const dst = byId.get(e.target.id)!
      const attrs = [`label="${label(e.label.text)}"`]
      if (src.children.length > 0) attrs.push(`ltail=cluster_${diagramId(src.id)}`)
      if (dst.children.length > 0) attrs.push(`lhead=cluster_${diagramId(dst.id)}`)
      lines.push(`  ${diagramId(leaf(src).id)} -> ${diagramId(leaf(dst).id)} [${attrs.join(', ')}];`)
    }
    for (const c of node.children) collect(c)
  }
  collect(root)
  lines.push('}')
  return lines.join('\n')
}

/** The directed graph as plain JSON: `{ id, children, edges: [{ source, target, event }] }`. */
export function toGraphJson(machine: AnyStateMachine): unknown {
  const walk = (node: Node): unknown => ({
    id: node.id,
    type: node.stateNode.type,
    children: node.children.map(walk),
    edges: node.edges.map((e) => ({ source: e.source.id, target: e.target.id, event: e.label.text })),
  })
  return walk(toDirectedGraph(machine) as unknown as Node)
}
