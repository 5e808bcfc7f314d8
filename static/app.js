// Claimtrack works without this file. With it, "/" jumps to the search box
// from anywhere on a page, as on many sites, unless you are typing in a field;
// and the new-claim form lists similar claims as the text is typed.
(function () {
	"use strict";
	function typing(el) {
		if (!el) {
			return false;
		}
		var tag = el.tagName;
		return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
	}
	document.addEventListener("keydown", function (ev) {
		if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented || typing(ev.target)) {
			return;
		}
		var box = document.getElementById("search-q") || document.getElementById("site-search");
		if (!box) {
			return;
		}
		ev.preventDefault();
		box.focus();
		box.select();
	});
})();

// On the new-claim form, the claims similar to the text are listed as it is
// typed: half a second after the last change, the list is asked for again
// (see views.SimilarClaims). Without this file the list comes when the form
// is sent.
(function () {
	"use strict";
	document.querySelectorAll("[data-similar-for]").forEach(function (list) {
		var text = document.getElementById(list.getAttribute("data-similar-for"));
		var url = list.getAttribute("data-similar-url");
		if (!text || !url || !window.fetch) {
			return;
		}
		var asked = text.value.trim();
		var timer = null;
		var pending = null;
		function ask() {
			var value = text.value.trim();
			if (value === asked) {
				return;
			}
			asked = value;
			if (pending) {
				pending.abort();
			}
			var ctl = window.AbortController ? new AbortController() : null;
			pending = ctl;
			fetch(url + "?text=" + encodeURIComponent(value), {
				credentials: "same-origin",
				headers: {"Accept": "text/html"},
				signal: ctl ? ctl.signal : undefined
			}).then(function (res) {
				return res.ok ? res.text() : null;
			}).then(function (html) {
				if (html !== null && pending === ctl && value === asked) {
					list.innerHTML = html;
				}
			}).catch(function () {});
		}
		text.addEventListener("input", function () {
			clearTimeout(timer);
			timer = setTimeout(ask, 500);
		});
	});
})();
