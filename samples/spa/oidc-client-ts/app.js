// A standard OpenID Connect client against Gatehouse: oidc-client-ts's UserManager, configured with nothing but
// the issuer (authority) and the app's own values, so every endpoint comes from discovery. One page does it all,
// because samples/spa/serve.mjs sends index.html of the folder for /oidc-client-ts/ whatever the query string:
//   /oidc-client-ts/?issuer=…&clientId=…   start (the configuration is remembered for this tab)
//   /oidc-client-ts/?code=…&state=…        sign-in callback: signinRedirectCallback() (code + PKCE exchange)
//   /oidc-client-ts/?state=…               sign-out callback: signoutRedirectCallback()
// Register redirect URI and post-logout redirect URI {origin}/oidc-client-ts/ on a Single-Page App integration,
// and the origin as a CORS trusted origin.
const app = document.getElementById('app');
const CONFIG_KEY = 'gatehouse-oidc-client-ts-config';
const HERE = window.location.origin + '/oidc-client-ts/';

function loadConfig() {
  const url = new URL(window.location.href);
  const issuer = url.searchParams.get('issuer');
  const clientId = url.searchParams.get('clientId');
  if (issuer || clientId) {
    const saved = JSON.parse(sessionStorage.getItem(CONFIG_KEY) || '{}');
    sessionStorage.setItem(CONFIG_KEY, JSON.stringify({ ...saved, ...(issuer && { issuer }), ...(clientId && { clientId }) }));
    window.history.replaceState(null, '', url.pathname);
  }
  return { issuer: 'http://localhost:9000/oauth2/default', ...JSON.parse(sessionStorage.getItem(CONFIG_KEY) || '{}') };
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
const button = (label, onclick) => el('button', { type: 'button', onclick }, label);
const table = (obj) => el('table', {}, Object.entries(obj).map(([k, v]) =>
  el('tr', {}, el('th', { scope: 'row' }, k), el('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v)))));

/** An error as people can read it: the OAuth error and its description when there is one. */
function errorBox(title, err) {
  console.error(title, err);
  const text = [err?.error, err?.error_description || err?.message || String(err)].filter(Boolean).join('\n');
  return el('section', { class: 'error', role: 'alert' }, el('h2', {}, title), el('pre', {}, text));
}

const config = loadConfig();
document.getElementById('issuer').textContent = `Issuer: ${config.issuer}`;
const userManager = config.clientId ? new oidc.UserManager({
  authority: config.issuer,
  client_id: config.clientId,
  redirect_uri: HERE,
  post_logout_redirect_uri: HERE,
  scope: 'openid profile email offline_access',
  response_type: 'code',
}) : null;

async function render(message) {
  const user = await userManager.getUser();
  const status = message ? el('p', { role: 'status' }, message) : null;
  if (!user || user.expired) {
    show(el('section', {}, el('h2', {}, 'Signed out'), status,
      button('Sign in', () => userManager.signinRedirect().catch((e) => app.prepend(errorBox('Sign-in could not start', e))))));
    return;
  }
  show(
    el('section', { id: 'tokens' }, el('h2', {}, `Signed in as ${user.profile.email || user.profile.sub}`), status,
      table({
        'Access token expires in': `${user.expires_in} s`,
        Scopes: user.scope,
        'Refresh token': user.refresh_token ? 'yes' : 'no',
      }),
      el('p', {}, button('Renew', renew), ' ', button('Sign out', signOut))),
    el('section', { id: 'profile' }, el('h2', {}, 'Profile (ID token claims)'), table(user.profile)));
}

async function renew() {
  try {
    await userManager.signinSilent(); // with a refresh token: the refresh_token grant, no iframe
    await render(`Renewed at ${new Date().toLocaleTimeString()}.`);
  } catch (e) {
    app.prepend(errorBox('Renewal failed', e));
  }
}

async function signOut() {
  try {
    await userManager.signoutRedirect({ state: 'signed-out' }); // state makes the return a sign-out callback
  } catch (e) {
    app.prepend(errorBox('Sign-out failed', e));
  }
}

async function start() {
  if (!userManager) {
    show(errorBox('Not configured', new Error('Open this page with ?issuer=…&clientId=… (a Single-Page App integration).')));
    return;
  }
  const params = new URLSearchParams(window.location.search);
  if (params.has('code') || params.has('error')) {
    try {
      await userManager.signinRedirectCallback();
    } finally {
      window.history.replaceState(null, '', window.location.pathname);
    }
    await render('Signed in.');
  } else if (params.has('state')) {
    await userManager.signoutRedirectCallback();
    window.history.replaceState(null, '', window.location.pathname);
    await render('You have signed out.');
  } else {
    await render();
  }
}

start().catch(async (e) => {
  await render().catch(() => show());
  app.prepend(errorBox('Something went wrong', e));
});
