// make_fixtures.mjs writes the Parquet fixtures of veil's dataset tests with
// DuckDB, an implementation independent of veil, together with the values
// veil must read from them, as CSV also written by DuckDB.
//
// Run it from a scratch folder outside the repository (node_modules is not
// committed):
//
//	mkdir -p /tmp/duckdb-fixture && cd /tmp/duckdb-fixture
//	npm install @duckdb/node-api
//	node /path/to/veil/testdata/parquet/make_fixtures.mjs
//
// It rewrites, next to itself:
//
//	duckdb_types.parquet       snappy, 40 rows in row groups of 16 rows
//	duckdb_types_gzip.parquet  the same rows, gzip
//	duckdb_types_zstd.parquet  the same rows, zstd
//	duckdb_types_none.parquet  the same rows, uncompressed
//	duckdb_types_v2.parquet    the same rows, Parquet format v2 (data page
//	                           v2, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
//	                           BYTE_STREAM_SPLIT where DuckDB picks them)
//	duckdb_empty.parquet       the same columns, no rows
//	duckdb_list.parquet        a list column (veil refuses it)
//	duckdb_struct.parquet      a struct column (veil refuses it)
//	duckdb_bad_utf8.parquet    an unannotated BYTE_ARRAY column whose row 3
//	                           is not UTF-8
//	duckdb_types.csv           the expected text of every value, in veil's
//	                           canonical forms (see docs/formats.md), with \N
//	                           for null; built by DuckDB's own formatting
//	                           functions, not by veil
//	duckdb_version.txt         the DuckDB version that wrote them
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package is found from the current folder (the scratch folder), not
// from this file's.
const require = createRequire(join(process.cwd(), 'noop.js'));
const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);

const here = dirname(fileURLToPath(import.meta.url));
const out = (name) => join(here, name).replaceAll("'", "''");

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
await con.run(`SET TimeZone = 'UTC'`);

// 40 rows; nulls in most columns at different rows, repeated strings (so
// that DuckDB dictionary-encodes them), unicode, empty strings, quotes and
// line breaks, leading-zero codes, pre-1970 dates and timestamps.
await con.run(`
CREATE TABLE t AS
SELECT
  i::INTEGER AS id,
  CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 1000003 - 20000000)::BIGINT END AS big,
  ((i * 13) % 256 - 128)::TINYINT AS tiny,
  (i * 1000 - 32768)::SMALLINT AS small,
  (i * 6)::UTINYINT AS utiny,
  (i * 1600)::USMALLINT AS usmall,
  (4294967295 - i)::UINTEGER AS uint,
  (18446744073709551615 - i)::UBIGINT AS ubig,
  CASE WHEN i % 5 = 1 THEN NULL ELSE (i * 0.3 - 4)::FLOAT END AS f,
  CASE WHEN i % 6 = 2 THEN NULL
       WHEN i = 7 THEN 1e21
       WHEN i = 11 THEN 1.5e-7
       WHEN i = 9 THEN 123456789.125
       WHEN i = 13 THEN -2.5e-300
       ELSE i * 0.1 - 1.5 END::DOUBLE AS d,
  CASE WHEN i % 11 = 5 THEN NULL ELSE i % 3 = 0 END AS b,
  CASE WHEN i % 9 = 4 THEN NULL
       ELSE ['alpha', 'beta', 'gamma', 'δέλτα', '🙂 emoji', '', 'comma, "quoted"', 'two
lines'][i % 8 + 1] END AS s,
  lpad(((i * 37) % 1000)::VARCHAR, 5, '0') AS code,
  (1000 + (i * 211) % 9000)::INTEGER AS zip,
  CASE WHEN i % 8 = 6 THEN NULL ELSE DATE '1970-01-01' + (i * 997 - 20000)::INTEGER END AS dt,
  CASE WHEN i % 10 = 9 THEN NULL
       ELSE TIMESTAMP '1960-01-01 00:00:00' + to_microseconds((i * 987654321987 + (i % 2) * 1000000)::BIGINT) END AS ts,
  (TIMESTAMP '1960-01-01 00:00:00' + to_microseconds((i * 987654321987)::BIGINT))::TIMESTAMPTZ AS tstz,
  (TIMESTAMP '2001-02-03 04:05:06' + to_milliseconds((i * 12345678)::BIGINT))::TIMESTAMP_MS AS ts_ms,
  ('2020-01-01 00:00:00.' || lpad(((i * 123456789) % 1000000000)::VARCHAR, 9, '0'))::TIMESTAMP_NS AS ts_ns,
  CAST((i * 12345 - 200000) / 100.0 AS DECIMAL(10,2)) AS dec,
  CAST((i * 7 - 100) / 10.0 AS DECIMAL(4,1)) AS dec4,
  CAST((i - 20)::VARCHAR || '2345678901234567890.0123456789' AS DECIMAL(38,10)) AS dec38,
  ('0000000' || i::VARCHAR || '-abcd-4ef0-8000-' || lpad(i::VARCHAR, 12, '0'))[-36:]::UUID AS u,
  ('blob ' || i)::BLOB AS raw,
  make_time(i % 24, (i * 7) % 60, (i * 1.25) % 60) AS tm
FROM range(40) r(i)
ORDER BY i`);

// The expected text: veil writes integers in decimal, floats in their
// shortest form, dates as 2006-01-02, timestamps as RFC 3339 with the
// fraction's trailing zeros cut (Z for UTC-adjusted ones, no zone for local
// ones), decimals with all their scale digits, times as 15:04:05.999999999.
const frac = (expr) => `regexp_replace(${expr}, '\\.0+$|(\\.[0-9]*[1-9])0+$', '\\1')`;
await con.run(`
CREATE TABLE expected AS
SELECT
  id::VARCHAR AS id, big::VARCHAR AS big, tiny::VARCHAR AS tiny, small::VARCHAR AS small,
  utiny::VARCHAR AS utiny, usmall::VARCHAR AS usmall, uint::VARCHAR AS uint, ubig::VARCHAR AS ubig,
  f::VARCHAR AS f, d::VARCHAR AS d, b::VARCHAR AS b, s, code, zip::VARCHAR AS zip,
  strftime(dt, '%Y-%m-%d') AS dt,
  ${frac(`strftime(ts, '%Y-%m-%dT%H:%M:%S.%f')`)} AS ts,
  ${frac(`strftime(tstz, '%Y-%m-%dT%H:%M:%S.%f')`)} || 'Z' AS tstz,
  ${frac(`strftime(ts_ms::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%f')`)} AS ts_ms,
  ${frac(`strftime(ts_ns, '%Y-%m-%dT%H:%M:%S.%n')`)} AS ts_ns,
  dec::VARCHAR AS dec, dec4::VARCHAR AS dec4, dec38::VARCHAR AS dec38,
  u::VARCHAR AS u, decode(raw) AS raw,
  ${frac(`strftime(DATE '2000-01-01' + tm, '%H:%M:%S.%f')`)} AS tm
FROM t ORDER BY t.id`);

const opts = { '': 'snappy', _gzip: 'gzip', _zstd: 'zstd', _none: 'uncompressed' };
for (const [suffix, codec] of Object.entries(opts)) {
  await con.run(`COPY t TO '${out(`duckdb_types${suffix}.parquet`)}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 16)`);
}
await con.run(`COPY t TO '${out('duckdb_types_v2.parquet')}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16, PARQUET_VERSION v2)`);
await con.run(`COPY (SELECT * FROM t WHERE false) TO '${out('duckdb_empty.parquet')}' (FORMAT parquet)`);
// Shapes veil refuses (nested columns), and a plain BYTE_ARRAY value that
// is not UTF-8 (row 3 of column raw; "secret" must not reach an error).
await con.run(`COPY (SELECT 1::INTEGER AS id, ['a', 'b'] AS tags) TO '${out('duckdb_list.parquet')}' (FORMAT parquet)`);
await con.run(`COPY (SELECT 1::INTEGER AS id, {'a': 1, 'b': 'x'} AS person) TO '${out('duckdb_struct.parquet')}' (FORMAT parquet)`);
await con.run(`COPY (SELECT i::INTEGER AS id,
  CASE WHEN i = 2 THEN '\\xFF\\xFEsecret'::BLOB ELSE ('ok ' || i)::BLOB END AS raw
  FROM range(5) r(i) ORDER BY i) TO '${out('duckdb_bad_utf8.parquet')}' (FORMAT parquet)`);
await con.run(`COPY expected TO '${out('duckdb_types.csv')}' (HEADER, DELIMITER ',', NULLSTR '\\N')`);

const v = await con.runAndReadAll(`SELECT version()`);
writeFileSync(join(here, 'duckdb_version.txt'), `${v.getRows()[0][0]}\n`);
console.log('wrote fixtures with DuckDB', v.getRows()[0][0]);
