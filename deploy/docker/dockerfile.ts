/**
 * A reader for the subset of Dockerfile syntax deploy/docker/Dockerfile uses, for its tests:
 * instructions (with `\` line continuations and `#` comments), stages (`FROM image AS name`),
 * COPY sources and their `--from` stage, and exec-form ENTRYPOINT arrays.
 */
export interface Instruction {
  readonly keyword: string
  readonly args: string
  readonly line: number
}

export interface Stage {
  readonly name: string | undefined
  readonly base: string
  readonly instructions: Instruction[]
}

export function parseDockerfile(text: string): Stage[] {
  const instructions: Instruction[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    let current = lines[i]!
    const start = i + 1
    if (/^\s*(#.*)?$/.test(current)) continue
    while (current.endsWith('\\') && i + 1 < lines.length) current = current.slice(0, -1) + ' ' + lines[++i]!.trim()
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(current)
    if (!match) throw new Error(`line ${start}: not an instruction: ${current}`)
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start })
  }
  const stages: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args)
      if (!from) throw new Error(`line ${instruction.line}: FROM ${instruction.args}`)
      stages.push({ base: from[1]!, name: from[2], instructions: [] })
    } else {
      const stage = stages.at(-1)
      if (!stage) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`)
      stage.instructions.push(instruction)
    }
  }
  return stages
}

export interface Copy {
  readonly from: string | undefined
  readonly sources: string[]
  readonly destination: string
  readonly line: number
}

export function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/)
      const flags = words.filter((w) => w.startsWith('--'))
      const paths = words.filter((w) => !w.startsWith('--'))
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length)
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1)!, line: i.line }
    })
}

/** The exec-form ENTRYPOINT of a stage (the last one, as Docker uses). */
export function entrypoint(stage: Stage): string[] | undefined {
  const last = stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)
  if (!last) return undefined
  const parsed: unknown = JSON.parse(last.args)
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) throw new Error(`line ${last.line}: ENTRYPOINT must be an exec-form JSON array`)
  return parsed
}

/** The stage and its ancestors' working directory and user, as the image ends up. */
export function effective(stages: readonly Stage[], name: string, keyword: 'WORKDIR' | 'USER'): string | undefined {
  const stage = stages.find((s) => s.name === name)
  if (!stage) return undefined
  const own = stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args
  return own ?? effective(stages, stage.base, keyword)
}
