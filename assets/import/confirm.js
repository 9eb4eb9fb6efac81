// @ts-check
/** The page's one question: a modal dialog that asks before a destructive action. */

import { el } from './dom.js';

/**
 * @typedef {object} Question
 * @property {string} title
 * @property {string} text what will happen, in words
 * @property {string} confirm the label of the button that goes ahead
 * @property {string} [dismiss] the label of the button that declines ("Cancel" unless given)
 */

/**
 * Asks in a modal dialog; resolves true for the confirm button, false for the other or Escape. Focus
 * starts on the declining button and goes back to where it was when the dialog closes.
 * @param {Question} question
 * @returns {Promise<boolean>}
 */
export function confirmAction({ title, text, confirm, dismiss = 'Cancel' }) {
  const dialog = el['confirm-dialog'];
  if (dialog.open) return Promise.resolve(false); // one question at a time
  const opener = document.activeElement;
  el['confirm-title'].textContent = title;
  el['confirm-text'].textContent = text;
  el['confirm-ok'].textContent = confirm;
  el['confirm-cancel'].textContent = dismiss;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    const onClose = () => {
      // The close event is dispatched later than the dialog closes: one still queued from the last
      // question (answered with Escape, then this one asked at once) finds this one open.
      if (dialog.open) return;
      dialog.removeEventListener('close', onClose);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(dialog.returnValue === 'ok');
    };
    dialog.addEventListener('close', onClose);
    dialog.showModal();
  });
}

/** Closes a question left open (the session ended meanwhile): it is declined. */
export function dismissQuestion() {
  const dialog = el['confirm-dialog'];
  if (dialog.open) dialog.close('');
}
