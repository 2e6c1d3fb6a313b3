-- Entra-enabled AKS clusters (issue 17; server/azure/aks-token.ts): such a cluster is registered with
-- auth_method = 'entraToken' — its stored kubeconfig keeps ARM's cluster entry (server, CA) and no user credential,
-- and every call carries a token of the AKS AAD server application obtained through azure_connection_id.
-- For a connection of kind `user`, the Microsoft sign-in the tokens are renewed with: the session of the person who
-- registered the cluster or last refreshed its credentials (its id hash, AES-256-GCM, purpose
-- `cluster:<id>:azure-session`); tokens fail once that session has ended, until someone refreshes the credentials.
ALTER TABLE clusters ADD COLUMN azure_session_enc text;
