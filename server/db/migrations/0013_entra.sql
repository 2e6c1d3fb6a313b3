-- Sign-in with Microsoft Entra ID (or any OpenID Connect issuer) through msal-node (issue 16, server/auth/entra*.ts).

-- Where a grant came from. NULL / 'manual': set in Harbormaster (console, API, admin CLI). 'entra:role:<app role>'
-- or 'entra:group:<group id>': applied from the ID token at sign-in, and re-applied (or removed) at every sign-in.
ALTER TABLE users ADD COLUMN global_role_source text;
ALTER TABLE memberships ADD COLUMN source text NOT NULL DEFAULT 'manual';

-- A sign-in in flight: the browser was sent to the issuer with `state`; the callback must come back with it,
-- in the same browser (browser_hash: SHA-256 of a short-lived cookie), once, within 10 minutes. The PKCE
-- verifier and the nonce never leave the server (the verifier is encrypted at rest).
CREATE TABLE oidc_logins (
  state_hash text PRIMARY KEY,
  browser_hash text NOT NULL,
  nonce text NOT NULL,
  code_verifier_enc text NOT NULL,
  next_path text NOT NULL DEFAULT '/',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- An Entra sign-in whose email belongs to an existing local account: never merged silently. It waits for the
-- local account's password (the same browser, token_hash = SHA-256 of its cookie) or an ops admin's link.
CREATE TABLE identity_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider text NOT NULL,
  subject text NOT NULL,
  email text NOT NULL,
  display_name text NOT NULL DEFAULT '',
  -- The mapped claims of that sign-in (roles, groups): applied when the link is made.
  claims jsonb NOT NULL,
  token_hash text NOT NULL,
  -- msal-node's token cache of that sign-in (encrypted), handed to the session the password confirmation opens.
  token_cache_enc text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  linked_at timestamptz,
  linked_by text,
  UNIQUE (provider, subject)
);

-- msal-node's token cache of a browser session (encrypted; the cookie still holds only the session id): the
-- refresh token that renews the ARM-scoped access token silently. Deleted with the session's sign-out.
CREATE TABLE session_token_caches (
  session_id_hash text PRIMARY KEY REFERENCES sessions(id_hash) ON DELETE CASCADE,
  home_account_id text NOT NULL,
  cache_enc text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
