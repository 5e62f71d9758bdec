// A web app signed in through @okta/oidc-middleware's custom login page mode (routes.login.viewHandler), for
// ExpressMiddlewareTest: GET /login renders this app's own page with the middleware's CSRF token; the page gets a
// sessionToken from the issuer's Authentication API (POST {org}/api/v1/authn) and form-POSTs it with _csrf to /login;
// the middleware then redirects to {issuer}/v1/authorize?...&response_type=code&sessionToken=..., and its
// /authorization-code/callback exchanges the code with the client secret.
//
// Configuration, each from --name=value on the command line or else the environment variable in brackets:
//   --issuer (ISSUER)                 e.g. https://localhost:8443/oauth2/default; an http:// issuer needs
//   --disable-https-check=true (DISABLE_HTTPS_CHECK), the middleware's own testing.disableHttpsCheck
//   --client-id (CLIENT_ID), --client-secret (CLIENT_SECRET)   the web app's credentials
//   --app-base-url (APP_BASE_URL)     default http://localhost:<port>; the redirect URI is <this>/authorization-code/callback
//   --port (PORT)                     default 3000;  --host (HOST) default 127.0.0.1
// A self-signed issuer certificate is trusted with Node's NODE_EXTRA_CA_CERTS=<the PEM file>.
// Prints "express-custom-login ready on <appBaseUrl>" once the middleware has read the issuer's discovery document
// and the app listens; exits 1 when the middleware cannot start (e.g. discovery fails).
'use strict';

const express = require('express');
const session = require('express-session');
const crypto = require('crypto');
const { ExpressOIDC } = require('@okta/oidc-middleware');

function setting(name, envName, fallback) {
  const prefix = `--${name}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix));
  if (arg) return arg.substring(prefix.length);
  if (process.env[envName]) return process.env[envName];
  if (fallback !== undefined) return fallback;
  console.error(`express-custom-login: --${name} (or ${envName}) is required`);
  process.exit(2);
}

const issuer = setting('issuer', 'ISSUER');
const clientId = setting('client-id', 'CLIENT_ID');
const clientSecret = setting('client-secret', 'CLIENT_SECRET');
const port = Number(setting('port', 'PORT', '3000'));
const host = setting('host', 'HOST', '127.0.0.1');
const appBaseUrl = setting('app-base-url', 'APP_BASE_URL', `http://localhost:${port}`);
const disableHttpsCheck = setting('disable-https-check', 'DISABLE_HTTPS_CHECK', 'false') === 'true';
// The Authentication API lives on the org, whatever the authorization server: the issuer's origin.
const org = new URL(issuer).origin;

function html(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// The custom login page. Its form carries the two fields the middleware reads on POST /login: _csrf and sessionToken.
// In a browser the script gets the sessionToken from the Authentication API (the issuer must list this app's origin
// as a CORS trusted origin); a test may do that step itself and post the form fields directly.
function loginPage(req, res) {
  res.type('html').send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in</title></head>
<body>
<h1>Sign in</h1>
<form id="credentials">
  <label>Username <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
  <p id="error" role="alert"></p>
</form>
<form id="session" method="post" action="/login">
  <input type="hidden" name="_csrf" value="${html(req.csrfToken())}">
  <input type="hidden" name="sessionToken" value="">
</form>
<script>
  document.getElementById('credentials').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const r = await fetch(${JSON.stringify(org + '/api/v1/authn')}, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, credentials: 'include',
      body: JSON.stringify({ username: form.username.value, password: form.password.value })
    });
    const body = await r.json();
    if (body.status !== 'SUCCESS') {
      document.getElementById('error').textContent = body.errorSummary || body.status;
      return;
    }
    const session = document.getElementById('session');
    session.sessionToken.value = body.sessionToken;
    session.submit();
  });
</script>
</body>
</html>`);
}

const oidc = new ExpressOIDC({
  issuer,
  client_id: clientId,
  client_secret: clientSecret,
  appBaseUrl,
  scope: 'openid profile email',
  routes: { login: { viewHandler: loginPage } },
  testing: { disableHttpsCheck }
});

const app = express();
app.use(session({
  secret: process.env.SESSION_SECRET || crypto.randomBytes(32).toString('hex'),
  resave: false,
  saveUninitialized: false
}));
app.use(oidc.router);

// The post-login page (the middleware's default redirect after its callback).
app.get('/', (req, res) => {
  const user = req.userContext && req.userContext.userinfo;
  res.type('html').send(user
    ? `<!doctype html><p>Signed in as <span id="sub">${html(user.sub)}</span>. <a href="/profile">Profile</a></p>`
    : '<!doctype html><p>Not signed in. <a href="/login">Sign in</a></p>');
});

app.get('/profile', oidc.ensureAuthenticated(), (req, res) => {
  const { userinfo, tokens } = req.userContext;
  res.json({
    sub: userinfo.sub,
    email: userinfo.email,
    preferred_username: userinfo.preferred_username,
    // The session store keeps the token set as plain JSON, so the claims are read from the ID token itself.
    idTokenClaims: JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString())
  });
});

oidc.on('ready', () => {
  const server = app.listen(port, host, () => console.log(`express-custom-login ready on ${appBaseUrl}`));
  server.on('error', (err) => {
    console.error(`express-custom-login: cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
});

oidc.on('error', (err) => {
  console.error(`express-custom-login: the middleware could not start: ${err.stack || err}`);
  process.exit(1);
});
