import { apiHandler, requireApiPermission } from '@/server/http/api';
import { signedHead } from '@/server/audit/audit';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/audit/head → {id, hash, at, signature, publicKey, publicKeyPem, fingerprint}: the newest event,
 * signed now with the console's Ed25519 key (signature over the canonical JSON of
 * {at, hash, id, kind: "harbormaster.audit.head"}; publicKey base64 DER SPKI). Record it, and later
 * `node scripts/verify-audit.mjs export.jsonl --public-key key.pem --head head.json` reports a rewrite or a
 * truncation of the events up to it. 409 when the events since the newest checkpoint do not verify.
 */
export const GET = apiHandler(async (ctx) => {
  requireApiPermission(ctx, 'audit.read');
  return signedHead(ctx.db);
});
