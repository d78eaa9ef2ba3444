// The app's own question before an edit (templates/_confirm_dialog.html), on the pages that include it: the
// library's (delete a playlist or folder, add tracks a playlist already holds) and the Duplicates page's merge.
// A modal <dialog>: Esc or Cancel answers no, the keyboard goes back where it was, and a quoted name reads in its
// own direction (Harmony.sentence); the browser's own confirm() does none of that and looks like another program.
"use strict";

// Resolves with the chosen button's value ({ label, value, danger, careful }), or null for Esc / Cancel.
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
    // The keyboard starts on the first answer an Enter pressed out of habit may give: not one that destroys
    // (danger: Delete) nor one marked careful (add a track again); with none such, on Cancel, which keeps all.
    const row = document.getElementById("confirm-buttons").children;
    const start = buttons.findIndex((b) => !b.danger && !b.careful);
    row[start === -1 ? row.length - 1 : start].focus();
  });
};
