// WebAuthn for Gatehouse's pages (served as /assets/webauthn.js; no inline script: CSP is script-src 'self').
//
// A page marks a form:
//   <form method="post" data-webauthn="create" data-options='{"challenge":"…","user":{"id":"…",…},…}'>
//     <input type="hidden" name="csrf" …> <!-- the one CSRF token, as every form -->
//     <input type="hidden" name="clientDataJSON"> <input type="hidden" name="attestationObject">
//     <p data-webauthn-error hidden></p>
//     <button type="submit">Set up a security key</button>
//   </form>
// data-webauthn="get" takes assertion options and fills credentialId, authenticatorData, signature and userHandle.
// The options are what mfa/WebAuthn hands out: binary members as base64url text (challenge, user.id,
// excludeCredentials[].id, allowCredentials[].id). When the person clicks the button, this script calls
// navigator.credentials.create/get, fills the hidden inputs (base64url; created if missing) and submits the form as a
// normal POST. If the browser has no WebAuthn, refuses, or the person cancels, it shows a readable message in the
// form's [data-webauthn-error] element and does not submit.
(() => {
  'use strict';

  function toBuffer(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) {
      return '';
    }
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map((d) => Object.assign({}, d, { id: toBuffer(d.id) }));
  }

  function creationOptions(o) {
    const publicKey = Object.assign({}, o, {
      challenge: toBuffer(o.challenge),
      user: Object.assign({}, o.user, { id: toBuffer(o.user.id) }),
      excludeCredentials: descriptors(o.excludeCredentials),
    });
    return { publicKey };
  }

  function requestOptions(o) {
    const publicKey = Object.assign({}, o, {
      challenge: toBuffer(o.challenge),
      allowCredentials: descriptors(o.allowCredentials),
    });
    return { publicKey };
  }

  function field(form, name, value) {
    let input = form.querySelector(`input[name="${name}"]`);
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  function message(error) {
    if (!error) {
      return 'Your browser does not support security keys or passkeys. Try another browser or device.';
    }
    switch (error.name) {
      case 'NotAllowedError':
        return 'The request was cancelled or timed out. Try again when you are ready.';
      case 'InvalidStateError':
        return 'This security key or passkey is already set up for your account.';
      case 'SecurityError':
        return 'This page cannot use security keys here (the address does not match the one Gatehouse is set up for).';
      case 'NotSupportedError':
        return 'Your security key or device does not support what this site asks for. Try another one.';
      case 'AbortError':
        return 'The request was cancelled. Try again.';
      default:
        return 'The security key or passkey could not be used. Try again.';
    }
  }

  function showError(form, text) {
    const box = form.querySelector('[data-webauthn-error]');
    if (box) {
      box.textContent = text;
      box.hidden = false;
      box.setAttribute('role', 'alert');
    }
  }

  async function run(form) {
    const mode = form.dataset.webauthn;
    if (!window.PublicKeyCredential || !navigator.credentials) {
      showError(form, message(null));
      return;
    }
    let options;
    try {
      options = JSON.parse(form.dataset.options);
    } catch (e) {
      showError(form, 'This page is out of date. Reload it and try again.');
      return;
    }
    try {
      if (mode === 'create') {
        const credential = await navigator.credentials.create(creationOptions(options));
        field(form, 'clientDataJSON', toBase64url(credential.response.clientDataJSON));
        field(form, 'attestationObject', toBase64url(credential.response.attestationObject));
        if (typeof credential.response.getTransports === 'function') {
          field(form, 'transports', credential.response.getTransports().join(','));
        }
      } else {
        const credential = await navigator.credentials.get(requestOptions(options));
        field(form, 'credentialId', toBase64url(credential.rawId));
        field(form, 'clientDataJSON', toBase64url(credential.response.clientDataJSON));
        field(form, 'authenticatorData', toBase64url(credential.response.authenticatorData));
        field(form, 'signature', toBase64url(credential.response.signature));
        field(form, 'userHandle', toBase64url(credential.response.userHandle));
      }
    } catch (e) {
      showError(form, message(e));
      return;
    }
    form.dataset.webauthnDone = 'true';
    HTMLFormElement.prototype.submit.call(form);
  }

  document.addEventListener('submit', (event) => {
    const form = event.target.closest('form[data-webauthn]');
    if (!form || form.dataset.webauthnDone === 'true') {
      return;
    }
    event.preventDefault();
    const box = form.querySelector('[data-webauthn-error]');
    if (box) {
      box.hidden = true;
    }
    run(form);
  });
})();
