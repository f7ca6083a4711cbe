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
