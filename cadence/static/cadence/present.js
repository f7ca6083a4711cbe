// Cadence: the weekly meeting on a screen (meetings/present.html). Without this file every
// slide is a page of its own (?slide=N) with next and previous links, and the notes are saved
// with their button. With it: the slides change in place (so full screen, the timer and the
// notes being typed all stay), the keyboard moves between them, a timer counts the meeting
// down, and the notes are saved as they are typed.
(function () {
  "use strict";

  var root = document.querySelector("[data-present]");
  if (!root) return;

  var slides = Array.prototype.slice.call(document.querySelectorAll("[data-slide]"));
  var count = slides.length;
  var slideUrl = root.getAttribute("data-slide-url");
  var leaveUrl = root.getAttribute("data-leave-url");
  var prev = document.querySelector('[data-step="-1"]');
  var next = document.querySelector('[data-step="1"]');
  var countNow = document.querySelector("[data-count-now]");
  var dots = Array.prototype.slice.call(document.querySelectorAll("[data-goto]"));
  var slidesBox = document.getElementById("slides");
  var baseTitle = document.title;

  function currentNumber() {
    for (var i = 0; i < count; i++) {
      if (!slides[i].hidden) return i + 1;
    }
    return 1;
  }

  function setLink(link, number) {
    if (number >= 1 && number <= count) {
      link.setAttribute("href", slideUrl + number);
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }

  function show(number, push) {
    number = Math.max(1, Math.min(count, number));
    if (number === currentNumber() && !push) return;
    saveNotes(false);
    slides.forEach(function (slide, i) {
      slide.hidden = i + 1 !== number;
    });
    dots.forEach(function (dot) {
      if (Number(dot.getAttribute("data-goto")) === number) {
        dot.setAttribute("aria-current", "step");
      } else {
        dot.removeAttribute("aria-current");
      }
    });
    setLink(prev, number - 1);
    setLink(next, number + 1);
    if (countNow) countNow.textContent = String(number);
    if (notesForm) notesForm.setAttribute("action", slideUrl + number);
    var title = slides[number - 1].getAttribute("data-title");
    document.title = title + " · " + baseTitle;
    if (push !== false) history.pushState({ slide: number }, "", slideUrl + number);
    slidesBox.scrollTop = 0;
  }

  function step(by) {
    show(currentNumber() + by);
  }

  // Links: the same moves, in place.
  [prev, next].forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      step(Number(link.getAttribute("data-step")));
    });
  });
  dots.forEach(function (dot) {
    dot.addEventListener("click", function (event) {
      event.preventDefault();
      show(Number(dot.getAttribute("data-goto")));
    });
  });
  window.addEventListener("popstate", function (event) {
    var number = event.state && event.state.slide;
    if (!number) {
      var match = /[?&]slide=(\d+)/.exec(location.search);
      number = match ? Number(match[1]) : 1;
    }
    show(number, false);
  });
  history.replaceState({ slide: currentNumber() }, "", location.href);

  // Full screen on a button press (and F); the layout fills the window anyway.
  var fullscreen = document.querySelector("[data-fullscreen]");
  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }
  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", toggleFullscreen);
    document.addEventListener("fullscreenchange", function () {
      fullscreen.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen";
    });
  }

  function leave() {
    saveNotes(true);
    window.location.href = leaveUrl;
  }

  var keysHint = document.querySelector("[data-keys]");
  if (keysHint) keysHint.hidden = false;

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    var typing =
      target &&
      (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.isContentEditable);
    if (typing) {
      // Escape stops typing the notes: the keys move the slides again.
      if (event.key === "Escape") {
        event.preventDefault();
        saveNotes(false);
        target.blur();
        slidesBox.focus();
      }
      return;
    }
    var onControl = target && (target.tagName === "BUTTON" || target.tagName === "A");
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
        event.preventDefault();
        step(1);
        break;
      case "ArrowLeft":
      case "PageUp":
        event.preventDefault();
        step(-1);
        break;
      case " ":
        if (onControl) return; // space presses the button or link in focus
        event.preventDefault();
        step(event.shiftKey ? -1 : 1);
        break;
      case "Home":
        event.preventDefault();
        show(1);
        break;
      case "End":
        event.preventDefault();
        show(count);
        break;
      case "f":
      case "F":
        if (fullscreen && !fullscreen.hidden) {
          event.preventDefault();
          toggleFullscreen();
        }
        break;
      case "Escape":
        // In full screen the browser leaves full screen first; the next Escape leaves.
        if (!document.fullscreenElement) {
          event.preventDefault();
          leave();
        }
        break;
    }
  });

  // The timer: counts the meeting down from its length, then up past it as over time, in a
  // warning colour with its words. Kept per team and week in the tab (a reload goes on).
  var timer = document.querySelector("[data-timer]");
  var clock = document.querySelector("[data-timer-clock]");
  var label = document.querySelector("[data-timer-label]");
  var actions = document.querySelector("[data-timer-actions]");
  var pause = document.querySelector("[data-timer-pause]");
  var restart = document.querySelector("[data-timer-restart]");
  var minutes = Number(root.getAttribute("data-timer-minutes")) || 15;
  var key = "cadence:meeting-timer:" + root.getAttribute("data-timer-key");
  var state = read();

  function read() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(key) || "null");
      if (saved && typeof saved.before === "number") return saved;
    } catch (e) {
      /* a tab without storage starts afresh */
    }
    return { before: 0, since: Date.now() };
  }

  function write() {
    try {
      sessionStorage.setItem(key, JSON.stringify(state));
    } catch (e) {
      /* kept in memory only */
    }
  }

  function elapsed() {
    return state.before + (state.since ? Date.now() - state.since : 0);
  }

  function two(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(ms) {
    var seconds = Math.floor(ms / 1000);
    return two(Math.floor(seconds / 60)) + ":" + two(seconds % 60);
  }

  function tick() {
    var left = minutes * 60000 - elapsed();
    var over = left < 0;
    var ending = !over && left <= 120000;
    clock.textContent = over ? "+" + format(-left) : format(left + 999);
    label.textContent = over ? "Over time" : ending ? "Last minutes" : state.since ? "Time left" : "Paused";
    timer.classList.toggle("present__timer--over", over);
    timer.classList.toggle("present__timer--ending", ending);
    timer.classList.toggle("present__timer--paused", !state.since);
  }

  if (timer && clock && label) {
    write();
    actions.hidden = false;
    pause.textContent = state.since ? "Pause" : "Resume";
    pause.addEventListener("click", function () {
      if (state.since) {
        state = { before: elapsed(), since: null };
        pause.textContent = "Resume";
      } else {
        state = { before: state.before, since: Date.now() };
        pause.textContent = "Pause";
      }
      write();
      tick();
    });
    restart.addEventListener("click", function () {
      state = { before: 0, since: Date.now() };
      pause.textContent = "Pause";
      write();
      tick();
    });
    tick();
    setInterval(tick, 250);
  }

  // The notes: saved a moment after typing stops, when the slide changes, and on leaving.
  var notesForm = document.querySelector("[data-notes]");
  var notesText = notesForm && notesForm.querySelector("textarea");
  var notesStatus = notesForm && notesForm.querySelector("[data-notes-status]");
  var savedText = notesText ? notesText.value : "";
  var pending = null;
  var inFlight = false;

  function say(text, problem) {
    if (!notesStatus) return;
    notesStatus.textContent = text;
    notesStatus.classList.toggle("present__notes-status--problem", !!problem);
  }

  function saveNotes(leaving) {
    if (!notesForm) return;
    if (pending) {
      clearTimeout(pending);
      pending = null;
    }
    var text = notesText.value;
    if (text === savedText) return;
    if (!text.trim()) {
      say("Notes are empty: nothing saved.", true);
      return;
    }
    if (inFlight && !leaving) {
      pending = setTimeout(function () {
        saveNotes(false);
      }, 400);
      return;
    }
    inFlight = true;
    // Leaving: the page goes before the answer comes; do not send the same notes twice.
    if (leaving) savedText = text;
    say("Saving…");
    var body = new FormData(notesForm);
    var token = notesForm.querySelector("[name=csrfmiddlewaretoken]");
    fetch(notesForm.getAttribute("action"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: !!leaving,
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok && answer.saved) {
            savedText = text;
            say(answer.message);
          } else {
            say(answer.message || "The notes were not saved.", true);
          }
        });
      })
      .catch(function () {
        say("The notes were not saved: no connection. They stay here; try again.", true);
      })
      .then(function () {
        inFlight = false;
      });
  }

  if (notesForm) {
    notesText.addEventListener("input", function () {
      if (pending) clearTimeout(pending);
      say("Unsaved changes");
      pending = setTimeout(function () {
        pending = null;
        saveNotes(false);
      }, 1000);
    });
    notesText.addEventListener("blur", function () {
      saveNotes(false);
    });
    notesForm.addEventListener("submit", function (event) {
      event.preventDefault();
      saveNotes(false);
    });
    window.addEventListener("pagehide", function () {
      saveNotes(true);
    });
  }
})();
