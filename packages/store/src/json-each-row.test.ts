import { describe, expect, it } from 'vitest'
import { compileBatchSerializer, compileInsertSerializer, compileRowSerializer, encoderFor, nsToDecimalSeconds } from './json-each-row.ts'

describe('nsToDecimalSeconds', () => {
  it('writes seconds and exactly nine fraction digits', () => {
    expect(nsToDecimalSeconds(0n)).toBe('0.000000000')
    expect(nsToDecimalSeconds(1n)).toBe('0.000000001')
    expect(nsToDecimalSeconds(999_999_999n)).toBe('0.999999999')
    expect(nsToDecimalSeconds(1_000_000_000n)).toBe('1.000000000')
    expect(nsToDecimalSeconds(1_700_000_000_123_456_789n)).toBe('1700000000.123456789')
  })
  it('rejects numbers and negative values (a number cannot hold ns precisely)', () => {
    expect(() => nsToDecimalSeconds(1_700_000_000_000)).toThrow(TypeError)
    expect(() => nsToDecimalSeconds(-1n)).toThrow(TypeError)
  })
})

describe('encoderFor', () => {
  it('quotes 64-bit integers and keeps narrow ones numeric', () => {
    expect(encoderFor('UInt64')(18_446_744_073_709_551_615n)).toBe('"18446744073709551615"')
    expect(encoderFor('Int64')(-5)).toBe('"-5"')
    expect(encoderFor('UInt8')(7)).toBe('7')
    expect(() => encoderFor('UInt64')(1.5)).toThrow(TypeError)
  })
  it('writes non-finite floats as the quoted words ClickHouse parses', () => {
    const f = encoderFor('Float64')
    expect([f(1.25), f(Number.NaN), f(Infinity), f(-Infinity), f(1e21)]).toEqual(['1.25', '"nan"', '"inf"', '"-inf"', '1e+21'])
  })
  it('handles nullable, arrays of wide ints and times, and maps of numbers', () => {
    expect(encoderFor('Nullable(Float64)')(null)).toBe('null')
    expect(encoderFor('Array(UInt64)')([1n, 2n])).toBe('["1","2"]')
    expect(encoderFor("Array(DateTime64(9, 'UTC'))")([1n])).toBe('["0.000000001"]')
    expect(encoderFor('Map(LowCardinality(String), UInt64)')({ a: 3n })).toBe('{"a":"3"}')
    expect(encoderFor('Map(LowCardinality(String), String)')({ 'a"b': 'c\n' })).toBe('{"a\\"b":"c\\n"}')
  })
  it('refuses types it does not know rather than guessing', () => {
    expect(() => encoderFor('IPv6')).toThrow(/no JSONEachRow encoder/)
  })
})

describe('compileRowSerializer', () => {
  const serialize = compileRowSerializer([
    { name: 'TenantId', type: 'LowCardinality(String)' },
    { name: 'Timestamp', type: "DateTime64(9, 'UTC')" },
    { name: 'Duration', type: 'UInt64' },
    { name: 'Attrs', type: 'Map(LowCardinality(String), String)' },
    { name: 'Events.Name', type: 'Array(LowCardinality(String))' },
    { name: 'Note', type: 'String', defaultKind: 'DEFAULT' },
    { name: 'Day', type: 'Date', defaultKind: 'MATERIALIZED' },
  ])

  it('writes one JSON object per row with every insertable column', () => {
    const line = serialize({ TenantId: 't"1', Timestamp: 1_000_000_001n, Duration: 5n, Attrs: { k: 'v' }, 'Events.Name': ['e'], Note: 'x', extra: 1 })
    expect(line).toBe('{"TenantId":"t\\"1","Timestamp":"1.000000001","Duration":"5","Attrs":{"k":"v"},"Events.Name":["e"],"Note":"x"}')
    expect(JSON.parse(line)).toMatchObject({ TenantId: 't"1', Duration: '5' })
  })

  it('omits a missing DEFAULT column and names a missing required one', () => {
    const row = { TenantId: 't', Timestamp: 0n, Duration: 0n, Attrs: {}, 'Events.Name': [] }
    expect(serialize(row)).toBe('{"TenantId":"t","Timestamp":"0.000000000","Duration":"0","Attrs":{},"Events.Name":[]}')
    const { Duration: _, ...noDuration } = row
    expect(() => serialize(noDuration)).toThrow('row has no value for column Duration')
  })

  it('names the column whose value has the wrong type', () => {
    const row = { TenantId: 't', Timestamp: 1700000000000, Duration: 0n, Attrs: {}, 'Events.Name': [] }
    expect(() => serialize(row)).toThrow(/^row 0, column Timestamp: expected unix nanoseconds/)
    expect(() => serialize({ ...row, Timestamp: 0n, TenantId: 5 })).toThrow(/^row 0, column TenantId: expected a string/)
  })

  it('writes a batch with a newline after each row, reusing the JSON of a shared object only while it is the same object', () => {
    const batch = compileBatchSerializer([
      { name: 'A', type: 'Map(LowCardinality(String), String)' },
      { name: 'N', type: 'UInt8' },
    ])
    const shared: Record<string, string> = { k: 'v1' }
    expect(batch([{ A: shared, N: 1 }, { A: shared, N: 2 }, { A: { k: 'v2' }, N: 3 }])).toBe(
      '{"A":{"k":"v1"},"N":1}\n{"A":{"k":"v1"},"N":2}\n{"A":{"k":"v2"},"N":3}\n',
    )
    shared.k = 'changed'
    expect(batch([{ A: shared, N: 1 }])).toBe('{"A":{"k":"changed"},"N":1}\n')
    expect(() => batch([{ A: {}, N: 1 }, { A: {}, N: 'x' }])).toThrow(/^row 1, column N: expected an integer/)
  })
})

describe('compileInsertSerializer', () => {
  const columns = [
    { name: 'TenantId', type: 'LowCardinality(String)' },
    { name: 'Timestamp', type: "DateTime64(9, 'UTC')" },
    { name: 'Attrs', type: 'Map(LowCardinality(String), String)' },
    { name: 'Events.Name', type: 'Array(LowCardinality(String))' },
    { name: 'Day', type: 'Date', defaultKind: 'MATERIALIZED' },
  ]

  it('writes rows as JSONCompactEachRow arrays in the order of its column list when every column must be given', () => {
    const { format, columnList, serialize } = compileInsertSerializer(columns)
    expect(format).toBe('JSONCompactEachRow')
    expect(columnList).toBe('(`TenantId`, `Timestamp`, `Attrs`, `Events.Name`)')
    const shared = { k: 'v' }
    const body = serialize([
      { TenantId: 't"1', Timestamp: 1_000_000_001n, Attrs: shared, 'Events.Name': ['e'], extra: 1 },
      { TenantId: 't2', Timestamp: 2n, Attrs: shared, 'Events.Name': [] },
    ])
    expect(body).toBe('["t\\"1","1.000000001",{"k":"v"},["e"]]\n["t2","0.000000002",{"k":"v"},[]]\n')
    expect(body.split('\n').slice(0, 2).map((line) => JSON.parse(line) as unknown)).toEqual([
      ['t"1', '1.000000001', { k: 'v' }, ['e']],
      ['t2', '0.000000002', { k: 'v' }, []],
    ])
    expect(() => serialize([{ TenantId: 't', Timestamp: 0n, Attrs: {} }])).toThrow('row has no value for column Events.Name')
  })

  it('keeps JSONEachRow for a table with DEFAULT columns, which rows may leave out', () => {
    const { format, columnList, serialize } = compileInsertSerializer([...columns, { name: 'Note', type: 'String', defaultKind: 'DEFAULT' }])
    expect([format, columnList]).toEqual(['JSONEachRow', ''])
    expect(serialize([{ TenantId: 't', Timestamp: 0n, Attrs: {}, 'Events.Name': [] }])).toBe('{"TenantId":"t","Timestamp":"0.000000000","Attrs":{},"Events.Name":[]}\n')
  })
})
