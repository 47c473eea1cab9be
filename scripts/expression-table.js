#!/usr/bin/env node
// Checks (or fills in) Tests/CoreTests/Expression/Fixtures/expression-table.json against
// real JavaScript: each row's `expr` runs as `new Function('context', 'return (' + expr + ')')`
// with the row's context bound to `context`, as the reference system ran conditions (minus
// its blacklist and its `!!`), and the result must equal the row's tagged `expected` value, `condition`
// (the `!!` result) and `error` (the JS error name, for rows that throw).
//
//   node scripts/expression-table.js            check every row; exit 1 on any difference
//   node scripts/expression-table.js --update   rewrite expected/condition/error from Node
//                                                (review the diff: Node is the oracle)
//
// Rows run in Node as real code, unsandboxed: only add expressions that are pure (no
// `process.exit()`, `require`, assignments…). Constructs fcb rejects but JavaScript accepts
// belong in ExpressionErrorTests.swift, not here.
//
// Row fields: expr, context (JSON) or contextRef (a key of the top-level `contexts`; default
// {}), expected (tagged, below), condition (boolean), error ("SyntaxError" | "TypeError" |
// "ReferenceError"; then no expected and condition false), kind (optional: the fcb
// ExpressionError.Kind the Swift test must see for an error row), note (free text).
//
// Tagged values: {"type":"undefined"} {"type":"null"} {"type":"boolean","value":b}
// {"type":"number","value":n | "NaN" | "Infinity" | "-Infinity" | "-0"}
// {"type":"string","value":s} {"type":"array"|"object","value":json}
// {"type":"function","name":"trim"}
'use strict';
const fs = require('fs');
const path = require('path');

const file = path.join(__dirname, '..', 'Tests', 'CoreTests', 'Expression', 'Fixtures', 'expression-table.json');
const update = process.argv.includes('--update');
const table = JSON.parse(fs.readFileSync(file, 'utf8'));

function tag(v) {
  if (v === undefined) return { type: 'undefined' };
  if (v === null) return { type: 'null' };
  switch (typeof v) {
    case 'boolean': return { type: 'boolean', value: v };
    case 'number':
      if (Number.isNaN(v)) return { type: 'number', value: 'NaN' };
      if (v === Infinity) return { type: 'number', value: 'Infinity' };
      if (v === -Infinity) return { type: 'number', value: '-Infinity' };
      if (Object.is(v, -0)) return { type: 'number', value: '-0' };
      return { type: 'number', value: v };
    case 'string': return { type: 'string', value: v };
    case 'function': return { type: 'function', name: v.name };
    case 'object': return { type: Array.isArray(v) ? 'array' : 'object', value: JSON.parse(JSON.stringify(v)) };
    default: throw new Error('untaggable result of type ' + typeof v);
  }
}

function run(row) {
  const context = row.contextRef !== undefined
    ? JSON.parse(JSON.stringify(table.contexts[row.contextRef]))
    : JSON.parse(JSON.stringify(row.context === undefined ? {} : row.context));
  let fn;
  try {
    fn = new Function('context', 'return (' + row.expr + ')');
  } catch (e) {
    return { error: e.name };
  }
  try {
    // The context is bound as given (fcb's Expression.evaluate(context:) does the same; the
    // executor is what turns a non-object session context into {} before evaluating).
    const value = fn(context);
    return { expected: tag(value), condition: !!value };
  } catch (e) {
    return { error: e.name };
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
let failures = 0;
const exprs = new Set();
table.rows.forEach((row, i) => {
  if (row.contextRef !== undefined && !(row.contextRef in table.contexts)) {
    console.error(`row ${i}: unknown contextRef ${row.contextRef}`);
    failures++;
    return;
  }
  const key = row.expr + '\u0000' + JSON.stringify(row.context) + (row.contextRef || '');
  if (exprs.has(key)) console.warn(`row ${i}: duplicate row ${JSON.stringify(row.expr)}`);
  exprs.add(key);
  const actual = run(row);
  if (update) {
    delete row.expected; delete row.error;
    if (actual.error) { row.error = actual.error; row.condition = false; }
    else { row.expected = actual.expected; row.condition = actual.condition; delete row.kind; }
    return;
  }
  const ok = actual.error
    ? row.error === actual.error && row.condition === false && row.expected === undefined
    : row.error === undefined && row.kind === undefined && same(row.expected, actual.expected) && row.condition === actual.condition;
  if (!ok) {
    failures++;
    console.error(`row ${i}: ${row.expr}\n  table: ${JSON.stringify({ expected: row.expected, condition: row.condition, error: row.error })}\n  node:  ${JSON.stringify(actual)}`);
  }
});

if (update) {
  // Keep one row per line so diffs stay readable.
  const lines = table.rows.map((r) => '    ' + JSON.stringify(r));
  const contexts = JSON.stringify(table.contexts, null, 2).replace(/\n/g, '\n  ');
  const out = '{\n  "description": ' + JSON.stringify(table.description) + ',\n  "contexts": ' + contexts +
    ',\n  "rows": [\n' + lines.join(',\n') + '\n  ]\n}\n';
  fs.writeFileSync(file, out);
  console.log(`updated ${table.rows.length} rows from Node ${process.version}`);
} else if (failures) {
  console.error(`${failures} of ${table.rows.length} rows differ from Node ${process.version}`);
  process.exit(1);
} else {
  const errors = table.rows.filter((r) => r.error).length;
  console.log(`all ${table.rows.length} rows match Node ${process.version} (${table.rows.length - errors} values, ${errors} errors)`);
}
