'use client'
/**
 * Dashboards: the built-in health board and the tenant's saved boards (/dashboards). A board
 * is edited locally (add, move, resize, remove panels) and saved with PUT and If-Match, so a
 * concurrent change by someone else is refused (412) rather than overwritten.
 */
import { useRouter, useSearchParams } from 'next/navigation'
import { useEffect, useState } from 'react'
import { apiFetch, apiPath } from '../../api/client.ts'
import type { Dashboard, DashboardDefinition, DashboardsResponse, Panel } from '../../api/types.ts'
import { useApi } from '../../api/use-api.ts'
import { inReadingOrder, movePanel, newPanelId, packLayout, resizePanel } from '../../lib/panel-layout.ts'
import { useTimeRange } from '../../lib/use-time-range.ts'
import { Empty, ErrorState, Loading } from '../layout/StateViews.tsx'
import { BoardView } from './BoardView.tsx'
import { HEALTH_BOARD, HEALTH_BOARD_ID } from './health-board.ts'
import { PanelEditor } from './PanelEditor.tsx'

function definitionOf(board: DashboardDefinition): DashboardDefinition {
  const { name, description, tags, timeRange, refreshSeconds, panels } = board
  const out: DashboardDefinition = { name, panels }
  if (description !== undefined) out.description = description
  if (tags !== undefined) out.tags = tags
  if (timeRange !== undefined) out.timeRange = timeRange
  if (refreshSeconds !== undefined) out.refreshSeconds = refreshSeconds
  return out
}

export function DashboardsPage() {
  const router = useRouter()
  const params = useSearchParams()
  const { range, tick, hrefWith } = useTimeRange()
  const boardId = params.get('board') ?? HEALTH_BOARD_ID
  const [listTick, setListTick] = useState(0)
  const list = useApi<DashboardsResponse>(apiPath('/dashboards'), listTick)
  const saved = useApi<Dashboard>(boardId === HEALTH_BOARD_ID ? null : apiPath(`/dashboards/${encodeURIComponent(boardId)}`), listTick)
  const [draft, setDraft] = useState<Panel[] | null>(null)
  const [adding, setAdding] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [newName, setNewName] = useState('')
  useEffect(() => {
    setDraft(null)
    setAdding(false)
    setMessage(null)
  }, [boardId])

  const builtIn = boardId === HEALTH_BOARD_ID
  const board: DashboardDefinition | undefined = builtIn ? HEALTH_BOARD : saved.data
  const panels = draft ?? board?.panels ?? []
  const editing = draft !== null
  const open = (id: string) => router.push(hrefWith('/dashboards', { board: id === HEALTH_BOARD_ID ? undefined : id }))

  const create = async (definition: DashboardDefinition) => {
    const result = await apiFetch<Dashboard>(apiPath('/dashboards'), { method: 'POST', body: definitionOf(definition) })
    if (!result.ok) return setMessage(`Could not create the board: ${result.message}`)
    setListTick((t) => t + 1)
    open(result.data.id)
  }
  const save = async () => {
    if (!saved.data || !draft) return
    const result = await apiFetch<Dashboard>(apiPath(`/dashboards/${encodeURIComponent(saved.data.id)}`), {
      method: 'PUT',
      body: definitionOf({ ...saved.data, panels: packLayout(draft) }),
    })
    if (!result.ok) return setMessage(result.status === 412 ? 'Someone else changed this board; reload it and apply your change again.' : `Could not save: ${result.message}`)
    setDraft(null)
    setMessage('Saved.')
    setListTick((t) => t + 1)
  }
  const remove = async () => {
    if (!saved.data) return
    const result = await apiFetch<null>(apiPath(`/dashboards/${encodeURIComponent(saved.data.id)}`), { method: 'DELETE' })
    if (!result.ok) return setMessage(`Could not delete: ${result.message}`)
    setListTick((t) => t + 1)
    open(HEALTH_BOARD_ID)
  }

  return (
    <div data-testid="page-dashboards">
      <h1>Dashboards</h1>
      <div className="tabs" data-testid="board-tabs">
        <button type="button" className={builtIn ? 'active' : undefined} onClick={() => open(HEALTH_BOARD_ID)} data-testid="board-tab">
          {HEALTH_BOARD.name}
        </button>
        {list.data?.dashboards.map((d) => (
          <button type="button" key={d.id} className={d.id === boardId ? 'active' : undefined} onClick={() => open(d.id)} data-testid="board-tab">
            {d.name}
          </button>
        ))}
        <form
          className="row"
          style={{ gap: 4 }}
          onSubmit={(e) => {
            e.preventDefault()
            if (newName.trim()) create({ name: newName.trim(), panels: [] }).then(() => setNewName(''))
          }}
        >
          <input value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="new board name" data-testid="board-new-name" />
          <button type="submit" disabled={!newName.trim()} data-testid="board-create">
            + New board
          </button>
        </form>
      </div>
      {list.error ? <ErrorState error={list.error} what="saved dashboards" /> : null}
      <div className="row" style={{ marginBottom: 8 }}>
        {builtIn ? (
          <button type="button" onClick={() => create({ ...HEALTH_BOARD, name: 'Periscope health (copy)', tags: [] })}>
            Save a copy
          </button>
        ) : saved.data ? (
          editing ? (
            <>
              <button type="button" onClick={() => setAdding(true)} data-testid="panel-new">
                + Panel
              </button>
              <button type="button" className="primary" onClick={save} data-testid="board-save">
                Save
              </button>
              <button type="button" onClick={() => setDraft(null)}>
                Discard changes
              </button>
            </>
          ) : (
            <>
              <button type="button" onClick={() => setDraft(saved.data!.panels)} data-testid="board-edit">
                Edit
              </button>
              <button type="button" onClick={remove}>
                Delete board
              </button>
            </>
          )
        ) : null}
        {message ? <span className="muted" data-testid="board-message">{message}</span> : null}
      </div>
      {adding && draft ? (
        <PanelEditor
          range={range}
          newId={newPanelId(draft)}
          onCancel={() => setAdding(false)}
          onAdd={(panel) => {
            setDraft(packLayout([...draft, panel]))
            setAdding(false)
          }}
        />
      ) : null}
      {!builtIn && saved.error ? <ErrorState error={saved.error} what="the dashboard" /> : null}
      {!builtIn && !saved.data && saved.loading ? <Loading what="the dashboard" /> : null}
      {board ? (
        panels.length === 0 ? (
          <Empty hint={editing ? 'Add a panel with “+ Panel”.' : 'Press Edit to add panels.'}>This board has no panels.</Empty>
        ) : (
          <BoardView
            panels={panels}
            range={range}
            tick={tick}
            editing={editing}
            onMove={(i, d) => setDraft(movePanel(panels, i, d))}
            onResize={(i, w) => setDraft(resizePanel(panels, i, w))}
            onRemove={(i) => setDraft(packLayout(inReadingOrder(panels).filter((_, j) => j !== i)))}
          />
        )
      ) : null}
    </div>
  )
}
