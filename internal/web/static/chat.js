// chat.js: keeps the chat on one page. Each turn goes to POST /api/v1/chat and the reply
// is appended as bubbles. If the API cannot answer, the form is submitted the ordinary
// way, which works without JavaScript too.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  var log = document.getElementById("chat-log");
  if (!form || !log || !window.fetch) return;
  var text = document.getElementById("chat-text");
  var session = form.getAttribute("data-session") || "";
  var busy = false;

  function el(tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content) e.textContent = content;
    return e;
  }
  function bubble(who, content) {
    var li = el("li", who === "me" ? "me" : "bot");
    var sr = el("span", "sr", who === "me" ? "나: " : "헤이닥터: ");
    li.appendChild(sr);
    li.appendChild(document.createTextNode(content));
    log.appendChild(li);
    return li;
  }
  function safeHref(kind, v) {
    if (kind === "phone") {
      var d = String(v).replace(/[^0-9]/g, "");
      return d.length >= 3 ? "tel:" + d : "";
    }
    if (/^https?:\/\//.test(v) || (/^\//.test(v) && !/^\/\//.test(v))) return v;
    return "";
  }
  function quick(choices) {
    var old = document.getElementById("chat-quick");
    if (old) old.remove();
    if (!choices || !choices.length) return;
    var box = el("div", "quick");
    box.id = "chat-quick";
    choices.forEach(function (c) {
      var b = el("button", "", c.label);
      b.type = "button";
      b.addEventListener("click", function () { send("", c.value, c.label); });
      box.appendChild(b);
    });
    form.parentNode.insertBefore(box, form);
  }
  function render(reply) {
    (reply.texts || []).forEach(function (t) { bubble("bot", t); });
    (reply.cards || []).forEach(function (c) {
      var li = el("li", "bot card");
      li.appendChild(el("h3", "", c.title));
      if (c.description) li.appendChild(el("p", "small", c.description));
      var acts = el("div", "actions");
      (c.buttons || []).forEach(function (b) {
        if (b.kind === "choice") {
          var btn = el("button", "secondary", b.label);
          btn.type = "button";
          btn.addEventListener("click", function () { send("", b.value, b.label); });
          acts.appendChild(btn);
          return;
        }
        var href = safeHref(b.kind, b.value);
        if (!href) return;
        var a = el("a", "button secondary", b.label);
        a.href = href;
        acts.appendChild(a);
      });
      li.appendChild(acts);
      log.appendChild(li);
    });
    quick(reply.choices);
  }
  function fallback(t, choice, label) {
    // Submit an ordinary form so the server renders the turn.
    var f = el("form");
    f.method = "post";
    f.action = "/chat";
    [["text", t], ["choice", choice], ["label", label]].forEach(function (kv) {
      if (!kv[1]) return;
      var i = el("input");
      i.type = "hidden"; i.name = kv[0]; i.value = kv[1];
      f.appendChild(i);
    });
    document.body.appendChild(f);
    f.submit();
  }
  function send(t, choice, label) {
    if (busy) return;
    busy = true;
    bubble("me", label || t);
    var wait = bubble("bot", "…");
    fetch("/api/v1/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: session, text: t, choice: choice || "" }),
      credentials: "same-origin"
    }).then(function (res) {
      if (!res.ok) throw new Error("status " + res.status);
      return res.json();
    }).then(function (body) {
      wait.remove();
      if (body.session) session = body.session;
      render(body.reply || {});
      busy = false;
      log.lastElementChild && log.lastElementChild.scrollIntoView({ block: "nearest" });
    }).catch(function () {
      busy = false;
      fallback(t, choice, label);
    });
  }
  form.addEventListener("submit", function (ev) {
    var t = text.value.trim();
    ev.preventDefault();
    if (!t) { text.focus(); return; }
    text.value = "";
    send(t, "", "");
  });
  document.querySelectorAll("#chat-quick button, #chat-log form button").forEach(function (b) {
    b.addEventListener("click", function (ev) {
      ev.preventDefault();
      send("", b.value, b.getAttribute("data-label") || b.textContent);
    });
  });
})();
