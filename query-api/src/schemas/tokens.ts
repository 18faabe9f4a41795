/** Query tokens of the caller's tenant: GET/POST /tokens, DELETE /tokens/:id (admin only). */
import { Type, type Static } from 'typebox'
import { Nullable } from './common.ts'

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('admin')])

export const TokenInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  prefix: Type.String({ description: 'the public start of the token, to recognise it' }),
  createdAt: Type.String({ description: 'RFC 3339' }),
  revokedAt: Nullable(Type.String({ description: 'RFC 3339' })),
})
export type TokenInfo = Static<typeof TokenInfo>

export const TokensResponse = Type.Object({ tokens: Type.Array(TokenInfo) })
export type TokensResponse = Static<typeof TokensResponse>

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
  },
  { additionalProperties: false },
)
export type CreateTokenBody = Static<typeof CreateTokenBody>

export const CreatedTokenResponse = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  token: Type.String({ description: 'the bearer token; shown only now' }),
  createdAt: Type.String(),
})
export type CreatedTokenResponse = Static<typeof CreatedTokenResponse>

export const TokenParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-z]{1,32}$' }) })
