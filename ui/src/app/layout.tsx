/**
 * Root layout. `connection()` makes every page render per request, which the CSP nonce needs
 * (Next puts the request's nonce on its scripts while rendering).
 */
import type { Metadata } from 'next'
import { connection } from 'next/server'
import Link from 'next/link'
import { Suspense, type ReactNode } from 'react'
import { Nav } from '../components/layout/Nav.tsx'
import { TimeRangePicker } from '../components/layout/TimeRangePicker.tsx'
import './globals.css'

export const metadata: Metadata = {
  title: 'Periscope',
  description: 'Logs, metrics and traces for on-call engineers',
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection()
  return (
    <html lang="en">
      <body>
        <div className="shell">
          <header className="topbar">
            <Link href="/" className="brand">
              ◉ Periscope
            </Link>
            <Suspense>
              <Nav />
            </Suspense>
            <span className="spacer" />
            <Suspense>
              <TimeRangePicker />
            </Suspense>
          </header>
          <main>
            <Suspense>{children}</Suspense>
          </main>
        </div>
      </body>
    </html>
  )
}
