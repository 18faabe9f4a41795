'use client'
/** Top navigation; carries the time range (and refresh) from page to page. */
import Link from 'next/link'
import { usePathname, useSearchParams } from 'next/navigation'

const ITEMS = [
  { href: '/', label: 'Services', testid: 'nav-services' },
  { href: '/traces', label: 'Traces', testid: 'nav-traces' },
  { href: '/logs', label: 'Logs', testid: 'nav-logs' },
  { href: '/dashboards', label: 'Dashboards', testid: 'nav-dashboards' },
  { href: '/slos', label: 'SLOs', testid: 'nav-slos' },
  { href: '/alerts', label: 'Alerts', testid: 'nav-alerts' },
]

export function Nav() {
  const pathname = usePathname()
  const params = useSearchParams()
  const carry = new URLSearchParams()
  for (const key of ['from', 'to', 'refresh']) {
    const value = params.get(key)
    if (value) carry.set(key, value)
  }
  const qs = carry.toString()
  return (
    <nav className="nav">
      {ITEMS.map((item) => {
        const active = item.href === '/' ? pathname === '/' || pathname.startsWith('/services') : pathname.startsWith(item.href)
        return (
          <Link key={item.href} href={qs ? `${item.href}?${qs}` : item.href} className={active ? 'active' : undefined} data-testid={item.testid}>
            {item.label}
          </Link>
        )
      })}
    </nav>
  )
}
