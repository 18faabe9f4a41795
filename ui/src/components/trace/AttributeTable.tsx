/** Key/value pairs (attributes, resource) as text, sorted by key. */
import type { Attributes } from '../../api/types.ts'

export function AttributeTable({ attributes, testid }: { attributes: Attributes; testid?: string }) {
  const keys = Object.keys(attributes).sort()
  if (keys.length === 0) return <div className="muted">none</div>
  return (
    <table className="kv" data-testid={testid}>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <td className="k">{k}</td>
            <td>{attributes[k]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
