// Advisor console: sends the console's forms to the JSON API with the session's CSRF token and
// answers where the advisor clicked — in words from the page's catalog (#advisor-texts), never
// field codes. Revoking and ending the service ask first, inside the page.
// Served from /static (CSP forbids inline script); the pages themselves are rendered on the server.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  function text(code, values) {
    var item = document.querySelector('#advisor-texts [data-code="' + code + '"]');
    var out = item ? item.textContent : "";
    Object.keys(values || {}).forEach(function (key) { out = out.split("{" + key + "}").join(values[key]); });
    return out;
  }

  // dd.MM.yyyy HH:mm in Swiss time, as the server renders every date of these pages.
  function stamp(iso) {
    if (!iso) { return "–"; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso; }
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Zurich", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(d).forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) {
      return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    }
    return parts.day + "." + parts.month + "." + parts.year + " " + parts.hour + ":" + parts.minute;
  }

  // The message box of the card (request, grant row or form) that holds `el`.
  function box(el) {
    for (var node = el; node && node.querySelector; node = node.parentElement) {
      var found = node.querySelector(".card-message");
      if (found) { return found; }
    }
    return null;
  }

  function say(el, message, kind) {
    var target = box(el);
    if (!target) { return; }
    target.textContent = message;
    target.className = "card-message " + kind;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
  }

  // What went wrong, in words: "field.code" first, then the code, then the status.
  function problemText(status, problem) {
    var errors = problem.errors || {};
    var fields = Object.keys(errors);
    if (fields.length) {
      return fields.map(function (field) {
        return text(field + "." + errors[field]) || text(errors[field]) || text("invalid");
      }).join(" ");
    }
    if (status === 409 && (problem.approved_by || problem.approved_at)) {
      return text("already-approved", { name: problem.approved_by || "–", date: stamp(problem.approved_at) });
    }
    return text("status-" + status) || text("failed");
  }

  function post(el, url, body, done) {
    var buttons = (el.closest("article, tr, form") || el).querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    function release() { Array.prototype.forEach.call(buttons, function (b) { if (!b.dataset.keepDisabled) { b.disabled = false; } }); }
    say(el, text("working"), "working");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (resp) {
      if (resp.ok) {
        return resp.json().then(function (data) { done(data); }, function () { done({}); });
      }
      release();
      return resp.json().then(
        function (problem) { say(el, problemText(resp.status, problem), "error"); },
        function () { say(el, text("status-" + resp.status) || text("failed"), "error"); }
      );
    }, function () { release(); say(el, text("network"), "error"); });
  }

  // A confirmation step inside the page, next to the button that asked for it.
  function confirmFirst(el, question, proceed) {
    var holder = el.closest("td, form") || el.parentElement;
    var old = holder.querySelector(".confirm");
    if (old) { old.remove(); }
    var wrap = document.createElement("div");
    wrap.className = "confirm";
    wrap.setAttribute("role", "alertdialog");
    var p = document.createElement("p");
    p.textContent = question;
    p.id = "confirm-" + Math.random().toString(36).slice(2);
    wrap.setAttribute("aria-labelledby", p.id);
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "danger js-confirm-yes";
    yes.textContent = text("confirm-yes");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "secondary js-confirm-no";
    no.textContent = text("confirm-no");
    wrap.appendChild(p);
    wrap.appendChild(yes);
    wrap.appendChild(no);
    holder.appendChild(wrap);
    yes.focus();
    no.addEventListener("click", function () { wrap.remove(); el.focus(); });
    yes.addEventListener("click", function () { wrap.remove(); proceed(); });
  }

  function checked(form) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="lines"]:checked'), function (i) { return i.value; });
  }

  function on(selector, handler) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (el) {
      el.addEventListener(el.tagName === "FORM" ? "submit" : "click", function (event) {
        event.preventDefault();
        handler(el);
      });
    });
  }

  function settle(card, message) {
    var decision = card.querySelector(".decision");
    if (decision) { decision.remove(); }
    say(card, message, "done");
  }

  on("form.js-approve", function (form) {
    var body = { lines: checked(form) };
    var enrol = form.querySelector('input[name="enrol"]');
    if (enrol) { body.enrol = enrol.checked; }
    var card = form.closest("article");
    var email = card.dataset.email || "";
    post(form, form.dataset.action, body, function () { settle(card, text("done-approve", { email: email })); });
  });
  on("form.js-reject", function (form) {
    var card = form.closest("article");
    post(form, form.dataset.action, { reason: form.elements.reason.value }, function () {
      settle(card, text("done-reject"));
    });
  });
  on("button.js-revoke", function (button) {
    confirmFirst(button, button.dataset.confirm, function () {
      post(button, button.dataset.action, {}, function () {
        var row = button.closest("tr");
        row.querySelector(".grant-status").textContent = text("revoked");
        say(button, text("done-revoke"), "done");
        button.remove();
      });
    });
  });
  on("form.js-third-party", function (form) {
    var email = form.elements.email.value;
    post(form, form.dataset.action, {
      kind: "third_party",
      email: email,
      customer_number: form.elements.customer_number.value,
      language: form.elements.language.value,
      lines: checked(form)
    }, function () { say(form, text("done-invite", { email: email }), "done"); form.reset(); });
  });
  on("form.js-end-service", function (form) {
    var button = form.querySelector("button");
    confirmFirst(button, form.dataset.confirm, function () {
      post(form, form.dataset.action, {}, function () {
        button.dataset.keepDisabled = "1";
        button.disabled = true;
        Array.prototype.forEach.call(document.querySelectorAll(".grant-status"), function (cell) { cell.textContent = text("revoked"); });
        Array.prototype.forEach.call(document.querySelectorAll("button.js-revoke"), function (b) { b.remove(); });
        say(form, text("done-end-service"), "done");
      });
    });
  });
})();
