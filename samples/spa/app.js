// The sample SPA: okta-auth-js (global OktaAuth from index.html) and a few routes, no framework.
//   /                 home: Sign in, or who is signed in
//   /login/callback   handleLoginRedirect(): code exchange at /token, tokens into localStorage
//   /profile          ID token claims, getUser() (/userinfo), access token expiry, Renew now, Sign out
import defaults from './config.js';

const app = document.getElementById('app');
const CONFIG_KEY = 'gatehouse-sample-spa-config';

/**
 * issuer, clientId, scopes and acrValues: the query string (remembered for this tab), else sessionStorage, else config.js.
 * scopes is space-separated, e.g. ?scopes=openid%20profile%20email (without offline_access there is no refresh
 * token, so okta-auth-js renews in a hidden iframe instead). acrValues asks every sign-in for a level of assurance,
 * e.g. ?acrValues=urn:okta:loa:2fa:any (two factors).
 */
function loadConfig() {
  const url = new URL(window.location.href);
  const issuer = url.searchParams.get('issuer');
  const clientId = url.searchParams.get('clientId');
  const scopes = url.searchParams.get('scopes')?.split(/[\s,]+/).filter(Boolean);
  const acrValues = url.searchParams.get('acrValues');
  if (issuer || clientId || scopes?.length || acrValues) {
    const saved = JSON.parse(sessionStorage.getItem(CONFIG_KEY) || '{}');
    sessionStorage.setItem(CONFIG_KEY, JSON.stringify({ ...saved, ...(issuer && { issuer }), ...(clientId && { clientId }),
      ...(scopes?.length && { scopes }), ...(acrValues && { acrValues }) }));
    url.searchParams.delete('issuer');
    url.searchParams.delete('clientId');
    url.searchParams.delete('scopes');
    url.searchParams.delete('acrValues');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return { ...defaults, ...JSON.parse(sessionStorage.getItem(CONFIG_KEY) || '{}') };
}

const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  e.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return e;
};

const show = (...nodes) => app.replaceChildren(...nodes);

/** An error as people can read it: okta-auth-js's errorCode/errorSummary, or the OAuth error and its description. */
function errorBox(title, err) {
  const lines = [];
  if (err?.name && err.name !== 'Error') lines.push(`${err.name}${err.errorCode ? ` (${err.errorCode})` : ''}`);
  lines.push(err?.errorSummary || err?.message || String(err));
  if (err?.error_description && !lines.includes(err.error_description)) lines.push(err.error_description);
  for (const c of err?.errorCauses || []) lines.push(`- ${c.errorSummary || JSON.stringify(c)}`);
  console.error(title, err);
  return el('section', { class: 'error', role: 'alert' }, el('h2', {}, title), el('pre', {}, lines.join('\n')));
}

const table = (obj) => el('table', {}, Object.entries(obj).map(([k, v]) =>
  el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v)))));

const config = loadConfig();
document.getElementById('issuer').textContent = `Issuer: ${config.issuer}`;

let authClient;
try {
  if (!config.clientId || config.clientId.startsWith('{')) {
    throw new Error('No client ID yet: set clientId in samples/spa/config.js, or open this page with ?issuer=…&clientId=… '
      + '(the Client ID of a Single-Page App (SPA) integration whose Login redirect URI is ' + window.location.origin + '/login/callback).');
  }
  authClient = new OktaAuth.OktaAuth({
    issuer: config.issuer,
    clientId: config.clientId,
    scopes: config.scopes,
    ...(config.acrValues && { acrValues: config.acrValues }),
    redirectUri: window.location.origin + '/login/callback',
    postLogoutRedirectUri: window.location.origin,
    // After the callback, go back to where sign-in started without reloading the page.
    restoreOriginalUri: async (_client, originalUri) => {
      window.history.replaceState(null, '', originalUri ? new URL(originalUri, window.location.origin).pathname : '/profile');
    },
  });
} catch (e) {
  show(errorBox('The app is not configured', e));
}

function signIn(originalUri) {
  return authClient.signInWithRedirect({ originalUri }).catch((e) => show(errorBox('Sign-in could not start', e), home()));
}

/** Step-up: sign in again asking for two factors; the existing session only has to add the second one. */
const TWO_FACTORS = 'urn:okta:loa:2fa:any';
function stepUp() {
  return authClient.signInWithRedirect({ originalUri: '/profile', acrValues: TWO_FACTORS })
    .catch((e) => app.prepend(errorBox('Step-up could not start', e)));
}

function signInButton(originalUri = '/profile') {
  return el('button', { type: 'button', onclick: () => signIn(originalUri) }, 'Sign in');
}

function home() {
  return el('section', {},
    el('h2', {}, 'Welcome'),
    el('p', { class: 'notice' }, 'This single-page app signs in with okta-auth-js: authorization code with PKCE, '
      + 'refresh tokens with rotation, and sign-out through /v1/logout.'),
    signInButton());
}

async function renderHome() {
  if (await authClient.isAuthenticated()) {
    const { idToken } = await authClient.tokenManager.getTokens();
    show(el('section', {}, el('h2', {}, 'Welcome back'),
      el('p', {}, 'Signed in as ', el('strong', { id: 'who' }, idToken.claims.email || idToken.claims.sub), '. ',
        el('a', { href: '/profile' }, 'See your profile'), '.')));
  } else {
    show(home());
  }
}

async function renderProfile(message) {
  if (!(await authClient.isAuthenticated())) {
    show(el('section', {}, el('h2', {}, 'Profile'), el('p', {}, 'You are signed out.'), signInButton('/profile')));
    return;
  }
  const { idToken, accessToken, refreshToken } = await authClient.tokenManager.getTokens();
  const expires = new Date(accessToken.expiresAt * 1000);
  const amr = idToken.claims.amr || [];
  const assurance = el('section', { id: 'assurance', 'aria-label': 'How you signed in' }, el('h2', {}, 'How you signed in'),
    table({
      'Methods (amr)': amr.join(', '),
      'Assurance (acr)': idToken.claims.acr || '(none asked)',
    }),
    amr.includes('mfa') ? null : el('p', {},
      el('button', { type: 'button', class: 'secondary', onclick: stepUp }, 'Verify with a second factor')));
  const tokens = el('section', { id: 'tokens', 'aria-label': 'Access token' }, el('h2', {}, 'Access token'),
    table({
      'Expires at': `${expires.toLocaleString()} (in ${Math.round((expires - Date.now()) / 1000)} s)`,
      Scopes: accessToken.scopes.join(' '),
      'Refresh token': refreshToken ? 'yes (renewals use the refresh grant)' : 'no (renewals would need a hidden iframe)',
    }),
    message ? el('p', { role: 'status' }, message) : null,
    el('p', {},
      el('button', { type: 'button', class: 'secondary', onclick: renew }, 'Renew now'), ' ',
      el('button', { type: 'button', onclick: signOut }, 'Sign out')));
  const userinfo = el('section', { id: 'userinfo', 'aria-label': 'User info' }, el('h2', {}, 'User info (getUser → /userinfo)'), el('p', {}, 'Loading…'));
  show(assurance, tokens, el('section', { id: 'claims', 'aria-label': 'ID token claims' }, el('h2', {}, 'ID token claims'), table(idToken.claims)), userinfo);
  try {
    const { headers, ...claims } = await authClient.getUser(); // okta-auth-js adds the response headers
    userinfo.replaceChildren(el('h2', {}, 'User info (getUser → /userinfo)'), table(claims));
  } catch (e) {
    userinfo.replaceWith(errorBox('Could not read /userinfo', e));
  }
}

async function renew() {
  try {
    await authClient.tokenManager.renew('accessToken');
    await renderProfile(`Tokens renewed at ${new Date().toLocaleTimeString()}.`);
  } catch (e) {
    app.prepend(errorBox('Renewal failed', e));
  }
}

async function signOut() {
  try {
    await authClient.signOut(); // revokes the refresh and access tokens, then goes through /v1/logout
  } catch (e) {
    app.prepend(errorBox('Sign-out failed', e));
  }
}

let started = false;

async function route() {
  const path = window.location.pathname;
  if (path === '/login/callback') {
    try {
      await authClient.handleLoginRedirect();
    } catch (e) {
      show(errorBox('Sign-in failed', e), home());
      window.history.replaceState(null, '', '/');
      return;
    }
  }
  if (!started) {
    started = true;
    await authClient.start(); // token manager: clears tokens left by signOut(), renews them as they expire
  }
  if (window.location.pathname === '/profile') await renderProfile(); else await renderHome();
}

if (authClient) {
  document.addEventListener('click', (e) => { // in-app links without reloading the page
    const a = e.target.closest('a[href^="/"]');
    if (a && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      window.history.pushState(null, '', a.getAttribute('href'));
      route().catch((err) => show(errorBox('Something went wrong', err)));
    }
  });
  window.addEventListener('popstate', () => route().catch((err) => show(errorBox('Something went wrong', err))));
  route().catch((e) => show(errorBox('Something went wrong', e)));
}
