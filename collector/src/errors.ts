/**
 * Every error the collector answers with, declared once. All are the client's fault (4xx) or a
 * dependency's state (503, with Retry-After); the collector never answers 500 for anything a
 * client sent. Bodies are google.rpc.Status in the request's encoding (see error-reply.ts).
 *
 *   PERISCOPE_ERR_COLLECTOR_MALFORMED_BODY          400  the body does not decode as OTLP (or gzip)
 *   PERISCOPE_ERR_COLLECTOR_UNAUTHENTICATED         401  no bearer key, or an unknown/revoked one
 *   PERISCOPE_ERR_COLLECTOR_BODY_TOO_LARGE          413  over `server.maxBodyBytes`, before or after inflation
 *   PERISCOPE_ERR_COLLECTOR_UNSUPPORTED_MEDIA_TYPE  415  Content-Type not protobuf/JSON
 *   PERISCOPE_ERR_COLLECTOR_UNSUPPORTED_ENCODING    415  Content-Encoding not gzip/identity
 *   PERISCOPE_ERR_COLLECTOR_RATE_LIMITED            429  the tenant is over its bytes/s or items/s
 *   PERISCOPE_ERR_COLLECTOR_BUS_UNAVAILABLE         503  the bus did not durably accept every record
 *   PERISCOPE_ERR_COLLECTOR_KEYS_UNAVAILABLE        503  the key store cannot be read and no fresh entry is cached
 *   PERISCOPE_ERR_COLLECTOR_OVERLOADED              503  in-flight bytes at `limits.maxInflightBytes`
 */
import { createError } from '@periscope/runtime'

export const MalformedBody = createError<[string]>('PERISCOPE_ERR_COLLECTOR_MALFORMED_BODY', 'malformed request body: %s', 400)
export const Unauthenticated = createError<[string]>('PERISCOPE_ERR_COLLECTOR_UNAUTHENTICATED', '%s', 401)
export const BodyTooLarge = createError<[string]>('PERISCOPE_ERR_COLLECTOR_BODY_TOO_LARGE', '%s', 413)
export const UnsupportedMediaType = createError<[string]>(
  'PERISCOPE_ERR_COLLECTOR_UNSUPPORTED_MEDIA_TYPE',
  'unsupported Content-Type %s: send application/x-protobuf or application/json',
  415,
)
export const UnsupportedEncoding = createError<[string]>(
  'PERISCOPE_ERR_COLLECTOR_UNSUPPORTED_ENCODING',
  'unsupported Content-Encoding %s: send gzip or no encoding',
  415,
)
export const RateLimited = createError<[string, number]>(
  'PERISCOPE_ERR_COLLECTOR_RATE_LIMITED',
  'tenant %s is over its ingestion rate; retry after %d s',
  429,
)
export const BusUnavailable = createError<[]>(
  'PERISCOPE_ERR_COLLECTOR_BUS_UNAVAILABLE',
  'the data could not be stored durably right now; retry later',
  503,
)
export const KeysUnavailable = createError<[]>(
  'PERISCOPE_ERR_COLLECTOR_KEYS_UNAVAILABLE',
  'the API key could not be checked right now; retry later',
  503,
)
export const Overloaded = createError<[]>('PERISCOPE_ERR_COLLECTOR_OVERLOADED', 'the collector is at capacity; retry later', 503)
