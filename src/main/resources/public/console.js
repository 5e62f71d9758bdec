// Small progressive enhancements for the Admin Console (no framework; pages work without it).
document.addEventListener('click', async (event) => {
  const copy = event.target.closest('[data-copy]');
  if (copy) {
    const target = document.getElementById(copy.dataset.copy);
    const text = target.value !== undefined ? target.value : target.textContent;
    try {
      await navigator.clipboard.writeText(text.trim());
      copy.textContent = 'Copied';
    } catch (e) {
      if (target.select) { target.select(); }
      copy.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => { copy.textContent = 'Copy'; }, 2000);
  }
  const confirmButton = event.target.closest('[data-confirm]');
  if (confirmButton && !window.confirm(confirmButton.dataset.confirm)) {
    event.preventDefault();
  }
});
// A list of URIs (e.g. Login redirect URIs): "+ Add URI" adds a row, Remove removes one; the rows stay numbered
// ("Login redirect URI 2"), so each keeps a name people and screen readers can tell apart.
function numberRows(list) {
  list.querySelectorAll('.uri-row:not(.row-template) input').forEach((input, i) => {
    input.setAttribute('aria-label', `${list.dataset.label} ${i + 1}`);
  });
}
document.addEventListener('click', (event) => {
  const add = event.target.closest('[data-add-row]');
  if (add) {
    const list = document.getElementById(add.dataset.addRow);
    const template = list.querySelector('.row-template');
    const row = template.cloneNode(true);
    row.classList.remove('row-template');
    row.hidden = false;
    row.querySelectorAll('input').forEach((input) => { input.value = ''; input.disabled = false; });
    list.insertBefore(row, template);
    numberRows(list);
    row.querySelector('input').focus();
  }
  const remove = event.target.closest('[data-remove-row]');
  if (remove) {
    const list = remove.closest('.uri-list');
    remove.closest('.uri-row').remove();
    numberRows(list);
  }
});
