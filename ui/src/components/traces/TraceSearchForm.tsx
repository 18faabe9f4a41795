'use client'
import { useState } from 'react'
import { parseAttributes, type TraceSearch } from './trace-query.ts'

export function TraceSearchForm({ initial, services, onSearch }: { initial: TraceSearch; services: readonly string[]; onSearch: (search: TraceSearch) => void }) {
  const [form, setForm] = useState(initial)
  const set = (key: keyof TraceSearch) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value })
  const { invalid } = parseAttributes(form.attributes)
  return (
    <form
      className="search"
      data-testid="trace-search-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (invalid.length === 0) onSearch(form)
      }}
    >
      <label>
        Service
        <select value={form.service} onChange={set('service')} data-testid="search-service">
          <option value="">any</option>
          {[...new Set([...services, ...(form.service ? [form.service] : [])])].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Operation
        <input value={form.operation} onChange={set('operation')} placeholder="GET /checkout" data-testid="search-operation" />
      </label>
      <label>
        Status
        <select value={form.status} onChange={set('status')} data-testid="search-status">
          <option value="">any</option>
          <option value="error">error</option>
          <option value="ok">ok</option>
          <option value="unset">unset</option>
        </select>
      </label>
      <label>
        Min duration (ms)
        <input value={form.minDurationMs} onChange={set('minDurationMs')} inputMode="decimal" size={8} data-testid="search-min" />
      </label>
      <label>
        Max duration (ms)
        <input value={form.maxDurationMs} onChange={set('maxDurationMs')} inputMode="decimal" size={8} data-testid="search-max" />
      </label>
      <label>
        Attributes (key=value …)
        <input value={form.attributes} onChange={set('attributes')} placeholder="http.route=/cart user.id=42" size={32} data-testid="search-attributes" />
      </label>
      <button type="submit" className="primary" data-testid="search-submit">
        Find traces
      </button>
      {invalid.length ? <span className="error-text">not key=value: {invalid.join(' ')}</span> : null}
    </form>
  )
}
