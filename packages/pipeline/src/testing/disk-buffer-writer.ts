/**
 * Child process for the DiskBuffer crash test: appends numbered entries as fast as it can and
 * prints "<id> <n>" for every append that resolved (i.e. was reported durable) until killed.
 * argv: <dir> <maxBytes> <segmentBytes>
 */
import { openDiskBuffer } from '../disk-buffer.ts'

const [dir, maxBytes, segmentBytes] = process.argv.slice(2)
const buffer = await openDiskBuffer({ dir: dir!, maxBytes: Number(maxBytes), segmentBytes: Number(segmentBytes) })
let n = 0
for (;;) {
  const batch: Array<Promise<void>> = []
  for (let i = 0; i < 20; i++) {
    const value = n++
    const payload = Buffer.from(`entry-${value}-`.padEnd(100 + (value % 50), 'x'))
    batch.push(
      buffer.append(payload).then((result) => {
        if (result.ok) process.stdout.write(`${result.id} ${value}\n`)
      }),
    )
  }
  await Promise.all(batch)
}
