/**
 * `petal machines export`: writes the diagram of every shipped machine, rendered offline from
 * its definition, as `<id>.mmd` (Mermaid, default), `<id>.dot` (Graphviz) or `<id>.json` (the
 * directed graph) into `--out` (default `./diagrams`, created if missing). `--out -` prints them
 * to stdout instead, each preceded by a `%% <id>` / `// <id>` line. Exit 0, or 1 when a file
 * cannot be written (the reason on stderr).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { MACHINES } from '../inspect/machineCatalog.ts'
import { toDot, toGraphJson, toMermaid } from '../inspect/machineDiagram.ts'

/** A diagram format `petal machines export` writes. */
export type DiagramFormat = 'mermaid' | 'dot' | 'json'

const RENDER = {
  mermaid: { ext: 'mmd', comment: '%%', render: toMermaid },
  dot: { ext: 'dot', comment: '//', render: toDot },
  json: { ext: 'json', comment: '//', render: (m) => `${JSON.stringify(toGraphJson(m), null, 2)}\n` },
} satisfies Record<
  DiagramFormat,
  { ext: string; comment: string; render: (m: (typeof MACHINES)[number]) => string }
>

/** Runs the command; resolves to the exit code. */
export async function exportMachines(opts: { format: DiagramFormat; out: string }): Promise<number> {
  const { ext, comment, render } = RENDER[opts.format]
  if (opts.out === '-') {
    for (const m of MACHINES) process.stdout.write(`${comment} ${m.id}\n${render(m)}\n`)
    return 0
  }
  const dir = resolve(opts.out)
  try {
    await mkdir(dir, { recursive: true })
    for (const m of MACHINES) {
      const file = join(dir, `${m.id}.${ext}`)
      await writeFile(file, render(m))
      process.stdout.write(`${file}\n`)
    }
    return 0
  } catch (e) {
    process.stderr.write(`petal machines export: cannot write to ${dir}: ${(e as Error).message}\n`)
    return 1
  }
}
