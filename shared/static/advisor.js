// Advisor console: sends the console's forms to the JSON API with the session's CSRF token.
// Served from /static (CSP forbids inline script); the page itself is rendered on the server.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var message = document.getElementById("advisor-message");

  function text(code, fallback) {
    var item = document.querySelector('#advisor-texts [data-code="' + code + '"]');
    return item ? item.textContent : fallback;
  }

  function show(detail) {
    message.textContent = detail;
    message.className = "error";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (resp) {
      if (resp.ok) { window.location.reload(); return; }
      return resp.json().then(function (problem) {
        var errors = problem.errors || {};
        var fields = Object.keys(errors);
        if (fields.length) {
          // "field: message (code)" — the code stays visible for support.
          show(fields.map(function (k) { return k + ": " + text(errors[k], errors[k]) + " (" + errors[k] + ")"; }).join(" "));
        } else {
          show(text("status-" + resp.status, problem.detail || problem.title || String(resp.status)));
        }
      });
    }, function () { show(text("network", "Network error")); });
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

  on("form.js-approve", function (form) { post(form.dataset.action, { lines: checked(form) }); });
  on("form.js-reject", function (form) { post(form.dataset.action, { reason: form.elements.reason.value }); });
  on("button.js-revoke", function (button) { post(button.dataset.action, {}); });
  on("form.js-third-party", function (form) {
    post(form.dataset.action, {
      kind: "third_party",
      email: form.elements.email.value,
      customer_number: form.elements.customer_number.value,
      language: form.elements.language.value,
      lines: checked(form)
    });
  });
  on("form.js-end-service", function (form) {
    if (window.confirm(form.dataset.confirm)) { post(form.dataset.action, {}); }
  });
})();
