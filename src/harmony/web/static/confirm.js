// The app's own question before an edit (templates/_confirm_dialog.html), on the pages that include it: the
// library's (delete a playlist or folder, add tracks a playlist already holds) and the Duplicates page's merge.
// A modal <dialog>: Esc or Cancel answers no, the keyboard goes back where it was, and a quoted name reads in its
// own direction (Harmony.sentence); the browser's own confirm() does none of that and looks like another program.
"use strict";

// Resolves with the chosen button's value ({ label, value, danger }), or null for Esc / Cancel.
window.HarmonyConfirm = (title, message, buttons) => {
  const { el, sentence } = window.Harmony;
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").replaceChildren(sentence(title));
  document.getElementById("confirm-message").replaceChildren(sentence(message));
  const returnTo = document.activeElement;
  return new Promise((resolve) => {
    let answer = null;
    document.getElementById("confirm-buttons").replaceChildren(...[...buttons, { label: "Cancel", value: null }]
      .map((b) => el("button", { type: "button", class: b.value === null ? "ghost" : b.danger ? "danger" : "",
        onclick: () => {
          answer = b.value;
          dialog.close();
        } }, b.label)));
    dialog.addEventListener("close", () => {
      if (returnTo && returnTo.isConnected) returnTo.focus();
      resolve(answer);
    }, { once: true });
    dialog.showModal();
    // A question that can destroy (Delete) starts on Cancel: Enter pressed out of habit keeps everything. Other
    // questions start on their first answer, as the dialog puts it.
    if (buttons.some((b) => b.danger)) document.getElementById("confirm-buttons").lastElementChild.focus();
  });
};
