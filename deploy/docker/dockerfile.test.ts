/**
 * deploy/docker/Dockerfile checked without Docker: it parses, every image target the manifests
 * use exists and runs a file that exists, every COPY source exists in the build context and is
 * not excluded by the .dockerignore, and the deps stage copies every workspace's package.json
 * (npm ci fails on a workspace whose manifest is missing).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { IMAGES } from '../lib/images.ts'
import { copies, effective, entrypoint, parseDockerfile } from './dockerfile.ts'

const HERE = import.meta.dirname
const ROOT = resolve(HERE, '..', '..')
const stages = parseDockerfile(readFileSync(join(HERE, 'Dockerfile'), 'utf8'))
const ignored = readFileSync(join(HERE, 'Dockerfile.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))

function stage(name: string) {
  const found = stages.find((s) => s.name === name)
  if (!found) throw new Error(`no stage ${name}`)
  return found
}

describe('deploy/docker/Dockerfile', () => {
  it('is multi-stage: deps → source → runtime on node:20-slim, one target per service', () => {
    expect(stage('deps').base).toBe('node:20-slim')
    expect(stage('runtime').base).toBe('node:20-slim')
    expect(stage('source').base).toBe('deps')
    for (const image of IMAGES) expect(stage(image.target).base, image.target).toBe('runtime')
    expect(effective(stages, 'collector', 'USER')).toBe('node')
    expect(effective(stages, 'agent', 'USER'), 'the agent reads every pod log as root').toBe('root')
  })

  it("runs each target's entry file, which exists", () => {
    for (const image of IMAGES) {
      const args = entrypoint(stage(image.target))
      expect(args, image.target).toBeDefined()
      const workdir = effective(stages, image.target, 'WORKDIR')!
      if (image.target === 'ui') {
        // next start serves the build the ui-build stage made
        expect(args).toEqual(['node', '/app/node_modules/next/dist/bin/next', 'start', '--hostname', '0.0.0.0', '--port', String(image.port)])
        expect(workdir).toBe('/app/ui')
        expect(copies(stage('ui')).some((c) => c.from === 'ui-build' && c.sources[0] === '/app/ui/.next')).toBe(true)
        expect(existsSync(join(ROOT, image.entry)), image.entry).toBe(true)
        continue
      }
      expect(workdir).toBe('/app')
      expect(args!.slice(0, 1)).toEqual(['node'])
      expect(args!.slice(-3), image.target).toEqual(['--import', 'tsx', image.entry])
      expect(existsSync(join(ROOT, image.entry)), image.entry).toBe(true)
    }
  })

  it('copies only sources that exist in the context and are not ignored', () => {
    for (const s of stages) {
      for (const copy of copies(s)) {
        if (copy.from !== undefined) {
          expect(stages.some((other) => other.name === copy.from), `line ${copy.line}: stage ${copy.from}`).toBe(true)
          continue
        }
        for (const source of copy.sources) {
          expect(existsSync(join(ROOT, source)), `line ${copy.line}: ${source}`).toBe(true)
          expect(ignored.includes(source.replace(/\/$/, '')), `line ${copy.line}: ${source} is dockerignored`).toBe(false)
        }
      }
    }
    for (const pattern of ['**/node_modules', '**/.next', 'data', 'deploy/kafka/libs', 'deploy/kubernetes/base/credentials.env', '.git']) expect(ignored).toContain(pattern)
  })

  it('installs from the lockfile with every workspace manifest in place', () => {
    const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces
    const copied = copies(stage('deps')).flatMap((c) => c.sources)
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']))
    for (const workspace of workspaces) expect(copied, workspace).toContain(`${workspace}/package.json`)
    expect(stage('deps').instructions.some((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))).toBe(true)
  })

  it('reports a Dockerfile it cannot read', () => {
    expect(() => parseDockerfile('RUN true\n')).toThrow(/before FROM/)
    expect(() => entrypoint(parseDockerfile('FROM x AS y\nENTRYPOINT node main.js\n')[0]!)).toThrow()
  })
})
