/* Shanhuo region picker — cascading province → prefecture → county → township selects.
 * Plain JavaScript, no library, no outside request: it calls this site's /api/regions only.
 *
 * Markup (the form works without JavaScript: the person types the code into the text input):
 *
 *   <div data-region-picker data-region-target="county_code">
 *     <select data-region-level="province" aria-label="省" hidden></select>
 *     <select data-region-level="prefecture" aria-label="市" hidden></select>
 *     <select data-region-level="county" aria-label="县/区" hidden></select>
 *     <select data-region-level="township" aria-label="乡镇" hidden></select>   (optional)
 *     <label>县/区代码 <input name="county_code" value="" inputmode="numeric"
 *            pattern="[0-9]{6}([0-9]{3})?" placeholder="如 610115"></label>
 *   </div>
 *   <script src="/static/region-picker.js" defer></script>
 *
 * - data-region-target names the input that receives the deepest chosen code. With JavaScript
 *   the selects are shown and that input becomes type="hidden" (its <label>, if it wraps the
 *   input, is hidden too). Without JavaScript nothing changes and the typed code is submitted.
 * - Leave out the township select to stop at the county. Selects may start empty: provinces
 *   are fetched. An input that already holds a code (a form shown again after an error)
 *   pre-selects its ancestors.
 * - Levels can be skipped: 北京's children are counties, so the prefecture select is disabled
 *   and the counties fill the county select. A child is always put in the select of its own
 *   level, or the next deeper one present (河南 lists 济源 419001, a county, beside its
 *   prefectures: it goes in the prefecture select and the county select is skipped).
 * - The server still checks the code (regions.service.require_level); the picker only helps.
 * - Optional data-region-api="/api/regions" changes the API root.
 */
(function () {
  "use strict";

  var LEVELS = ["province", "prefecture", "county", "township", "village"];
  var PLACEHOLDER = { province: "省", prefecture: "市", county: "县/区", township: "乡镇", village: "村" };

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }
    );
  }

  function Picker(root) {
    this.root = root;
    this.api = root.getAttribute("data-region-api") || "/api/regions";
    var targetName = root.getAttribute("data-region-target");
    this.target = targetName ? root.querySelector('[name="' + targetName + '"]') : null;
    if (!this.target && targetName && root.form) this.target = root.form.elements[targetName];
    if (!this.target && targetName) this.target = document.querySelector('[name="' + targetName + '"]');
    this.selects = {};
    this.order = [];
    var found = root.querySelectorAll("select[data-region-level]");
    for (var i = 0; i < found.length; i++) {
      var level = found[i].getAttribute("data-region-level");
      if (LEVELS.indexOf(level) >= 0 && !this.selects[level]) {
        this.selects[level] = found[i];
        this.order.push(level);
      }
    }
    this.order.sort(function (a, b) { return LEVELS.indexOf(a) - LEVELS.indexOf(b); });
  }

  Picker.prototype.start = function () {
    if (!this.target || !this.order.length || !window.fetch) return; // stay a plain text input
    var self = this;
    var initial = (this.target.value || "").trim();
    var label = this.target.closest ? this.target.closest("label") : null;
    // app.css gives labels display:grid, which beats the hidden attribute: set the style.
    if (label && this.root.contains(label)) label.style.display = "none";
    this.target.type = "hidden";
    this.order.forEach(function (level) {
      var select = self.selects[level];
      select.hidden = false;
      select.addEventListener("change", function () { self.chosen(level); });
    });
    this.reset(0);
    var first = this.selects[this.order[0]];
    var ready = first.options.length > 1 ? Promise.resolve() : this.fill(this.order[0], null);
    ready.then(function () { if (/^\d{6,12}$/.test(initial)) return self.preselect(initial); })
      .catch(function () { self.fallBack(); });
  };

  // Clear and disable every select after position ``from`` in this.order.
  Picker.prototype.reset = function (from) {
    for (var i = from; i < this.order.length; i++) {
      if (i === 0) continue;
      var select = this.selects[this.order[i]];
      select.innerHTML = "";
      select.appendChild(new Option(PLACEHOLDER[this.order[i]], ""));
      select.disabled = true;
    }
  };

  // The select that shows children of ``level``: the child level, or the next deeper present.
  Picker.prototype.selectFor = function (childLevel) {
    for (var i = LEVELS.indexOf(childLevel); i < LEVELS.length; i++) {
      if (this.selects[LEVELS[i]]) return LEVELS[i];
    }
    return null;
  };

  // Fill the select of the children of ``parentCode`` (provinces when null); resolves to the
  // level of the select that was filled, or null when there is nothing below.
  Picker.prototype.fill = function (firstLevel, parentCode) {
    var self = this;
    var url = parentCode ? this.api + "/" + encodeURIComponent(parentCode) + "/children"
                         : this.api + "/provinces";
    return getJSON(url).then(function (body) {
      var items = body.items || [];
      if (!items.length) return null;
      var level = parentCode ? self.selectFor(items[0].level) : firstLevel;
      if (!level) return null;
      var select = self.selects[level];
      select.innerHTML = "";
      select.appendChild(new Option(PLACEHOLDER[level], ""));
      items.forEach(function (item) {
        var option = new Option(item.name, item.code);
        option.setAttribute("data-level", item.level);
        select.appendChild(option);
      });
      select.disabled = false;
      return level;
    });
  };

  Picker.prototype.chosen = function (level) {
    var self = this;
    var position = this.order.indexOf(level);
    this.reset(position + 1);
    var code = this.selects[level].value;
    this.target.value = code || this.deepestAbove(position);
    if (!code || position === this.order.length - 1) return Promise.resolve(null);
    // Levels skipped between the chosen one and the one filled stay disabled.
    return this.fill(null, code).catch(function () { self.fallBack(); });
  };

  Picker.prototype.deepestAbove = function (position) {
    for (var i = position - 1; i >= 0; i--) {
      var value = this.selects[this.order[i]].value;
      if (value) return value;
    }
    return "";
  };

  // Select the ancestors of ``code`` then the code itself, filling each level on the way.
  Picker.prototype.preselect = function (code) {
    var self = this;
    return getJSON(this.api + "/" + encodeURIComponent(code)).then(function (region) {
      var chain = (region.ancestors || []).concat([region]);
      var step = Promise.resolve();
      chain.forEach(function (item) {
        step = step.then(function () {
          var level = self.order.filter(function (lv) {
            var select = self.selects[lv];
            return !select.disabled && select.querySelector('option[value="' + item.code + '"]');
          })[0];
          if (!level) return;
          self.selects[level].value = item.code;
          return self.chosen(level);
        });
      });
      return step.then(function () { self.target.value = code; });
    }).catch(function () { self.target.value = code; });
  };

  // The API failed: give the typed-code input back so the form still works.
  Picker.prototype.fallBack = function () {
    var self = this;
    this.order.forEach(function (level) { self.selects[level].hidden = true; });
    this.target.type = "text";
    var label = this.target.closest ? this.target.closest("label") : null;
    if (label) label.style.display = "";
  };

  function init() {
    var roots = document.querySelectorAll("[data-region-picker]");
    for (var i = 0; i < roots.length; i++) {
      if (roots[i].getAttribute("data-region-picker-ready")) continue;
      roots[i].setAttribute("data-region-picker-ready", "1");
      new Picker(roots[i]).start();
    }
  }

  window.ShanhuoRegionPicker = { init: init };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
