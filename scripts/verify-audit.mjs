#!/usr/bin/env node
// Verifies an export of Harbormaster's audit log offline — node:crypto and node:fs only, no project code, so an
// auditor can read all of it. Usage:
//
//   node scripts/verify-audit.mjs <export.csv|export.jsonl> [--public-key <pem|file>]... [--head <head.json>] [--filtered]
//
//   --public-key  the console's audit signing key (PEM, base64 DER SPKI, or a file holding either), as shown on
//                 the audit page and in GET /api/v1/audit/head; repeat it for keys used before a rotation.
//   --head        a head recorded earlier (the JSON of GET /api/v1/audit/head); needs --public-key.
//   --filtered    the export is filtered (outcome, actor, search…): rows need not follow one another, so only each
//                 row's own hash and the signatures are checked.
//
// Exit codes: 0 the export verifies; 1 it does not (the first bad event id and why are printed); 2 bad usage or
// an unreadable file.
//
// THE CANONICAL FORM (server/audit/audit.ts, server/audit/canonical.ts — keep in step)
//   Each event has the fields
//     id (number), at (ISO 8601 UTC with milliseconds, e.g. "2026-12-05T00:00:00.000Z"), requestId,
//     actorId, actorEmail, actorRole, action, targetType, targetName, workspace, outcome, message,
//     before, after (any JSON value, secrets already redacted), ip
//   (absent values are null), and
//     hash = lowercase hex SHA-256 of the UTF-8 bytes of  prevHash + canonicalJson(fields)
//   where canonicalJson is JSON.stringify of the fields with object keys sorted (by UTF-16 code unit, as
//   Array.prototype.sort does) at every level, no whitespace, and prevHash is the previous event's hash (the
//   first event's prevHash is 64 zeros). Events are chained in id order; ids need not be consecutive.
//   Signed checkpoints: from the event with action "audit.signingKey" on (its `after` carries the new public
//   key as base64 DER SPKI and `checkpointEvery`, 100), every checkpointEvery-th event after the previous
//   checkpoint, and each audit.signingKey event, carries a checkpoint: an Ed25519 signature, by the key in
//   checkpointPublicKey, of the UTF-8 bytes of
//     canonicalJson({kind: "harbormaster.audit.checkpoint", id, hash, at: checkpointAt})
//   The head (GET /api/v1/audit/head) is signed the same way with kind "harbormaster.audit.head" and its own
//   id, hash and at. Events before the first checkpoint are covered by the hash chain alone (the rule they were
//   written with).
//
// EXPORT FORMATS (GET /api/v1/audit/export?format=csv|jsonl, newest first; this script sorts by id)
//   JSON Lines: one object per event with the fields above plus prevHash, hash, checkpointAt,
//   checkpointSignature, checkpointPublicKey (null when the event has no checkpoint).
//   CSV: the same columns (header row names them). An empty cell is null and a quoted empty cell ("") the empty
//   string; before/after hold JSON text; a cell that starts with = + - @ tab or CR (after any apostrophes) was
//   written with one extra leading apostrophe (spreadsheet formula guard), which is removed here.
//
// WHAT IS REPORTED
//   a row whose hash does not match its fields (edited), a row whose prevHash is not the previous row's hash
//   (deleted, inserted or moved), a checkpoint missing, for another hash or with a bad signature (the chain was
//   recomputed), a newest checkpoint not signed by a --public-key; with --head: a head signature that does not
//   verify, a row with the head's id whose hash differs (rewritten), an export that ends before the head's
//   id (truncated).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const GENESIS = '0'.repeat(64);
const SIGNING_KEY_ACTION = 'audit.signingKey';
const FIELDS = ['id', 'at', 'requestId', 'actorId', 'actorEmail', 'actorRole', 'action', 'targetType', 'targetName', 'workspace', 'outcome', 'message', 'before', 'after', 'ip'];
const JSON_COLUMNS = new Set(['before', 'after']);

export function canonicalJson(value) {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(v) {
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(sortKeys);
  const out = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}
const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest('hex');

export function eventHash(prevHash, row) {
  const fields = {};
  for (const f of FIELDS) fields[f] = row[f] ?? null;
  fields.id = Number(fields.id);
  return sha256(prevHash + canonicalJson(fields));
}

const signedMessage = (kind, id, hash, at) => Buffer.from(canonicalJson({ kind: `harbormaster.audit.${kind}`, id: Number(id), hash, at }), 'utf8');

function publicKeyObject(b64OrPem) {
  const t = String(b64OrPem).trim();
  return t.startsWith('-----BEGIN') ? createPublicKey(t) : createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
}
/** base64 DER SPKI of a public key given as PEM or base64. */
export function normalizePublicKey(text) {
  return publicKeyObject(text).export({ format: 'der', type: 'spki' }).toString('base64');
}
const fingerprint = (b64) => 'sha256:' + createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
function verifySignature(publicKeyB64, kind, id, hash, at, signature) {
  try {
    return verify(null, signedMessage(kind, id, hash, at), publicKeyObject(publicKeyB64), Buffer.from(String(signature), 'base64'));
  } catch {
    return false;
  }
}

/** RFC 4180 records; a quoted empty field is '' and an unquoted empty one null. */
export function parseCsv(text) {
  const records = [];
  let rec = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let value;
    if (text[i] === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new Error('unterminated quoted CSV field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            s += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else s += text[i++];
      }
      value = s;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\r' && text[j] !== '\n') j++;
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    rec.push(value);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\r' || text[i] === '\n') i++;
    else if (i < n) throw new Error(`unexpected character after a quoted CSV field at offset ${i}`);
    records.push(rec);
    rec = [];
    if (i >= n) break;
  }
  return records.filter((r) => !(r.length === 1 && r[0] === null));
}

function csvRows(text) {
  const [header, ...records] = parseCsv(text);
  if (!header || !header.includes('hash') || !header.includes('prevHash')) throw new Error('not an audit export: the CSV header has no prevHash/hash columns');
  return records.map((rec, k) => {
    if (rec.length !== header.length) throw new Error(`CSV record ${k + 2} has ${rec.length} fields, the header ${header.length}`);
    const row = {};
    header.forEach((col, c) => {
      let v = rec[c];
      if (typeof v === 'string' && /^'+[=+\-@\t\r]/.test(v)) v = v.slice(1);
      if (JSON_COLUMNS.has(col)) v = v === null ? null : JSON.parse(v);
      row[col] = v;
    });
    return row;
  });
}

function jsonlRows(text) {
  return text
    .split('\n')
    .map((l, k) => [l.trim(), k])
    .filter(([l]) => l)
    .map(([l, k]) => {
      try {
        return JSON.parse(l);
      } catch (e) {
        throw new Error(`line ${k + 1} is not JSON: ${e.message}`);
      }
    });
}

/** Rows of an export file (CSV or JSON Lines, told apart by the first character). */
export function readExport(text) {
  const t = text.replace(/^\uFEFF/, '');
  const rows = t.trimStart().startsWith('{') ? jsonlRows(t) : csvRows(t);
  for (const r of rows) {
    if (r.id === null || r.id === undefined || !/^\d+$/.test(String(r.id))) throw new Error(`a row has no valid id (${JSON.stringify(r.id)})`);
    r.id = Number(r.id);
  }
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * Verifies export rows (any order). opts: {publicKeys: base64 SPKI[], head?: {id, hash, at, signature}, filtered?: boolean}.
 * → {ok, checked, checkpoints, firstBroken?: {id, reason}, notes: string[]}
 */
export function verifyExport(rowsIn, opts = {}) {
  const rows = [...rowsIn].sort((a, b) => Number(a.id) - Number(b.id));
  const trusted = new Set(opts.publicKeys ?? []);
  const keys = new Set(trusted);
  const notes = [];
  let checked = 0;
  let checkpoints = 0;
  let lastCp;
  let since = null;
  let every = 100;
  let prev;
  const result = (firstBroken) => ({ ok: !firstBroken, checked, checkpoints, ...(firstBroken ? { firstBroken } : {}), notes });
  for (const r of rows) {
    checked++;
    const id = Number(r.id);
    if (prev && id === Number(prev.id)) return result({ id, reason: `event ${id} appears twice` });
    if (!opts.filtered && prev && r.prevHash !== prev.hash) return result({ id, reason: `event ${id} does not follow event ${prev.id} (an event was deleted, inserted or moved)` });
    if (!prev && !opts.filtered && id === 1 && r.prevHash !== GENESIS) return result({ id, reason: `event ${id} is the first event but its prevHash is not the genesis hash` });
    if (eventHash(r.prevHash, r) !== r.hash) return result({ id, reason: `event ${id} was changed after it was written (its fields no longer match its hash)` });
    if (r.action === SIGNING_KEY_ACTION && r.after && typeof r.after.publicKey === 'string') {
      keys.add(r.after.publicKey);
      if (typeof r.after.checkpointEvery === 'number' && r.after.checkpointEvery > 0) every = r.after.checkpointEvery;
    }
    if (r.checkpointSignature) {
      const key = r.checkpointPublicKey;
      if (!keys.has(key)) {
        // In a filtered export the key's audit.signingKey event may be filtered out; only a trusted key will do then.
        return result({ id, reason: `the checkpoint at event ${id} is signed by key ${key ? fingerprint(key).slice(0, 23) : '(none)'}…, which is neither given with --public-key nor introduced by an audit.signingKey event in the export` });
      }
      if (!verifySignature(key, 'checkpoint', id, r.hash, r.checkpointAt, r.checkpointSignature)) {
        return result({ id, reason: `the signature of the checkpoint at event ${id} does not verify for this event's hash (the chain was recomputed, or the checkpoint forged)` });
      }
      checkpoints++;
      lastCp = { id, key };
      since = 0;
    } else if (!opts.filtered && since !== null && ++since >= every) {
      return result({ id, reason: `event ${id} should carry a signed checkpoint (one every ${every} events) and has none (a checkpoint was removed, or the chain recomputed)` });
    }
    prev = r;
  }
  if (trusted.size && !opts.filtered && rows.length) {
    if (!lastCp) {
      if (since === null && !rows.some((r) => r.action === SIGNING_KEY_ACTION)) notes.push('no signed checkpoint in the export (events from before signing started, or a short range): hash chain only');
      else return result({ id: rows[rows.length - 1].id, reason: 'no checkpoint in the export is signed by the given key' });
    } else if (!trusted.has(lastCp.key)) {
      return result({ id: lastCp.id, reason: `the newest checkpoint (event ${lastCp.id}) is not signed by a --public-key` });
    }
  }
  if (!trusted.size) notes.push('no --public-key: checkpoint signatures were checked against the keys the export itself introduces, which proves nothing about who signed');
  if (opts.head) {
    const h = opts.head;
    const signedBy = [...trusted].find((k) => verifySignature(k, 'head', h.id, h.hash, h.at, h.signature));
    if (!signedBy) return result({ id: Number(h.id), reason: `the recorded head (event ${h.id}) is not signed by a --public-key: it cannot be trusted` });
    const at = rows.find((r) => Number(r.id) === Number(h.id));
    const last = rows[rows.length - 1];
    if (at && at.hash !== h.hash) return result({ id: Number(h.id), reason: `event ${h.id} was rewritten: its hash differs from the recorded head's (signed ${h.at})` });
    if (!at) {
      if (opts.filtered) notes.push(`the head's event ${h.id} is not in this filtered export: truncation not checked`);
      else if (!last || Number(last.id) < Number(h.id)) {
        return result({ id: Number(h.id), reason: `truncated: the export ends at event ${last ? last.id : '(none)'}, before event ${h.id} of the head recorded at ${h.at}` });
      }
      else return result({ id: Number(h.id), reason: `event ${h.id} of the recorded head is missing from the export (deleted)` });
    } else notes.push(`event ${h.id} matches the head recorded at ${h.at}`);
  }
  return result();
}

function readKeyArg(v) {
  const t = existsSync(v) ? readFileSync(v, 'utf8') : v;
  return normalizePublicKey(t);
}

export function main(argv) {
  const usage = 'usage: node scripts/verify-audit.mjs <export.csv|export.jsonl> [--public-key <pem|base64|file>]... [--head <head.json>] [--filtered]';
  let file;
  const publicKeys = [];
  let headFile;
  let filtered = false;
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--public-key') {
        if (argv[i + 1] === undefined) throw new Error('--public-key needs a value');
        publicKeys.push(readKeyArg(argv[++i]));
      } else if (a === '--head') {
        if (argv[i + 1] === undefined) throw new Error('--head needs a file');
        headFile = argv[++i];
      } else if (a === '--filtered') filtered = true;
      else if (a === '-h' || a === '--help') {
        console.log(usage);
        return 0;
      } else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
      else if (file) throw new Error('one export file only');
      else file = a;
    }
    if (!file) throw new Error('no export file given');
    if (headFile && !publicKeys.length) throw new Error('--head needs --public-key (the head is only as good as its signature)');
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    return 2;
  }
  let rows;
  let head;
  try {
    rows = readExport(readFileSync(file, 'utf8'));
    if (headFile) {
      head = JSON.parse(readFileSync(headFile, 'utf8'));
      if (!/^\d+$/.test(String(head.id)) || typeof head.hash !== 'string' || typeof head.signature !== 'string' || typeof head.at !== 'string') throw new Error(`${headFile} is not a head ({id, hash, at, signature})`);
    }
  } catch (e) {
    console.error(`cannot read the input: ${e.message}`);
    return 2;
  }
  const v = verifyExport(rows, { publicKeys, head, filtered });
  for (const n of v.notes) console.log(`note: ${n}`);
  if (!v.ok) {
    console.log(`BROKEN at event ${v.firstBroken.id}: ${v.firstBroken.reason}`);
    return 1;
  }
  const keyNote = publicKeys.length ? `, ${v.checkpoints} signed checkpoint${v.checkpoints === 1 ? '' : 's'}` : '';
  console.log(`ok: ${v.checked} event${v.checked === 1 ? '' : 's'} verified${keyNote}${head ? `, head ${head.id} intact` : ''}`);
  return 0;
}

// Run as a script (imported, e.g. by tests, it only exports).
if (process.argv[1] && /verify-audit\.mjs$/.test(process.argv[1])) {
  process.exitCode = main(process.argv.slice(2));
}
