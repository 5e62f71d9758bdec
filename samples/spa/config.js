// Where the sample signs in. Edit these two values, or open the app with
// ?issuer=...&clientId=... (the query string wins and is remembered for this tab).
export default {
  // The default custom authorization server of a local `./gatehouse serve`.
  issuer: 'http://localhost:9000/oauth2/default',
  // The Client ID of your Single-Page App integration (Admin Console › Applications › your app).
  clientId: '{yourClientId}',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
};
