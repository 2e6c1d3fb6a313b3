-- Signed checkpoints of the audit hash chain (issue 15, server/audit/signing.ts). Every 100 events, and at the
-- event that records the first use of a signing key, the console signs (event id, hash, time) with an Ed25519
-- key held outside the database; a database writer who recomputes the chain cannot produce these signatures.
-- No foreign key to audit_events: a deleted event must still leave its checkpoint behind as evidence.
CREATE TABLE audit_checkpoints (
  id bigserial PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE,
  hash text NOT NULL,
  signature text NOT NULL,
  -- base64 DER SubjectPublicKeyInfo of the key that signed (it must also be trusted by the verifier).
  public_key text NOT NULL,
  at timestamptz NOT NULL
);
