"""Single sign-on for HR users with OpenID Connect (``ALLYPATH_OIDC_*``; off by default).

mozilla-django-oidc runs the authorization code flow (state, nonce and PKCE in the session, the token
exchange, the ID token's signature against the provider's JWKS, userinfo). What this package adds:

- the provider's endpoints from its discovery document, read when first needed (not at start-up, so
  a provider that is down never stops the app or the password sign-in);
- the ID token's issuer and audience, and userinfo's subject, checked as OpenID Connect Core requires;
- accounts matched by **verified** e-mail to existing HR accounts only: the provider never creates an
  account, a membership or a role, and accounts with Django admin rights keep to their password;
- a plain reason on the sign-in page for every refusal, and each sign-in, refusal and sign-out in the
  audit log (never a code or token).
"""
