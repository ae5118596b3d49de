/* Live room (buyer page and anchor console): one WebSocket, everything drawn with textContent
   (never innerHTML), deal countdowns ticking locally from the server's opens_at/ends_at. */
(function () {
  "use strict";
  var root = document.getElementById("live-room");
  if (!root) return;
  var roomId = root.dataset.room, en = root.dataset.lang === "en", isConsole = !!root.dataset.console;
  var $ = function (id) { return document.getElementById(id); };
  var t = function (zh, e) { return en ? e : zh; };
  var yuan = function (fen) { return "¥" + (fen / 100).toFixed(2); };
  var deals = {}, skew = 0, socket = null, retry = 500;

  function text(el, value) { if (el) el.textContent = value; }
  function showError(msg) {
    var box = $("live-error"); if (!box) return;
    box.hidden = false; text(box, (en ? msg.message_en : msg.message_zh) + " (" + msg.code + ")");
    setTimeout(function () { box.hidden = true; }, 5000);
  }

  // Video: hls.js where MSE exists; Safari plays HLS natively.
  var video = $("live-video");
  if (video) {
    var src = video.dataset.src;
    window.addEventListener("load", function () {
      if (window.Hls && window.Hls.isSupported()) { var hls = new window.Hls(); hls.loadSource(src); hls.attachMedia(video); }
      else { video.src = src; }
    });
  }

  function addComment(c) {
    var list = $("live-comments"); if (!list) return;
    var li = document.createElement("li"); li.dataset.user = c.user_id;
    var b = document.createElement("b"); b.textContent = c.author; li.appendChild(b);
    li.appendChild(document.createTextNode("：" + c.text));
    list.appendChild(li);
    while (list.children.length > 100) list.removeChild(list.firstChild);
    list.scrollTop = list.scrollHeight;
  }
  function drawPinned(items) {
    var box = $("live-pinned"); if (!box) return;
    box.textContent = "";
    items.forEach(function (p) {
      var div = document.createElement("div"); div.className = "card";
      div.textContent = p.position + t("号 · ", ". ") + p.title + " " + p.sku_name + " " + yuan(p.price_fen) +
        (p.sold_out ? t(" 售罄", " sold out") : p.low_stock ? t(" 仅剩 ", " only ") + p.available : "");
      box.appendChild(div);
    });
  }
  function drawDeal(d) {
    var box = $("live-deals"), tpl = $("deal-template"); if (!box || !tpl) return;
    if (!deals[d.id]) {
      if (!Object.keys(deals).length) box.textContent = "";
      var node = tpl.content.firstElementChild.cloneNode(true); node.dataset.deal = d.id;
      box.appendChild(node); deals[d.id] = { data: d, node: node, key: null };
      var buy = node.querySelector("[data-f=buy]");
      if (buy && !isConsole) buy.addEventListener("click", function () { order(d.id); });
    } else { deals[d.id].data = d; }
    var n = deals[d.id].node, f = function (k) { return n.querySelector("[data-f=" + k + "]"); };
    text(f("title"), d.position + t("号 ", ". ") + d.title + " " + d.sku_name);
    text(f("price"), yuan(d.price_fen)); text(f("remaining"), d.remaining); text(f("limit"), d.per_buyer_limit);
    tickClock();
  }
  function tickClock() {
    var now = Date.now() + skew;
    Object.keys(deals).forEach(function (id) {
      var d = deals[id].data, n = deals[id].node, opens = Date.parse(d.opens_at), ends = Date.parse(d.ends_at);
      var phase = d.phase === "ended" || now >= ends ? "ended" : now < opens ? "countdown" : "open";
      if (d.remaining <= 0 && phase === "open") phase = "sold_out";
      var secs = Math.max(0, Math.ceil(((phase === "countdown" ? opens : ends) - now) / 1000));
      text(n.querySelector("[data-f=phase]"), { countdown: t("距开抢", "opens in"), open: t("距结束", "ends in"), ended: t("已结束", "ended"), sold_out: t("已抢光", "sold out") }[phase]);
      text(n.querySelector("[data-f=clock]"), phase === "countdown" || phase === "open" ? Math.floor(secs / 60) + ":" + ("0" + secs % 60).slice(-2) : "");
      var buy = n.querySelector("[data-f=buy]"); if (buy && buy.tagName === "BUTTON") buy.disabled = phase !== "open";
    });
  }
  setInterval(tickClock, 500);

  function order(dealId) {
    var entry = deals[dealId], form = document.querySelector("#live-address form");
    if (!form) { location.href = "/signin?next=/live/" + roomId; return; }
    var data = Object.fromEntries(new FormData(form).entries());
    ["recipient_name", "recipient_mobile", "region_code", "address"].forEach(function (k) { localStorage.setItem("live_" + k, data[k] || ""); });
    var body = { quantity: 1, recipient_name: data.recipient_name, recipient_mobile: data.recipient_mobile, region_code: data.region_code, address: data.address };
    if (data.coupon_claim_id) body.coupon_claim_id = parseInt(data.coupon_claim_id, 10);
    entry.key = entry.key || (Date.now().toString(36) + Math.random().toString(36).slice(2)); // one key per purchase, kept for retries
    var result = entry.node.querySelector("[data-f=result]"); text(result, t("提交中…", "Sending…"));
    fetch("/api/live/deals/" + dealId + "/orders", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Idempotency-Key": entry.key }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }); })
      .then(function (res) {
        if (res[0] === 200 || res[0] === 201) {
          result.textContent = "";
          var ok = document.createElement("form"); ok.method = "post"; ok.action = "/checkouts/" + res[1].checkout_id + "/pay";
          var btn = document.createElement("button"); btn.textContent = t("已下单，去付款 ", "Ordered — pay ") + yuan(res[1].total_fen);
          ok.appendChild(btn); result.appendChild(ok); entry.key = null;
        } else { text(result, (en ? res[1].message_en : res[1].message_zh) || res[1].title); if (res[0] < 500) entry.key = null; }
      })
      .catch(function () { text(result, t("网络不稳，请再点一次（不会重复下单）", "Network trouble — press again (no double order)")); });
  }
  var addr = document.querySelector("#live-address form");
  if (addr) ["recipient_name", "recipient_mobile", "region_code", "address"].forEach(function (k) { var v = localStorage.getItem("live_" + k); if (v) addr.elements[k].value = v; });

  function handle(m) {
    switch (m.type) {
      case "snapshot":
        skew = Date.parse(m.server_now) - Date.now();
        text($("live-viewers"), m.viewers); text($("live-likes"), m.likes);
        deals = {}; var box = $("live-deals"); if (box && m.deals.length) box.textContent = "";
        m.deals.forEach(drawDeal); drawPinned(m.pinned);
        if (!isConsole) { var list = $("live-comments"); if (list) { list.textContent = ""; m.comments.forEach(addComment); } }
        break;
      case "pin": drawPinned(m.pinned); break;
      case "deal": drawDeal(m.deal); break;
      case "stock": case "sold_out": if (deals[m.deal_id]) { deals[m.deal_id].data.remaining = m.remaining; text(deals[m.deal_id].node.querySelector("[data-f=remaining]"), m.remaining); tickClock(); } break;
      case "comment": addComment(m.comment); break;
      case "comment_pinned": var pc = $("live-pinned-comment"); if (pc) { pc.hidden = false; pc.textContent = "📌 " + m.comment.author + "：" + m.comment.text; } break;
      case "muted": document.querySelectorAll('#live-comments li[data-user="' + m.user_id + '"]').forEach(function (li) { li.remove(); }); break;
      case "viewers": text($("live-viewers"), m.count); break;
      case "likes": text($("live-likes"), m.count); break;
      case "ticker": text($("live-ticker"), m.lines.map(function (l) { return en ? l.text_en : l.text_zh; }).join(" · ")); break;
      case "coupon": if (!isConsole) { text($("live-ticker"), t("主播发券啦：", "New coupon: ") + m.coupon.title + t("，刷新页面领取", " — reload to claim")); } break;
      case "session": text($("live-status"), m.session.status); break;
      case "error": showError(m); break;
    }
  }
  function connect() {
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/live/" + roomId);
    socket.onopen = function () { retry = 500; };
    socket.onmessage = function (e) { try { handle(JSON.parse(e.data)); } catch (err) { /* ignore one bad frame */ } };
    socket.onclose = function () { setTimeout(connect, retry); retry = Math.min(retry * 2, 10000); }; // reconnect: a new snapshot follows
  }
  connect();
  var cf = $("live-comment-form");
  if (cf) cf.addEventListener("submit", function (e) {
    e.preventDefault(); var input = cf.elements.text;
    if (input.value.trim() && socket && socket.readyState === 1) { socket.send(JSON.stringify({ type: "comment", text: input.value })); input.value = ""; }
  });
  var like = $("live-like");
  if (like) like.addEventListener("click", function () { if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "like", count: 1 })); });
})();
