// Why a sign-in with Microsoft (Entra ID or another OpenID Connect issuer) was refused: the reason code travels in
// the login page's URL (`/login?error=<code>`), the sentence is shown there. The audit log has the details.
export const SIGN_IN_ERRORS = {
  state: 'This sign-in link is not valid any more: it was used already, expired (10 minutes), or was started in another browser. Start again.',
  issuer: 'The identity provider did not sign you in (you may have cancelled). Start again, or ask your administrator.',
  code: 'The identity provider refused to complete this sign-in (the authorization code was used already or expired). Start again.',
  id_token: 'The identity provider answered with an ID token that Harbormaster cannot trust (wrong signature, audience, issuer or nonce, or expired). Nobody was signed in; your administrator can see the details in the audit log.',
  unmapped: 'Your Microsoft account has no Harbormaster role. Ask your administrator to assign you the OpsAdmin, DataScientist or Auditor app role.',
  disabled: 'This Harbormaster account is disabled. Ask an ops admin.',
  no_email: 'The identity provider did not send an email address for your account, so Harbormaster cannot name it. Ask your administrator.',
  unavailable: 'The identity provider could not be reached. Try again in a moment.',
  not_configured: 'Sign-in with Microsoft is not configured on this console.',
  link_expired: 'The account link waited too long (15 minutes) or was already used. Sign in with Microsoft again.',
} as const;

export type SignInError = keyof typeof SIGN_IN_ERRORS;

export function signInErrorText(code: string | undefined | null): string | null {
  return code && Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code as SignInError] : null;
}
