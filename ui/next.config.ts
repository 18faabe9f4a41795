import type { NextConfig } from 'next'

/**
 * The CSP (with a per-request nonce) is set in src/proxy.ts; these headers cover everything
 * else, including the /api/v1 pass-through and static files.
 */
const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // type checking is `npm run typecheck:ui` (tsc -p ui/tsconfig.json); the e2e build skips it
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ]
  },
}

export default nextConfig
