// Cadence: small keyboard and feedback helpers around htmx. Everything works without this
// file (forms post and pages reload); it only makes the inline check-in pleasant.
(function () {
  "use strict";

  function slotOf(krId) {
    return document.getElementById("kr-" + krId + "-slot");
  }

  function openButtonOf(krId) {
    return document.querySelector('[data-checkin-open="' + krId + '"]');
  }

  function closeCheckIn(krId) {
    var slot = slotOf(krId);
    if (slot) slot.innerHTML = "";
    var button = openButtonOf(krId);
    if (button) button.focus();
  }

  function announce(text) {
    var live = document.getElementById("live");
    if (live) live.textContent = text;
  }

  // Print buttons (hidden without this file, which shows them).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Cancel (a link back to the page without JavaScript) closes the inline form instead.
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-checkin-cancel]");
    if (!cancel || !cancel.closest(".kr__slot")) return;
    event.preventDefault();
    closeCheckIn(cancel.getAttribute("data-checkin-cancel"));
  });

  // Escape closes the inline form too.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("[data-checkin-form]");
    if (!form || !form.closest(".kr__slot")) return;
    event.preventDefault();
    closeCheckIn(form.getAttribute("data-checkin-form"));
  });

  // After a check-in is saved the key result is replaced: give focus back to its button.
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id || !/^kr-[0-9a-f-]+$/.test(target.id)) return;
    var krId = target.id.slice(3);
    var button = openButtonOf(krId);
    if (button && document.activeElement === document.body) button.focus();
  });

  // Answers htmx does not swap (403, 404, 500) or no answer at all: say so where the user is.
  function showError(event, text) {
    var elt = event.detail && event.detail.elt;
    var kr = elt && elt.closest && elt.closest(".kr");
    var slot = kr && kr.querySelector(".kr__slot");
    if (slot) {
      slot.innerHTML = "";
      var p = document.createElement("p");
      p.className = "form-errors";
      p.setAttribute("role", "alert");
      p.textContent = text;
      slot.appendChild(p);
    }
    announce(text);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text =
      status === 403
        ? "You are not allowed to do this."
        : status === 404
          ? "This key result no longer exists. Reload the page."
          : "Something went wrong (" + status + "). Nothing was saved; try again.";
    showError(event, text);
  });

  document.addEventListener("htmx:sendError", function (event) {
    showError(event, "The server could not be reached. Nothing was saved; try again.");
  });
})();

// Weekly update board: focus after a change, announcements, Escape to cancel an edit, and
// drag-and-drop between columns (the Done / Stuck / Move buttons remain the accessible path).
(function () {
  "use strict";

  function board() {
    return document.getElementById("weekly-board");
  }

  function focusFromBoard() {
    var b = board();
    if (!b) return;
    var focus = b.getAttribute("data-focus") || "";
    var el = null;
    if (focus.indexOf("add-") === 0) {
      el = document.getElementById(focus + "-text");
    } else if (focus.indexOf("item-") === 0) {
      var item = document.getElementById(focus);
      el = item && (item.querySelector("button, a[href]") || item);
    } else if (focus === "deleted") {
      el = b.querySelector("[data-undo]");
    }
    if (el) el.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "weekly-board") focusFromBoard();
    var editing = elt && elt.matches && elt.matches(".weekly-item--editing");
    if (editing) {
      var input = elt.querySelector("input[type=text]");
      if (input) input.focus();
    }
  });

  // A page rendered with errors (no JavaScript round trip) also puts focus at the form.
  document.addEventListener("DOMContentLoaded", function () {
    var b = board();
    if (b && b.querySelector(".field--error, .form-errors")) focusFromBoard();
  });

  document.addEventListener("weekly:changed", function (event) {
    var live = document.getElementById("live");
    if (live && event.detail && event.detail.message) live.textContent = event.detail.message;
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("[data-weekly-edit]");
    if (!form) return;
    var cancel = form.querySelector("[data-weekly-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  // Drag and drop ----------------------------------------------------------------------------
  var dragged = null;

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (e) {
      return {};
    }
  }

  function dropPosition(column, y) {
    var items = Array.prototype.filter.call(
      column.querySelectorAll(".weekly-item"),
      function (el) { return el !== dragged; }
    );
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) return i;
    }
    return items.length;
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest(".weekly-item[data-move-url]");
    if (!item) return;
    dragged = item;
    item.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-item-text") || "");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    document.querySelectorAll(".is-drop-target").forEach(function (el) {
      el.classList.remove("is-drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var column = event.target.closest && event.target.closest("[data-drop-target]");
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".is-drop-target").forEach(function (el) {
      if (el !== column) el.classList.remove("is-drop-target");
    });
    column.classList.add("is-drop-target");
  });

  document.addEventListener("drop", function (event) {
    if (!dragged || !window.htmx) return;
    var column = event.target.closest && event.target.closest("[data-drop-target]");
    if (!column) return;
    event.preventDefault();
    var item = dragged;
    var position = dropPosition(column, event.clientY);
    htmx.ajax("POST", item.getAttribute("data-move-url"), {
      source: item,
      target: "#weekly-board",
      swap: "outerHTML",
      headers: csrfHeaders(),
      values: { category: column.getAttribute("data-category"), position: String(position) },
    });
  });
})();

// Typing or selecting text in a field inside a draggable item must not start a drag.
(function () {
  "use strict";
  function toggle(event, on) {
    var field = event.target.closest && event.target.closest("input, textarea, select, button, a");
    var item = field && field.closest(".weekly-item[data-move-url]");
    if (item) item.setAttribute("draggable", on ? "true" : "false");
  }
  document.addEventListener("pointerdown", function (event) { toggle(event, false); });
  document.addEventListener("focusin", function (event) { toggle(event, false); });
  document.addEventListener("pointerup", function (event) { toggle(event, true); });
  document.addEventListener("focusout", function (event) { toggle(event, true); });
})();

// A section an htmx form swapped (data-refocus on it): keyboard focus goes to the first field
// with an error, else to the element marked data-refocus-here (the field to type the next one
// in), so the keyboard never falls back to the top of the page.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    // An outerHTML swap replaced the target: find its successor by id.
    var target = event.detail && event.detail.target;
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    var candidates = [event.target, target];
    var section = null;
    for (var i = 0; i < candidates.length && !section; i++) {
      var elt = candidates[i];
      if (elt && elt.closest) section = elt.closest("[data-refocus]");
    }
    if (!section) return;
    var field = section.querySelector('[aria-invalid="true"]') ||
      section.querySelector("[data-refocus-here]");
    if (field) field.focus();
  });
})();
