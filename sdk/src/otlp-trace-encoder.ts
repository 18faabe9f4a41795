/**
 * OTLP protobuf export requests built from finished spans — the wire format of
 * `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` (OTLP 1.x):
 *
 *   ExportTraceServiceRequest { 1 resource_spans: ResourceSpans* }
 *   ResourceSpans { 1 resource: Resource, 2 scope_spans: ScopeSpans*, 3 schema_url }
 *   ScopeSpans    { 1 scope: InstrumentationScope, 2 spans: Span*, 3 schema_url }
 *
 * (Span, Resource and InstrumentationScope: otlp-span-encoder.ts.)
 *
 * A SpanBatch encodes each span when it is added, into the buffer of its (resource, scope) group,
 * so nothing but bytes is kept of a span once it has ended — no object tree, no span objects
 * waiting for an export. take() wraps those bytes in their ResourceSpans/ScopeSpans messages, in
 * one buffer of exactly the request's size.
 *
 * Invariants: spans are grouped by resource object, then by scope object (the SDK has one scope
 * object per tracer), groups and spans in first-seen order — the grouping of the official
 * protobuf serializer of @opentelemetry/otlp-transformer, whose requests decode to the same as
 * ours (otlp-trace-encoder.test.ts); every length prefix is a minimal varint; an empty batch is an
 * empty request (zero bytes).
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { EncodeCache, writeResource, writeScope, writeSpan, writeStringField, type SpanResource, type SpanScope } from './otlp-span-encoder.ts'
import { ProtobufWriter, varintSize } from './protobuf-writer.ts'

const RESOURCE_SPANS_TAG = 0x0a // ExportTraceServiceRequest.resource_spans (1, LEN)
const RESOURCE_TAG = 0x0a // ResourceSpans.resource (1, LEN)
const SCOPE_SPANS_TAG = 0x12 // ResourceSpans.scope_spans (2, LEN)
const SCOPE_TAG = 0x0a // ScopeSpans.scope (1, LEN)
const SPANS_TAG = 0x12 // ScopeSpans.spans (2, LEN)
const SCHEMA_URL_TAG = 0x1a // ResourceSpans.schema_url and ScopeSpans.schema_url (3, LEN)
const GROUP_INITIAL_BYTES = 64 * 1024
/** Group buffers are reused by the next batch unless a huge span grew one past this (batches are cut at 1 MiB). */
const KEEP_BUFFER_BYTES = 2 * 1024 * 1024
const KEEP_SPARE_BUFFERS = 8

export interface SpanBatch {
  /** Encodes the span into the batch. Throws only for a span it cannot encode, leaving the batch as it was. */
  add(span: ReadableSpan): void
  readonly spanCount: number
  /** Encoded bytes of the spans so far (the request adds a few per group). */
  readonly sizeBytes: number
  /**
   * Resolves once every resource of the batch has its attributes (some resource detectors are
   * asynchronous); undefined when they all have them already.
   */
  resourcesSettled(): Promise<void> | undefined
  /** The ExportTraceServiceRequest of the spans added since the last take(); the batch is then empty. */
  take(): Uint8Array
}

interface Group {
  scope: SpanScope
  spans: ProtobufWriter
}

export function createSpanBatch(): SpanBatch {
  return new Batch()
}

/** Encodes spans as one ExportTraceServiceRequest. */
export function encodeTraceRequest(spans: readonly ReadableSpan[]): Uint8Array {
  const batch = new Batch()
  for (let i = 0; i < spans.length; i++) batch.add(spans[i]!)
  return batch.take()
}

class Batch implements SpanBatch {
  spanCount = 0
  sizeBytes = 0
  private byResource = new Map<SpanResource, Map<SpanScope, Group>>()
  // consecutive spans nearly always share resource and scope: then no lookup is needed
  private lastResource: SpanResource | undefined
  private lastScope: SpanScope | undefined
  private lastGroup: Group | undefined
  private readonly spare: ProtobufWriter[] = []
  private readonly headers = new ProtobufWriter(4 * 1024)
  private readonly cache = new EncodeCache()

  add(span: ReadableSpan): void {
    let group = this.lastGroup
    if (group === undefined || span.resource !== this.lastResource || span.instrumentationScope !== this.lastScope) group = this.groupOf(span)
    const w = group.spans
    const start = w.pos
    try {
      writeSpan(w, SPANS_TAG, span, this.cache)
    } catch (err) {
      w.pos = start
      throw err
    }
    this.sizeBytes += w.pos - start
    this.spanCount++
  }

  private groupOf(span: ReadableSpan): Group {
    const resource = span.resource
    const scope = span.instrumentationScope as SpanScope
    let scopes = this.byResource.get(resource)
    if (scopes === undefined) {
      scopes = new Map()
      this.byResource.set(resource, scopes)
    }
    let group = scopes.get(scope)
    if (group === undefined) {
      const spans = this.spare.pop() ?? new ProtobufWriter(GROUP_INITIAL_BYTES)
      spans.reset()
      group = { scope, spans }
      scopes.set(scope, group)
    }
    this.lastResource = resource
    this.lastScope = scope
    this.lastGroup = group
    return group
  }

  resourcesSettled(): Promise<void> | undefined {
    let waits: Array<Promise<void>> | undefined
    for (const resource of this.byResource.keys()) {
      if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) (waits ??= []).push(resource.waitForAsyncAttributes())
    }
    return waits && Promise.all(waits).then(() => undefined)
  }

  take(): Uint8Array {
    // Pass 1: the resource and scope messages (into `headers`) and every message length.
    const h = this.headers
    h.reset()
    const plan: Array<{ resourceEnd: number; schemaStart: number; schemaEnd: number; bodyLength: number; scopes: Array<{ start: number; scopeEnd: number; end: number; bodyLength: number; group: Group }> }> = []
    let total = 0
    for (const [resource, scopes] of this.byResource) {
      const resourceStart = h.pos
      writeResource(h, RESOURCE_TAG, resource)
      const resourceEnd = h.pos
      let bodyLength = resourceEnd - resourceStart
      const scopePlan = []
      for (const group of scopes.values()) {
        const start = h.pos
        writeScope(h, SCOPE_TAG, group.scope)
        const scopeEnd = h.pos
        writeStringField(h, SCHEMA_URL_TAG, group.scope.schemaUrl)
        const end = h.pos
        const scopeBody = end - start + group.spans.pos
        bodyLength += 1 + varintSize(scopeBody) + scopeBody
        scopePlan.push({ start, scopeEnd, end, bodyLength: scopeBody, group })
      }
      const schemaStart = h.pos
      writeStringField(h, SCHEMA_URL_TAG, resource.schemaUrl)
      const schemaEnd = h.pos
      bodyLength += schemaEnd - schemaStart
      total += 1 + varintSize(bodyLength) + bodyLength
      plan.push({ resourceEnd, schemaStart, schemaEnd, bodyLength, scopes: scopePlan })
    }
    // Pass 2: the request, written once into its own buffer.
    const out = new ProtobufWriter(Buffer.allocUnsafe(total))
    let resourceStart = 0
    for (const r of plan) {
      out.byte(RESOURCE_SPANS_TAG)
      out.varint(r.bodyLength)
      out.copy(h.buf, resourceStart, r.resourceEnd)
      for (const s of r.scopes) {
        out.byte(SCOPE_SPANS_TAG)
        out.varint(s.bodyLength)
        out.copy(h.buf, s.start, s.scopeEnd)
        out.copy(s.group.spans.buf, 0, s.group.spans.pos)
        out.copy(h.buf, s.scopeEnd, s.end)
      }
      out.copy(h.buf, r.schemaStart, r.schemaEnd)
      resourceStart = r.schemaEnd
    }
    if (out.pos !== total || out.buf.length !== total) throw new Error(`trace request planned as ${total} bytes, written as ${out.pos}`)
    this.clear()
    return out.buf
  }

  private clear(): void {
    for (const scopes of this.byResource.values()) {
      for (const group of scopes.values()) {
        if (this.spare.length < KEEP_SPARE_BUFFERS && group.spans.buf.length <= KEEP_BUFFER_BYTES) this.spare.push(group.spans)
      }
    }
    this.byResource = new Map()
    this.lastResource = undefined
    this.lastScope = undefined
    this.lastGroup = undefined
    this.spanCount = 0
    this.sizeBytes = 0
  }
}
